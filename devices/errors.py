"""The base of the devices' errors: the same shape as ``kiosk.core.errors.BianminError``.

``devices`` cannot import the kiosk, so its errors carry the two attributes the kiosk's
edges read on a small base of their own: ``key``, a message catalogue key (the sentences
live in ``kiosk/locale/zh_CN/LC_MESSAGES/devices.po``, never here), and ``params``, the
values that sentence names. ``str(error)`` is the precise English cause for the log and
the technician: port, command, status code; never a name or an unmasked ID number.
"""

from __future__ import annotations

from typing import Any


class DeviceError(Exception):
    """A device could not do what was asked; ``key`` names the sentence a person reads."""

    key: str = "device.error"  # on the class; an error may choose its own (a status code's)

    def __init__(self, *args: object, **params: Any) -> None:
        super().__init__(*args)
        self.params: dict[str, Any] = params

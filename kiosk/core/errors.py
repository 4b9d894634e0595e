"""One error shape for the whole program, turned into words only at the edges.

An error that a villager or a member of staff may meet carries two things:

- ``key``: a message catalogue key (``kiosk/locale/zh_CN/LC_MESSAGES/*.po``), set on the class;
- ``params``: a dict of the values its sentence names (``{"label": "联系电话"}``).

Its ``str()`` stays the precise English cause, for the log and the technician. Every edge
(the kiosk screens, the CLI, the hall's pages) asks :func:`explain` for the key and values,
then :class:`~kiosk.core.messages.Messages` for the sentence::

    from kiosk.core.errors import explain
    from kiosk.core.messages import messages_for

    key, params = explain(exc)
    sentence = messages_for().get(key, **params)

``devices`` and ``offline_sync`` cannot import this module; their errors carry the same two
attributes on their own small bases (``devices.errors.DeviceError``), and :func:`explain`
reads them the same way.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any, ClassVar

__all__ = ["GENERIC", "BianminError", "explain"]

GENERIC = "common.error.generic"


class BianminError(Exception):
    """Base of the kiosk's errors: a catalogue ``key`` and the ``params`` of its sentence.

    ``BianminError("no ticket A404", ticket_no="A404")``: the first argument is the English
    cause (``str(error)``), keyword arguments are the sentence's values.
    """

    key: ClassVar[str] = GENERIC

    def __init__(self, message: str = "", /, **params: Any) -> None:
        super().__init__(message or type(self).__name__)
        self.params: dict[str, Any] = params


def explain(exc: BaseException, known: Container[str] | None = None) -> tuple[str, dict[str, Any]]:
    """The catalogue key and values that tell a person about ``exc``.

    - an error with field errors (``exc.errors``, as a form's): the first field's key and values;
    - an error with a ``key`` (:class:`BianminError`, the devices' and offline_sync's errors,
      the queue's): that key and its ``params``;
    - anything else (a bug, an OS error): the generic "something went wrong" key.

    With ``known`` (the catalogue), a key missing from it is passed over (the field's for the
    error's own, then the generic key), so a person never reads a raw key.
    """
    errors = getattr(exc, "errors", None)
    first = errors[0] if isinstance(errors, list | tuple) and errors else None
    for source in (first, exc):
        key = getattr(source, "key", None)
        if isinstance(key, str) and (known is None or key in known):
            return key, _params_of(source)
    return GENERIC, {}


def _params_of(thing: object) -> dict[str, Any]:
    params = getattr(thing, "params", None)
    if callable(params):  # a form's FieldError gives its values through a method
        params = params()
    if isinstance(params, Mapping):
        return dict(params)
    names = getattr(thing, "names", None)  # kiosk.core.cases.errors.MaterialsMissing
    return {"names": "、".join(names)} if names else {}

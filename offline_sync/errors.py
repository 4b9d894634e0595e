"""The base of offline_sync's errors that a person may read: a message key and its values.

offline_sync cannot import kiosk, so its errors carry the same two attributes as kiosk's
error base: ``key``, a message catalogue key set on the class, and ``params``, the values
for that sentence. ``str()`` stays English, for logs and technicians; villager and staff
wording lives only in kiosk's message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class OfflineSyncError(Exception):
    """An error of offline_sync with a message key (class-level) and its parameters."""

    key: ClassVar[str] = "offline_sync.error"

    def __init__(self, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.params: dict[str, Any] = dict(params or {})

"""The errors of upkeep: an English line for the technician and a catalogue key with its
parameters, the shape every edge turns into words (``key``, ``params``)."""

from __future__ import annotations

from typing import Any, ClassVar


class UpkeepError(Exception):
    """A backup, restore, key or set-up operation could not be done; nothing was changed."""

    key: ClassVar[str] = "upkeep.error"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.params = params


class KeyFileError(UpkeepError):
    """The vault key is missing, unreadable, or a wrapped key cannot be opened."""

    key = "upkeep.key.error"


class BackupError(UpkeepError):
    """A backup could not be made, or a backup cannot be restored."""

    key = "upkeep.backup.error"

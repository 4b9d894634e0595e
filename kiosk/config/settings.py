"""The whole configuration: one field a table, and the paths it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.config.front_ends import Agent, Hall, Ui
from kiosk.config.hardware import Devices, Sound
from kiosk.config.platform import Platform, Sync
from kiosk.config.retention import Backup, Privacy
from kiosk.config.site import Hours, Queue, Service, Site


@dataclass(frozen=True)
class Config:
    site: Site
    # Every entry starts from the [service_defaults] table and overrides it key by key.
    services: list[Service] = field(metadata={"entry_defaults": "service_defaults"})
    hours: Hours
    queue: Queue
    platform: Platform
    sync: Sync
    devices: Devices
    ui: Ui
    sound: Sound
    hall: Hall
    agent: Agent
    backup: Backup
    privacy: Privacy
    source: str = field(metadata={"internal": True})

    @property
    def data_dir(self) -> Path:
        """The data directory; ``~`` expanded, a relative path taken from the site file's folder."""
        return self._path(self.site.data_dir)

    @property
    def backup_dir(self) -> Path:
        """Where backups go: ``[backup] dir`` (relative to the site file's folder), else
        ``backups`` in the data directory."""
        return self._path(self.backup.dir) if self.backup.dir else self.data_dir / "backups"

    def _path(self, text: str) -> Path:
        path = Path(text).expanduser()
        if path.is_absolute():
            return path
        return Path(self.source).resolve().parent / path

    def service(self, code: str) -> Service:
        """The service with this code; KeyError if there is none."""
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)

"""Backups of the store and its attachments, made online, checked, and restored with care.

A backup is a folder ``bianmin-<UTC time>`` in ``[backup] dir``: ``bianmin.sqlite3``
made with SQLite's online backup API (never a file copy of a live database; the kiosk
keeps working meanwhile), ``attachments/`` (sealed files, hard-linked to the previous
backup's copy when unchanged and the medium allows it), and ``manifest.json`` (time,
site, program version, the vault key's fingerprint, migrations). It is built as
``.partial``, checked with ``integrity_check``, fsynced and only then renamed into place;
the oldest beyond ``[backup] keep`` are removed. The vault key is never in a backup
(see :mod:`kiosk.core.upkeep.keys`).

A restore checks the backup (``integrity_check``, migrations this program knows, the
same vault key) before anything is replaced, refuses while another process has the
store open, keeps the current store as a backup first, then swaps the file atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlite_utils import Migrations

from kiosk.config import Config
from kiosk.core.cases.files import ATTACHMENT_DIR, fsync_dir
from kiosk.core.schema import MIGRATION_SETS
from kiosk.core.upkeep.durable_files import (
    applied_migrations,
    checkpoint,
    copy_durably,
    copy_store,
    integrity,
    link_same,
    migration_names,
    sha256,
    write_durably,
)
from kiosk.core.upkeep.errors import BackupError
from kiosk.core.upkeep.keys import current_fingerprint
from kiosk.core.upkeep.processes import holders
from kiosk.core.upkeep.versions import program_version
from offline_sync.clock import Clock

PREFIX = "bianmin-"
STORE_NAME = "bianmin.sqlite3"
MANIFEST = "manifest.json"
PARTIAL = ".partial"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class BackupInfo:
    """One backup folder."""

    path: Path
    created_at: datetime
    label: str
    store_bytes: int
    attachments: int

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "path": str(self.path),
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "label": self.label,
            "store_bytes": self.store_bytes,
            "attachments": self.attachments,
        }


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did."""

    restored_from: Path
    safety_copy: Path | None  # the store as it was before, kept as a backup
    attachments_copied: int


class Backups:
    """Backups of one site: its store file, attachments folder and backup folder."""

    def __init__(
        self,
        store_path: Path,
        data_dir: Path,
        backup_dir: Path,
        keep: int,
        clock: Clock,
        migration_sets: Sequence[Migrations],
        nightly_at: str = "02:30",
        zone: str = "Asia/Shanghai",
        site: dict[str, str] | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self.data_dir = Path(data_dir)
        self.dir = Path(backup_dir)
        self.keep = keep
        self.clock = clock
        self.migration_sets = list(migration_sets)
        self.nightly_at = time.fromisoformat(nightly_at)
        self.zone = ZoneInfo(zone)
        self.site = dict(site or {})

    @classmethod
    def for_config(cls, config: Config, store_path: Path, clock: Clock) -> Backups:
        """The backups of the site a configuration describes."""
        return cls(
            store_path,
            config.data_dir,
            config.backup_dir,
            config.backup.keep,
            clock,
            MIGRATION_SETS,
            config.backup.at,
            config.site.timezone,
            {"code": config.site.code, "device_id": config.platform.device_id},
        )

    # -- making backups ------------------------------------------------------

    def run(self, label: str = "manual") -> BackupInfo:
        """Make a backup now; the oldest beyond ``keep`` are removed afterwards."""
        if not self.store_path.exists():
            raise BackupError(f"{self.store_path}: there is no store to back up")
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise BackupError(
                f"{self.dir}: cannot create the backup folder: {exc.strerror}", dir=str(self.dir)
            ) from None
        with self._lock():
            info = self._make(label)
            self._prune()
        return info

    def due(self) -> bool:
        """True when tonight's backup (``[backup] at``, local time) has not been made yet."""
        now = self.clock.now().astimezone(self.zone)
        slot = datetime.combine(now.date(), self.nightly_at, self.zone)
        if now < slot:
            slot -= timedelta(days=1)
        last = self.last()
        return last is None or last.created_at < slot

    def run_if_due(self) -> BackupInfo | None:
        """The nightly backup, when it is due (the kiosk's scheduler and the systemd timer)."""
        return self.run("nightly") if self.due() else None

    def list(self) -> list[BackupInfo]:
        """Every finished backup, oldest first."""
        if not self.dir.is_dir():
            return []
        found = []
        for path in sorted(self.dir.glob(PREFIX + "*")):
            if path.is_dir() and not path.name.endswith(PARTIAL):
                with contextlib.suppress(BackupError):
                    found.append(read_info(path))
        return found

    def last(self) -> BackupInfo | None:
        """The newest backup, or None."""
        backups = self.list()
        return backups[-1] if backups else None

    def _make(self, label: str) -> BackupInfo:
        now = self.clock.now().astimezone(UTC)
        name = PREFIX + now.strftime(_STAMP)
        final = self.dir / name
        n = 1
        while final.exists():
            n += 1
            final = self.dir / f"{name}-{n}"
        partial = final.with_name(final.name + PARTIAL)
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(mode=0o700)
        try:
            store_copy = partial / STORE_NAME
            copy_store(self.store_path, store_copy)
            previous = self.last()
            count = self._copy_attachments(partial, previous.path if previous else None)
            manifest = {
                "format": "bianmin-backup",
                "version": 1,
                "created_at": now.isoformat(timespec="seconds"),
                "label": label,
                "program_version": program_version(),
                "key_fingerprint": current_fingerprint(self.data_dir),
                "site": self.site,
                "store": {"file": STORE_NAME, "bytes": store_copy.stat().st_size,
                          "sha256": sha256(store_copy)},
                "attachments": count,
                "migrations": applied_migrations(store_copy),
            }  # fmt: skip
            write_durably(partial / MANIFEST, json.dumps(manifest, indent=2).encode())
            fsync_dir(partial)
            os.replace(partial, final)
            fsync_dir(self.dir)
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise BackupError(
                f"{self.dir}: the backup could not be written: {exc.strerror or exc}",
                dir=str(self.dir),
            ) from None
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return read_info(final)

    def _copy_attachments(self, target: Path, previous: Path | None) -> int:
        source = self.data_dir / ATTACHMENT_DIR
        if not source.is_dir():
            return 0
        folder = target / ATTACHMENT_DIR
        folder.mkdir(mode=0o700)
        count = 0
        for path in sorted(source.rglob("*")):
            if not path.is_file() or path.name.startswith(".") or path.suffix in (".tmp", ".part"):
                continue
            relative = path.relative_to(source)
            copy = folder / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            earlier = previous / ATTACHMENT_DIR / relative if previous else None
            if not (earlier and link_same(earlier, path, copy)):
                copy_durably(path, copy)
            count += 1
        return count

    def _prune(self) -> None:
        backups = self.list()
        for old in backups[: max(0, len(backups) - self.keep)]:
            shutil.rmtree(old.path, ignore_errors=True)
        for stale in self.dir.glob(PREFIX + "*" + PARTIAL):
            shutil.rmtree(stale, ignore_errors=True)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """One backup or restore at a time (the kiosk's scheduler, the timer, a technician)."""
        with open(self.dir / ".lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BackupError(f"{self.dir}: another backup or restore is running") from None
            yield

    # -- restoring -----------------------------------------------------------

    def check(self, backup: Path) -> BackupInfo:
        """Check a backup as a restore would, changing nothing; BackupError says what is wrong."""
        folder = resolve(backup)
        info = read_info(folder)
        copy = folder / STORE_NAME
        problems = integrity(copy)
        if problems != ["ok"]:
            raise BackupError(
                f"{copy}: the backup is damaged ({problems[0]}); nothing was changed",
                path=str(copy),
            )
        known = {m.name: set(migration_names(m)) for m in self.migration_sets}
        for set_name, names in applied_migrations(copy).items():
            unknown = set(names) - known.get(set_name, set())
            if unknown:
                raise BackupError(
                    f"{copy}: made by a newer program (migration {sorted(unknown)[0]} of "
                    f"{set_name} is unknown here); update bianmin first",
                    path=str(copy),
                )
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        wanted, have = manifest.get("key_fingerprint"), current_fingerprint(self.data_dir)
        if wanted and wanted != have:
            raise BackupError(
                f"{folder}: sealed under vault key {wanted}, but this box has "
                f"{have or 'no key'}; import that key first (bianmin key import)",
                path=str(folder),
            )
        return info

    def restore(self, backup: Path) -> RestoreReport:
        """Replace the store (and add missing attachments) from a checked backup."""
        info = self.check(backup)
        users = holders(self.store_path) if self.store_path.exists() else []
        if users:
            names = ", ".join(map(str, users))
            raise BackupError(
                f"{self.store_path} is open in {names}; stop the kiosk first "
                "(systemctl stop bianmin-kiosk)",
                path=str(self.store_path),
            )
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._lock():
            safety = self._keep_current()
            staged = self.store_path.with_name(self.store_path.name + ".restore")
            staged.unlink(missing_ok=True)
            copy_store(info.path / STORE_NAME, staged)
            for suffix in ("-wal", "-shm"):
                self.store_path.with_name(self.store_path.name + suffix).unlink(missing_ok=True)
            os.replace(staged, self.store_path)
            fsync_dir(self.store_path.parent)
            copied = self._restore_attachments(info.path)
        return RestoreReport(info.path, safety, copied)

    def _keep_current(self) -> Path | None:
        """The current store as a ``pre-restore`` backup; a damaged one is moved aside."""
        if not self.store_path.exists():
            return None
        if integrity(self.store_path) == ["ok"]:
            checkpoint(self.store_path)
            return self._make("pre-restore").path
        stamp = self.clock.now().astimezone(UTC).strftime(_STAMP)
        aside = self.store_path.with_name(f"{self.store_path.name}.damaged-{stamp}")
        os.replace(self.store_path, aside)
        return aside

    def _restore_attachments(self, folder: Path) -> int:
        source = folder / ATTACHMENT_DIR
        if not source.is_dir():
            return 0
        target = self.data_dir / ATTACHMENT_DIR
        count = 0
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            copy = target / path.relative_to(source)
            if copy.exists() and copy.stat().st_size == path.stat().st_size:
                continue
            copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            copy_durably(path, copy)
            count += 1
        return count


def resolve(path: Path) -> Path:
    """The backup folder named by ``path`` (the folder, or a file inside it)."""
    path = Path(path)
    folder = path.parent if path.is_file() else path
    if not (folder / STORE_NAME).is_file():
        raise BackupError(f"{path}: not a bianmin backup (no {STORE_NAME})", path=str(path))
    return folder


def read_info(folder: Path) -> BackupInfo:
    """What a backup folder's manifest says."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        created = datetime.fromisoformat(manifest["created_at"])
        return BackupInfo(
            folder,
            created,
            manifest.get("label", ""),
            (folder / STORE_NAME).stat().st_size,
            int(manifest.get("attachments", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{folder}: no readable {MANIFEST}", path=str(folder)) from None

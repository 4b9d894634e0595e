"""Attachment files at rest: sealed by the vault, written and fsynced (with their directory)
under ``<data_dir>/attachments/`` before any row names them."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Set
from pathlib import Path

from kiosk.core.cases.errors import AttachmentRejected
from offline_sync.vault import Vault

ATTACHMENT_DIR = "attachments"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # the platform's Tus-Max-Size
MEDIA_TYPES = ("image/jpeg", "image/png", "application/pdf")


def check_file(data: bytes, media_type: str) -> None:
    """AttachmentRejected unless the platform takes a file of this type and size."""
    if media_type not in MEDIA_TYPES:
        raise AttachmentRejected(f"media type {media_type!r}; allowed: {', '.join(MEDIA_TYPES)}")
    if not data:
        raise AttachmentRejected("the file is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(f"{len(data)} bytes; at most {MAX_ATTACHMENT_BYTES}")


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (a new, renamed or removed file) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SealedFiles:
    """The sealed attachment files of one data directory; paths are relative to it."""

    def __init__(self, vault: Vault, data_dir: Path) -> None:
        self.vault = vault
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / ATTACHMENT_DIR

    def write(self, data: bytes) -> tuple[str, str]:
        """Seal ``data`` into a new durable file; its new attachment id and relative path."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        attachment_id = str(uuid.uuid4())
        rel = f"{ATTACHMENT_DIR}/{attachment_id}.sealed"
        tmp = self.folder / f".{attachment_id}.tmp"
        try:  # private from its first byte; a full disk leaves no partial file behind
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
                fh.write(self.vault.seal_bytes(data))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.data_dir / rel)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.folder)
        return attachment_id, rel

    def read(self, rel: str) -> bytes:
        """The plain content of the file at ``rel``."""
        return self.vault.unseal_bytes((self.data_dir / rel).read_bytes())

    def remove(self, rel: str) -> None:
        """Delete the file at ``rel`` (gone already is fine)."""
        try:
            (self.data_dir / rel).unlink()
        except FileNotFoundError:
            return
        fsync_dir((self.data_dir / rel).parent)

    def sweep(self, named: Set[str], older_than_s: float) -> int:
        """Delete files no row names (``named``: relative paths) older than ``older_than_s``.

        The age keeps a file another process has just written, before its row commits.
        """
        if not self.folder.is_dir():
            return 0
        # File times come from the file system's clock, so the age is measured on it too.
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.folder.iterdir():
            if f"{ATTACHMENT_DIR}/{path.name}" in named or path.stat().st_mtime > cutoff:
                continue
            path.unlink()
            removed += 1
        if removed:
            fsync_dir(self.folder)
        return removed

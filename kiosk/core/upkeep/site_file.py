"""Changing the site file safely: comments kept, validated first, written atomically.

A set-up step that worked saves its settings here. The new text is written to a temp
file beside the site file, fsynced, loaded and validated like a start-up would load it,
and only then renamed over the site file (the directory fsynced after). The version it
replaces is kept as ``<name>.previous``. A change that does not validate raises
:class:`~kiosk.config.ConfigError` and leaves the site file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from kiosk.config import Config, ConfigError, load_config
from kiosk.core.cases.files import fsync_dir

PREVIOUS_SUFFIX = ".previous"


class SiteFile:
    """The site file at ``path`` (``/etc/bianmin/site.toml`` on the appliance)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def previous_path(self) -> Path:
        """Where the version replaced by the last change is kept."""
        return self.path.with_name(self.path.name + PREVIOUS_SUFFIX)

    def load(self) -> Config:
        """The configuration the site file gives now."""
        return load_config(self.path)

    def update(self, settings: Mapping[str, Any]) -> Config:
        """Set dotted keys (``{"devices.idcard.port": "/dev/serial/by-id/..."}``) and save.

        Comments, order and every other key stay as they were. Returns the new
        configuration; raises ConfigError (the file unchanged) when it does not validate.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot read the site file: {exc.strerror}") from None
        try:
            document = tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as exc:
            raise ConfigError(f"{self.path}: not valid TOML: {exc}") from None
        for dotted, value in settings.items():
            _set(document, dotted, value)
        return self.write(tomlkit.dumps(document))

    def write(self, text: str) -> Config:
        """Replace the whole site file with ``text`` once it validates; the new configuration."""

        def validate(temp: Path) -> None:
            try:
                load_config(temp)
            except ConfigError as exc:
                raise ConfigError(str(exc).replace(str(temp), str(self.path))) from None
            self._keep_previous()

        replace_file(self.path, text, before_replace=validate)
        return load_config(self.path)

    def restore_previous(self) -> Config:
        """Put the kept previous version back (it must still validate)."""
        try:
            text = self.previous_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{self.previous_path}: no previous version is kept") from None
        return self.write(text)

    def _keep_previous(self) -> None:
        """Keep the current file as ``.previous``: a hard link when allowed, else a copy."""
        if not self.path.exists():
            return
        staged = self.previous_path.with_name(self.previous_path.name + ".tmp")
        staged.unlink(missing_ok=True)
        try:
            os.link(self.path, staged)
        except OSError:
            data = self.path.read_bytes()
            with open(staged, "wb") as out:
                out.write(data)
                _copy_mode(self.path, out.fileno())
                os.fsync(out.fileno())
        os.replace(staged, self.previous_path)


def replace_file(
    path: Path,
    text: str,
    like: Path | None = None,
    before_replace: Callable[[Path], None] | None = None,
) -> None:
    """Write ``text`` to a temp file beside ``path`` with the mode and owner of ``like``
    (default ``path``), fsync it, let ``before_replace(temp)`` look at it (and raise), then
    rename it over ``path`` and fsync the folder. On any error ``path`` is as it was."""
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            _copy_mode(like or path, out.fileno())
            os.fsync(out.fileno())
        if before_replace is not None:
            before_replace(temp)
        os.replace(temp, path)
        fsync_dir(folder)
    finally:
        temp.unlink(missing_ok=True)


def _set(document: tomlkit.TOMLDocument, dotted: str, value: Any) -> None:
    """Set ``a.b.c`` in a parsed document, creating tables that are missing."""
    *tables, key = dotted.split(".")
    node: Any = document
    for name in tables:
        if name not in node:
            node[name] = tomlkit.table()
        node = node[name]
        if not isinstance(node, Table | dict):
            raise ConfigError(f"{dotted}: {name} is not a table in the site file")
    node[key] = value


def _copy_mode(original: Path, fd: int) -> None:
    """Give the new file the old one's mode and owner (the site file holds secrets)."""
    try:
        info = original.stat()
    except FileNotFoundError:
        os.fchmod(fd, 0o600)
        return
    os.fchmod(fd, info.st_mode & 0o777)
    with contextlib.suppress(PermissionError):
        os.fchown(fd, info.st_uid, info.st_gid)

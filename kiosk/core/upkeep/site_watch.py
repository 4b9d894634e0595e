"""The site file a running kiosk depends on: noticed when it changes, never trusted blindly.

A technician edits ``/etc/bianmin/site.toml`` with ``sudoedit`` while the kiosk runs, or
a set-up screen saves into it. :class:`SiteWatch` notices the change, loads the file as a
start-up would, and answers with the new configuration, or with the one-line error and
the kiosk goes on with the configuration it has. Every version the kiosk accepted is
kept beside the site file as ``<name>.last-good``, so a kiosk restarted after a bad
edit (``Restart=always``, a power cut) starts on that instead of stopping for good:
:func:`load_running_config` is how the kiosk and ``bianmin status`` load the site.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Config, ConfigError, default_config_path, load_config
from kiosk.core.upkeep.site_file import SiteFile, replace_file

log = logging.getLogger(__name__)

LAST_GOOD_SUFFIX = ".last-good"
_NEVER = object()  # the signature before the first look


def last_good_path(site_path: str | os.PathLike[str]) -> Path:
    """Where the last configuration a kiosk accepted from ``site_path`` is kept."""
    path = Path(site_path)
    return path.with_name(path.name + LAST_GOOD_SUFFIX)


@dataclass(frozen=True)
class SiteState:
    """The configuration to run on and, when it is not the site file's own, why."""

    config: Config
    problem: str = ""  # the site file's error line; "" when the site file itself is in force

    @property
    def on_last_good(self) -> bool:
        """True when the kiosk runs on the kept copy because the site file is bad."""
        return bool(self.problem)


def load_running_config(site_path: str | os.PathLike[str]) -> SiteState:
    """The site file's configuration; when it does not load, the last good copy's with the
    site file's error. Raises ConfigError when neither loads (nothing to run on).

    The returned configuration names the site file as its source either way: it is the
    file to fix, and the one set-up screens save into.
    """
    try:
        return SiteState(load_config(site_path))
    except ConfigError as exc:
        problem = str(exc)
        kept = last_good_path(site_path)
        if not kept.exists():
            raise
        try:
            config = load_config(kept)
        except ConfigError:
            raise exc from None
    return SiteState(dataclasses.replace(config, source=str(site_path)), problem)


def restore_last_good(site_path: str | os.PathLike[str]) -> Config:
    """Write the last good copy back over the site file (the bad one is kept as its
    ``.previous``); the configuration. ConfigError when no copy is kept."""
    kept = last_good_path(site_path)
    try:
        text = kept.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{kept}: no last good configuration is kept") from None
    return SiteFile(site_path).write(text)


@dataclass(frozen=True)
class Accepted:
    """The site file changed and loads: the kiosk should run on ``config`` now."""

    config: Config


@dataclass(frozen=True)
class Rejected:
    """The site file changed and does not load: the kiosk keeps its configuration."""

    problem: str


SiteChange = Accepted | Rejected


class SiteWatch:
    """Watches the site file of a running kiosk.

    :meth:`check` is cheap when nothing changed (one ``stat``); it is meant to be called
    every few seconds. ``problem`` is the site file's error line while it is bad ("" when
    the site file is in force).
    """

    def __init__(self, config: Config, keep_last_good: bool = True) -> None:
        self.path = Path(config.source)
        self.problem = ""
        # What the site file held when the kiosk started (None: it did not load, and the
        # kiosk runs on its last good copy). Changes are measured against the file, not
        # against ``config``, which a front-end may have adjusted (a window, test hours).
        try:
            self._loaded: Config | None = load_config(self.path)
        except ConfigError:
            self._loaded = None
        # The packaged defaults are never a site file to keep a copy of.
        self.keep_last_good = keep_last_good and self.path != default_config_path()
        self._seen: object = _NEVER
        self._text: str | None = None

    def check(self) -> SiteChange | None:
        """Look at the site file: None when it has not changed, or changed into the values
        it held before (a comment, the same values); else what the change means."""
        signature = _signature(self.path)
        if signature == self._seen:
            return None
        first = self._seen is _NEVER
        self._seen = signature
        try:
            text: str | None = self.path.read_text(encoding="utf-8")
        except OSError:
            text = None
        if text == self._text and not first:
            return None
        self._text = text
        try:
            config = load_config(self.path)
        except ConfigError as exc:
            self.problem = str(exc)
            log.warning("site file not loaded, the kiosk keeps its configuration: %s", self.problem)
            return Rejected(self.problem)
        self.problem = ""
        if self.keep_last_good and text is not None:
            self._keep(text)
        if config == self._loaded:
            return None
        self._loaded = config
        return Accepted(config)

    def _keep(self, text: str) -> None:
        """Write ``text`` as the last good copy (atomically, with the site file's mode)."""
        kept = last_good_path(self.path)
        with contextlib.suppress(OSError):
            if kept.read_text(encoding="utf-8") == text:
                return
        try:
            replace_file(kept, text, like=self.path)
        except OSError as exc:
            log.warning("cannot keep the last good site file as %s: %s", kept, exc)


def changed_sections(old: Config, new: Config) -> frozenset[str]:
    """The tables whose values differ (``devices.idcard``, ``platform``, ``ui`` ...);
    each device is its own table, ``services`` is the list of services."""
    changed = set()
    for field in dataclasses.fields(Config):
        if field.metadata.get("internal"):
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if field.name == "devices":
            changed.update(
                f"devices.{device.name}"
                for device in dataclasses.fields(before)
                if getattr(before, device.name) != getattr(after, device.name)
            )
        elif before != after:
            changed.add(field.name)
    return frozenset(changed)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size

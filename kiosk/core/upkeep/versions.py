"""Which program this is: its version and the versions of what it runs on."""

from __future__ import annotations

import platform
from importlib import metadata

LIBRARIES = ("kivy", "sqlite-utils", "python-escpos", "pyserial", "httpx", "cryptography")


def program_version() -> str:
    """The installed bianmin version (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return metadata.version("bianmin")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def versions() -> dict[str, str]:
    """bianmin, Python, SQLite, the OS and the main libraries, for a diagnostics bundle."""
    import sqlite3

    found = {
        "bianmin": program_version(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
        "machine": platform.machine(),
        "os": _os_release(),
    }
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _os_release() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "unknown")
    except OSError:
        return "unknown"

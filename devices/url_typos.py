"""Typos in a device URL that would still open something, found before anything is opened.

``serial://dev/ttyUSB0`` reads as host ``dev`` and path ``/ttyUSB0``; ``file://tmp/x.bin``
as host ``tmp`` and path ``/x.bin``: a printer on ``/ttyUSB0`` that does not exist, or
tickets written to ``/x.bin``. A URL naming a path on this machine takes three slashes
(``serial:///dev/ttyUSB0``). This module has no dependencies, so the configuration can
check a site file with it without loading any driver.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PATH_SCHEMES = ("serial", "file")


def path_url_problem(text: str) -> str | None:
    """What is wrong with a ``serial://`` or ``file://`` URL that names no absolute path,
    with what to write instead; None when it is fine (or not such a URL)."""
    parts = urlsplit(text)
    if parts.scheme not in PATH_SCHEMES or parts.netloc in ("", "localhost"):
        return None
    if parts.netloc.startswith("[") or ":" in parts.netloc:
        return f"a {parts.scheme}:// URL names a path on this machine, not a host and port"
    query = f"?{parts.query}" if parts.query else ""
    folder = "dev/" if parts.scheme == "serial" and parts.netloc.startswith("tty") else ""
    meant = f"{parts.scheme}:///{folder}{parts.netloc}{parts.path}{query}"
    return (
        f"{parts.netloc!r} after {parts.scheme}:// is read as a host name, not as part of the"
        f" path; a path takes three slashes: did you mean {meant!r}?"
    )

"""python-escpos, imported on first use and without a new temporary directory per process.

python-escpos parses its printer-capabilities file at import and caches the result
as a pickle in ``$ESCPOS_CAPABILITIES_PICKLE_DIR``, or in a fresh ``mkdtemp()``
directory that is never removed: one leaked directory per command run on an
appliance that runs for years. We point it at one cache directory and write the
pickle there atomically first, so processes starting together never read half a file.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
import json
import os
import pickle
import platform
import tempfile
from pathlib import Path

ENV_VAR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bianmin" / "escpos"


@functools.cache
def prepare_capabilities_cache() -> None:
    """Make sure python-escpos finds a complete capabilities pickle in a fixed directory."""
    if ENV_VAR in os.environ:
        return
    folder = _cache_dir()
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    source = importlib.resources.files("escpos") / "capabilities.json"
    try:
        with importlib.resources.as_file(source) as json_path:
            if not target.exists() or target.stat().st_mtime < json_path.stat().st_mtime:
                folder.mkdir(parents=True, exist_ok=True)
                data = json.loads(json_path.read_text(encoding="utf-8"))
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(data, fh, protocol=2)
                os.replace(tmp, target)
    except OSError:
        return  # an unwritable home: python-escpos falls back to its temporary directory
    os.environ[ENV_VAR] = str(folder)


def byte_buffer(profile: str, mm: int, dots: int):
    """A python-escpos ``Dummy`` printer (it collects the bytes of a job) for ``profile``,
    with a private copy of the profile whose media width is the paper's."""
    prepare_capabilities_cache()
    from escpos.printer import Dummy

    buffer = Dummy(profile=profile)
    data = copy.deepcopy(buffer.profile.profile_data)
    data["media"]["width"] = {"mm": mm, "pixels": dots}
    buffer.profile.profile_data = data
    return buffer


def has_profile(name: str) -> bool:
    """True when python-escpos knows the printer profile ``name``."""
    prepare_capabilities_cache()
    from escpos.capabilities import get_profile

    try:
        get_profile(name)
    except KeyError:
        return False
    return True

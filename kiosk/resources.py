"""Where the packaged data folders (``config/``, ``assets/``) are, installed or in a checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    """The folder ``name`` (``config`` or ``assets``) shipped with the program.

    A wheel carries it as ``kiosk/_data/<name>``; a source checkout or an editable
    install has it at the top of the repository.
    """
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def demo_site(directory: Path, extra: str = "") -> Path:
    """Copy the packaged demo site file into ``directory``, with ``extra`` TOML tables added.

    Its data goes to ``directory/data``; ``extra`` names what a demo starts for it (the
    platform link, the printer, the card reader). Returns the site file's path.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "demo-site.toml"
    shutil.copyfile(data_path("config") / "demo-site.toml", path)
    if extra:
        with path.open("a", encoding="utf-8") as site:
            site.write("\n" + extra)
    return path

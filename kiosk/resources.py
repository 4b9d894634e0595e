"""Where the packaged data folders (``config/``, ``assets/``) are, installed or in a checkout."""

from __future__ import annotations

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

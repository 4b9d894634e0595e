"""Finding the fonts that draw Chinese on paper images: one lookup, no paths scattered around.

The main font is WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``); characters it
lacks (CJK Extension B and later, e.g. 𠀀 in a name) come from HanaMinB (Debian
``fonts-hanazono``) when installed. ``BIANMIN_CJK_FONT`` overrides the main font.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

ENV_VAR = "BIANMIN_CJK_FONT"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_MAIN = ("wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf")
_FALLBACK = ("HanaMinB.ttf", "HanaMinA.ttf")


class FontMissing(RuntimeError):
    """No CJK font is installed."""


@functools.cache
def _find(name: str) -> Path | None:
    for root in FONT_DIRS:
        if root.is_dir():
            for path in root.rglob(name):
                return path
    return None


def cjk_font_path() -> Path:
    """The CJK font file: ``$BIANMIN_CJK_FONT``, else the first installed of the known fonts."""
    override = os.environ.get(ENV_VAR)
    if override:
        if not Path(override).is_file():
            raise FontMissing(f"{ENV_VAR}={override}: no such font file")
        return Path(override)
    for name in _MAIN:
        path = _find(name)
        if path:
            return path
    raise FontMissing(
        "no CJK font found under /usr/share/fonts; install one: apt-get install fonts-wqy-microhei"
    )


def fonts_installed() -> bool:
    """True when a CJK font can be found (see :func:`cjk_font_path`)."""
    try:
        cjk_font_path()
    except FontMissing:
        return False
    return True


@functools.cache
def font(size: int, path: Path | None = None) -> ImageFont.FreeTypeFont:
    """The CJK font (or the font file ``path``) at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path or cjk_font_path()), size)


@functools.cache
def _notdef(path: Path) -> bytes:
    return _bitmap("\U0010fffd", path)


def _bitmap(ch: str, path: Path) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("1", (32, 32), 1)
    ImageDraw.Draw(image).text((0, 0), ch, font=font(24, path), fill=0)
    return image.tobytes()


@functools.cache
def font_for(ch: str) -> Path:
    """The first font that has a glyph for ``ch`` (the main font if none has)."""
    main = cjk_font_path()
    candidates = [main] + [p for p in (_find(n) for n in _FALLBACK) if p]
    for path in candidates:
        if _bitmap(ch, path) != _notdef(path):
            return path
    return main

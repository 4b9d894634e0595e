"""Character cells drawn with the CJK font: for rare characters sent as images, and for the
virtual printer's paper."""

from __future__ import annotations

import functools
import math

from PIL import Image, ImageDraw

from devices.printer.fonts import font, font_for
from devices.printer.paper import CHAR_DOTS, LINE_DOTS, char_columns


@functools.lru_cache(maxsize=4096)
def cell(ch: str, bold: bool = False) -> Image.Image:
    """A 1-bit image of ``ch`` in its printer cell (12 or 24 dots wide, 24 high), black on white.

    A glyph wider than its cell (``m``, ``W`` in a proportional font) is narrowed to fit.
    """
    width = CHAR_DOTS * char_columns(ch)
    if ch.isspace():
        return Image.new("1", (width, LINE_DOTS), 1)
    face = font(LINE_DOTS - 2, font_for(ch))
    advance = math.ceil(face.getlength(ch))
    room = max(width, advance)
    drawn = Image.new("1", (room, LINE_DOTS), 1)
    ImageDraw.Draw(drawn).text(
        ((room - advance) / 2, LINE_DOTS / 2),
        ch,
        font=face,
        fill=0,
        anchor="lm",
        stroke_width=int(bold),
    )
    if room > width:
        drawn = drawn.resize((width, LINE_DOTS), Image.NEAREST)
    return drawn


def text_image(text: str, width: int = 1, height: int = 1, bold: bool = False) -> Image.Image:
    """``text`` drawn cell by cell, scaled ``width`` x ``height`` like the printer's GS ! sizes."""
    cells = [cell(ch, bold) for ch in text]
    line = Image.new("1", (max(1, sum(c.width for c in cells)), LINE_DOTS), 1)
    x = 0
    for c in cells:
        line.paste(c, (x, 0))
        x += c.width
    if (width, height) != (1, 1):
        line = line.resize((line.width * width, LINE_DOTS * height), Image.NEAREST)
    return line


def column_format(image: Image.Image) -> bytes:
    """A 24-dot-high 1-bit image as ESC * 24-dot column data: 3 bytes a column, top bit first."""
    if image.height != LINE_DOTS:
        raise ValueError("column format needs an image 24 dots high")
    pixels = image.convert("1").load()
    out = bytearray()
    for x in range(image.width):
        for band in range(3):
            byte = 0
            for bit in range(8):
                if pixels[x, band * 8 + bit] == 0:
                    byte |= 0x80 >> bit
            out.append(byte)
    return bytes(out)

"""Building the bytes of a print job: python-escpos where it is right, our own bytes where
it is wrong about Chinese.

python-escpos (its ``Dummy`` printer collects the bytes) does alignment, bold, sizes,
native QR codes, raster images and the cut. We send ``FS &`` (double-byte mode) and
GB18030 text ourselves, full-width punctuation included, and draw each character the
printer's GBK font cannot hold (``𠀀``) as a 24-dot bit image inside the line
(``ESC * 33``), so it is never printed as ``?``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from devices.printer._escpos import byte_buffer
from devices.printer.fonts import fonts_installed
from devices.printer.paper import CHAR_DOTS, Paper, char_columns, pad_between, wrap

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from PIL import Image

Align = Literal["left", "center", "right"]

QR_ECLEVEL_M = 1  # python-escpos' QR_ECLEVEL_M
FS_DOUBLE_BYTE_ON = b"\x1c&"
ESC_BIT_IMAGE_24 = b"\x1b*\x21"
LF = b"\n"
# Printed in place of a rare character when no font can draw it: a box staff can fill in.
NO_GLYPH = "□"
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # all but the newline: shown as spaces


def printable_in_font(ch: str) -> bool:
    """True when the printer's own font prints ``ch``: ASCII, or a two-byte GB18030 code."""
    if ch.isascii():
        return ch.isprintable()
    try:
        code = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0x81 <= code[0] <= 0xFE


@dataclass(frozen=True)
class Style:
    """Text style as the printer holds it."""

    align: Align = "left"
    width: int = 1
    height: int = 1
    bold: bool = False


class Document:
    """One print job for a paper width and a python-escpos printer profile."""

    def __init__(self, paper: Paper, profile: str = "default") -> None:
        self.paper = paper
        self.profile = profile
        self._esc = byte_buffer(profile, paper.mm, paper.dots)
        self.native_qr = bool(self._esc.profile.supports("qrCode"))
        self._style = Style()
        self._esc.hw("INIT")
        self._esc._raw(FS_DOUBLE_BYTE_ON)

    def line(
        self,
        text: str = "",
        *,
        align: Align = "left",
        width: int = 1,
        height: int = 1,
        bold: bool = False,
    ) -> None:
        """Print ``text``, wrapped to the paper at this size; each wrapped line ends in LF."""
        style = Style(align, width, height, bold)
        text = _CONTROL.sub(" ", text)
        for part in wrap(text, self.paper.columns // width):
            self._emit(part, style)

    def pair(self, left: str, right: str, *, bold: bool = False) -> None:
        """A label on the left and a value flush right, on one line when they fit."""
        for part in pad_between(left, right, self.paper.columns).split("\n"):
            self._emit(part, Style(bold=bold))

    def rule(self, char: str = "-") -> None:
        """A full-width line of ``char`` (half-width)."""
        self._emit(char * self.paper.columns, Style())

    def feed(self, lines: int = 1) -> None:
        """Empty lines."""
        for _ in range(lines):
            self._emit("", Style(align=self._style.align))

    def qr(self, data: str, *, module: int | None = None) -> None:
        """A centred QR code (error correction M) with a blank line above and below for the
        quiet zone: the printer's own when the profile has it, else a raster image."""
        module = module or (8 if self.paper.dots >= 576 else 6)
        self.feed()
        self._apply(Style(align="center"))
        if self.native_qr:
            self._esc.qr(data, ec=QR_ECLEVEL_M, size=module, native=True)
        else:
            import qrcode

            code = qrcode.QRCode(
                error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module, border=0
            )
            code.add_data(data.encode("utf-8"))
            code.make(fit=True)
            self._image(code.make_image().get_image().convert("1"), "center")
        self.feed()

    def cut(self) -> None:
        """Feed past the cutter and cut (the feed alone when the profile has no cutter)."""
        self._apply(Style())
        self._esc.cut()

    def to_bytes(self) -> bytes:
        """Every byte of the job so far."""
        return self._esc.output

    def _emit(self, text: str, style: Style) -> None:
        rare = not all(printable_in_font(ch) for ch in text)
        if rare and not fonts_installed():
            log.warning("no CJK font installed: a rare character is printed as %s", NO_GLYPH)
            text = "".join(ch if printable_in_font(ch) else NO_GLYPH for ch in text)
        elif rare and style.height > 1:
            from devices.printer.glyphs import text_image

            self._image(text_image(text, style.width, style.height, style.bold), style.align)
            return
        self._apply(style)
        run = ""
        for ch in text:
            if printable_in_font(ch):
                run += ch
                continue
            self._esc._raw(run.encode("gb18030"))
            run = ""
            self._glyph(ch, style)
        self._esc._raw(run.encode("gb18030") + LF)

    def _glyph(self, ch: str, style: Style) -> None:
        from devices.printer.glyphs import column_format, text_image

        image = text_image(ch, style.width, 1, style.bold)
        dots = CHAR_DOTS * char_columns(ch) * style.width
        self._esc._raw(ESC_BIT_IMAGE_24 + dots.to_bytes(2, "little") + column_format(image))

    def _image(self, image: Image.Image, align: Align) -> None:
        """A raster image (GS v 0), placed on a canvas as wide as the paper."""
        from PIL import Image

        canvas = Image.new("1", (self.paper.dots, image.height), 1)
        x = {"left": 0, "center": (self.paper.dots - image.width) // 2}.get(
            align, self.paper.dots - image.width
        )
        canvas.paste(image, (max(0, x), 0))
        self._apply(replace(self._style, align="left"))
        self._esc.image(canvas)

    def _apply(self, style: Style) -> None:
        old = self._style
        if style.align != old.align:
            self._esc.set(align=style.align)
        if (style.width, style.height) != (old.width, old.height):
            self._esc.set(custom_size=True, width=style.width, height=style.height)
        if style.bold != old.bold:
            self._esc.set(bold=style.bold)
        self._style = style

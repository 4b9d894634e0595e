"""What the virtual printer printed: jobs, their lines, and runs of styled text or images."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from devices.printer.glyphs import text_image
from devices.printer.paper import CHAR_DOTS, Paper, char_columns


@dataclass
class Run:
    """Consecutive characters printed in one style, or an inline bit image (``image`` set)."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    image: Image.Image | None = None

    def dots(self) -> int:
        """Width of the run on paper."""
        if self.image is not None:
            return self.image.width
        return sum(CHAR_DOTS * char_columns(ch) for ch in self.text) * self.width

    def render(self) -> Image.Image:
        """The run as a 1-bit image."""
        if self.image is not None:
            return self.image
        return text_image(self.text, self.width, self.height, self.bold)


@dataclass
class PrintedLine:
    """One line as it came out: its text, alignment and the largest size and boldness in it.

    ``kind`` is ``text``, ``qr`` (``text`` holds the data) or ``image`` (a raster block).
    """

    kind: str
    text: str
    align: str
    width: int = 1
    height: int = 1
    bold: bool = False
    strip: Image.Image | None = field(default=None, repr=False)


@dataclass
class Job:
    """A print job from ``ESC @`` (or the first byte) up to and including a cut."""

    paper: Paper
    lines: list[PrintedLine] = field(default_factory=list)
    cut: str | None = None
    unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: bytearray = field(default_factory=bytearray)
    finished_at: float = 0.0  # monotonic time the last byte of the job arrived

    @property
    def text(self) -> str:
        """The decoded text, one line per printed line, aligned the way the paper shows it."""
        out = []
        for line in self.lines:
            columns = self.paper.columns // max(1, line.width)
            used = sum(char_columns(ch) for ch in line.text)
            pad = {"center": (columns - used) // 2, "right": columns - used}.get(line.align, 0)
            shown = line.text if line.kind == "text" else f"[{line.kind}] {line.text}"
            out.append((" " * max(0, pad) + shown).rstrip())
        while out and not out[-1]:
            out.pop()
        return "\n".join(out) + "\n"

    def find(self, needle: str) -> PrintedLine:
        """The first printed line whose text contains ``needle``; KeyError if none."""
        for line in self.lines:
            if needle in line.text:
                return line
        raise KeyError(needle)

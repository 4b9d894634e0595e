"""Where a line of Chinese may break: after a pause (、，。；：！？ and closing marks) or
at a space between two Latin words, never inside a word or a short phrase.

Screens and paper wrap their text through :func:`break_lines` with their own measure
(a font's extents, a printer's columns), so ``请到 1号窗口、2号窗口 前等候，叫到 A001 再去办理。``
breaks after 、 or ， and not in the middle of 窗口. A space next to a Chinese character
only pads a number or a Latin word (``到 3号窗口 前等候``) and is no place to break. A
piece wider than a whole line is broken inside as a last resort, into lines of even
length (between Chinese characters, never inside a Latin word, never before a closing
mark), and the caller is told so: a short piece broken that way is a box too small for
its word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A line may end after these.
BREAK_AFTER = frozenset("、，。；：！？）》」』】〕")
# A line may not start with these (a break before one moves the last character down too).
NO_LINE_START = frozenset("，。、；：！？）》」』】〕’”,.;:!?)]}…%·")
# A piece up to this many characters is a word or a name: it must not be broken.
SHORT_PIECE = 6


@dataclass(frozen=True)
class Broken:
    """Lines of a text, and the pieces that had to be broken inside (wider than a line)."""

    lines: tuple[str, ...]
    forced: tuple[str, ...] = ()

    @property
    def splits_a_word(self) -> bool:
        """True when a word or short phrase (up to :data:`SHORT_PIECE` characters) was
        split over two lines: its box is too small for it."""
        return any(len(piece.strip()) <= SHORT_PIECE for piece in self.forced)


def _latin(ch: str) -> bool:
    return ord(ch) < 0x2E80 and not ch.isspace()


def pieces(paragraph: str) -> list[str]:
    """The paragraph cut where a line may end (each piece keeps its trailing mark or space)."""
    out: list[str] = []
    start = 0
    for i, ch in enumerate(paragraph):
        after = paragraph[i + 1] if i + 1 < len(paragraph) else ""
        pause = ch in BREAK_AFTER and after not in NO_LINE_START
        between_words = ch == " " and i > 0 and _latin(paragraph[i - 1]) and _latin(after or " ")
        if pause or between_words:
            out.append(paragraph[start : i + 1])
            start = i + 1
    if start < len(paragraph):
        out.append(paragraph[start:])
    return out


def break_lines(text: str, fits: Callable[[str], bool]) -> Broken:
    """``text`` in lines that each ``fits`` (a measure of the screen or paper), broken where
    :func:`pieces` allows; explicit newlines are kept."""
    lines: list[str] = []
    forced: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in pieces(paragraph):
            if fits((line + piece).rstrip()):
                line += piece
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = piece.lstrip()
            if not fits(line.rstrip()):
                forced.append(piece)
                *done, line = _inside(line, fits)
                lines.extend(done)
        lines.append(line.rstrip())
    return Broken(tuple(lines), tuple(forced))


def _inside(piece: str, fits: Callable[[str], bool]) -> list[str]:
    """A piece wider than a line, in as few lines as fit, of even length (``事实无人抚 /
    养儿童认定`` rather than a lone last character), never inside a Latin word and never
    before a closing mark; the last line is still open to what follows."""
    text = piece.strip()
    for count in range(2, len(text) + 1):
        lines = _even(text, count)
        if all(fits(line) for line in lines):
            return lines
    return list(text)


def _even(text: str, count: int) -> list[str]:
    cuts = [0]
    for i in range(1, count):
        cut = max(cuts[-1] + 1, round(i * len(text) / count))
        while cut < len(text) and (
            text[cut] in NO_LINE_START or (_latin(text[cut]) and _latin(text[cut - 1]))
        ):
            cut += 1
        cuts.append(cut)
    cuts.append(len(text))
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]

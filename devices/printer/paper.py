"""Paper widths and the column arithmetic of a thermal printer's Chinese mode.

In double-byte mode every character sent as two or more bytes (Han characters,
full-width punctuation, ``·``, ``—``) is printed 24 dots wide, twice the width of an
ASCII character (12 dots, font A). Wrapping and alignment count columns that way.
"""

from __future__ import annotations

from dataclasses import dataclass

CHAR_DOTS = 12  # font A: 12 x 24 dots per half-width cell
LINE_DOTS = 24

# A line may not start with these; a wrapped line carries its last character over.
_NO_LINE_START = set("，。、；：！？）》」』】〕’”,.;:!?)]}…%·")


@dataclass(frozen=True)
class Paper:
    """A roll width: its name in mm, half-width columns per line and printable dots."""

    mm: int
    columns: int
    dots: int


PAPER_58 = Paper(58, 32, 384)
PAPER_80 = Paper(80, 48, 576)
PAPERS = {58: PAPER_58, 80: PAPER_80}


def paper_for(mm: int) -> Paper:
    """The paper for a roll width in mm (58 or 80); ValueError for any other width."""
    try:
        return PAPERS[mm]
    except KeyError:
        raise ValueError(f"paper width {mm} mm is not supported; allowed: 58, 80") from None


def char_columns(ch: str) -> int:
    """Columns a character takes on paper: 1 for ASCII, 2 for anything sent as double-byte."""
    return 1 if ord(ch) < 0x80 else 2


def text_columns(text: str) -> int:
    """Columns a string takes on paper."""
    return sum(char_columns(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` columns.

    Chinese breaks between any two characters; an ASCII word (a case number, a URL)
    is kept whole when it fits on a line; a closing punctuation mark never starts
    a line. Explicit newlines are kept; an empty string gives one empty line.
    """
    if columns < 2:
        raise ValueError("columns must be at least 2")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, columns))
    return lines


def _wrap_paragraph(text: str, columns: int) -> list[str]:
    lines: list[str] = []
    line = ""
    used = 0
    for ch in text:
        width = char_columns(ch)
        if used + width <= columns:
            line += ch
            used += width
            continue
        line, carry = _break(line, ch)
        lines.append(line.rstrip(" "))
        line = carry.lstrip(" ")
        used = text_columns(line)
    lines.append(line)
    return lines


def _break(line: str, ch: str) -> tuple[str, str]:
    """Split ``line`` where ``ch`` overflows it: (what stays, what moves down, ``ch`` included)."""
    if ch in _NO_LINE_START and len(line) > 1:
        return line[:-1], line[-1] + ch
    if _is_word_char(ch):
        start = len(line)
        while start > 0 and _is_word_char(line[start - 1]):
            start -= 1
        if start > 0:
            return line[:start], line[start:] + ch
    return line, ch


def _is_word_char(ch: str) -> bool:
    return ord(ch) < 0x80 and not ch.isspace()


def pad_between(left: str, right: str, columns: int) -> str:
    """``left`` and ``right`` on one line with spaces between, right-aligned to ``columns``.

    When both do not fit, the right part goes on its own line, right-aligned.
    """
    gap = columns - text_columns(left) - text_columns(right)
    if gap >= 1:
        return left + " " * gap + right
    return left + "\n" + " " * max(0, columns - text_columns(right)) + right

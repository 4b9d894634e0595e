"""Text from the platform, made safe for one line of a log, a status or a dead letter."""

from __future__ import annotations

import unicodedata

# Control, format (bidi overrides, zero-width), separator, private and unassigned characters.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def one_line(text: object, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters.

    Control, format and separator characters (newlines, ESC, U+202E ...) become spaces, runs
    of white space one space, and a longer text is cut, ending in ``…``: whatever the platform
    sent, a log line stays one line and cannot forge another.
    """
    value = str(text)
    cleaned = "".join(
        " " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in value[: limit * 4]
    )
    line = " ".join(cleaned.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"

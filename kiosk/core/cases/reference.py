"""Short case references (``LZ-1123-007``): what a villager reads off the receipt, says at
the counter and types on the kiosk's pad, instead of a UUID.

A reference is the kiosk's letters (``[site] letters``), the local month and day, and the
day's sequence number, given at submission in the transaction that submits the case and
unique per day in the store. On a pad a villager types only the digits (``1123007``);
the letters are the same on every receipt of this kiosk.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

DEFAULT_LETTERS = "BM"  # 便民, when the site file gives none
_TYPED = re.compile(r"^(?:([A-Z]{1,3})-?)?(\d{2})(\d{2})-?(\d{3,4})$")


def format_reference(letters: str, day: date, seq: int) -> str:
    """``LZ-1123-007``."""
    return f"{letters}-{day:%m%d}-{seq:03d}"


def next_reference(conn: sqlite3.Connection, letters: str, day: date) -> tuple[str, int]:
    """The next reference of ``day`` and its sequence number (inside the submit transaction)."""
    seq = (
        conn.execute(
            "SELECT coalesce(max(reference_seq), 0) FROM case_record WHERE reference_day = ?",
            (day.isoformat(),),
        ).fetchone()[0]
        + 1
    )
    return format_reference(letters, day, seq), seq


def parse_reference(text: str) -> tuple[int, int, int] | None:
    """(month, day, sequence) of a typed or scanned reference, letters optional:
    ``LZ-1123-007``, ``1123007``, ``1123-007``; None when it is not one."""
    match = _TYPED.match(re.sub(r"\s", "", text.upper()))
    if not match:
        return None
    month, day, seq = int(match.group(2)), int(match.group(3)), int(match.group(4))
    if not (1 <= month <= 12 and 1 <= day <= 31 and seq > 0):
        return None
    return month, day, seq


def typed_digits(text: str) -> str:
    """The digits of a reference as they are typed on the pad (``LZ-1123-007`` → ``1123007``)."""
    return "".join(ch for ch in text if ch.isdigit())


def shown_while_typing(letters: str, digits: str) -> str:
    """What the pad's display shows as digits come: ``LZ-11__-___``."""
    padded = digits.ljust(7, "_")
    return f"{letters}-{padded[:4]}-{padded[4:7]}"

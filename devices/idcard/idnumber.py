"""The resident ID number (GB 11643-1999) and masking of personal data for logs and paper."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only, whole string (fullmatch)
# Control, format (bidi overrides, zero-width), separator, private and unassigned characters:
# never on a card or in a name, and able to reorder or hide text on a screen, in a log or
# on paper.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def check_character(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid_id_number(number: str) -> bool:
    """True when ``number`` is 17 ASCII digits and a digit or ``X`` (``x`` is taken as ``X``),
    with a real birth date and the right check character; nothing before or after it."""
    if not isinstance(number, str):
        return False
    number = number.upper()
    if not _SHAPE.fullmatch(number):
        return False
    try:
        birth_date(number)
    except ValueError:
        return False
    return check_character(number[:17]) == number[17]


def birth_date(number: str) -> date:
    """The birth date written in an 18-character ID number; ValueError if it is not a date."""
    digits = number[6:14]
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def age_on(number: str, day: date) -> int:
    """Whole years of age on ``day`` of the holder of this ID number."""
    return years_between(birth_date(number), day)


def years_between(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (an age)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def has_unsafe_characters(text: str) -> bool:
    """True when ``text`` holds a control, format (U+202E ...), separator or unassigned character."""
    if text.isprintable():  # at C speed: no character of those categories (nor a Zs space)
        return False
    return any(unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in text)


def plain_text(text: str, *, newlines: bool = False) -> str:
    """``text`` without control, format, separator and unassigned characters (``newlines``:
    keep ``\n``), so it cannot reorder, hide or break a screen, a log line or paper."""
    if not has_unsafe_characters(text):
        return text
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in _UNSAFE_CATEGORIES or (newlines and ch == "\n")
    )


def mask_id_number(number: str | None) -> str:
    """``5115**********001X``: the region prefix and the last four characters, nothing else."""
    number = plain_text(number) if number else number
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str | None) -> str:
    """``张*``: the first character of a name, the rest starred."""
    name = plain_text(name) if name else name
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """``138****0000``; a shorter number (a landline) keeps only its last four, a very short
    one nothing, so at least three digits are always hidden."""
    phone = plain_text(phone) if phone else phone
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    if len(phone) < 10:
        return "*" * (len(phone) - 4) + phone[-4:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]

"""How the kiosk writes what people read, hear and find on paper: dates as
``2026年11月24日 星期二``, phone numbers grouped ``138 1234 5678``, lists joined with 、,
names masked (``张*``), and the stand-in name of an ID number keyed without a card
(待窗口核实) told apart from a person's name.

Every front-end (screen, voice, paper) writes dates and phone numbers through here, so
the three say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from devices.idcard.idnumber import mask_name
from kiosk.core.messages import Messages

# The catalogue sentence that stands in for the name of an ID number keyed on a pad: no
# card was read, so no name is known until staff check the card at the counter.
UNCHECKED_NAME = "id_entry.unverified_name"


def long_date(day: date, messages: Messages) -> str:
    """``2026年11月24日 星期二``."""
    return messages.get(
        "date.long",
        year=day.year,
        month=day.month,
        day=day.day,
        weekday=messages.get(f"weekday.{day.isoweekday()}"),
    )


def group_phone(digits: str) -> str:
    """A phone number in groups as people read it: a mobile ``138 1234 5678`` (also while it
    is typed: ``138 12``), a landline ``0831 5601234`` (area code apart)."""
    text = digits.replace(" ", "").replace("-", "")
    if not text.isdigit():
        return digits
    if text.startswith("0"):
        area = 3 if text[:2] in ("01", "02") else 4
        return " ".join(part for part in (text[:area], text[area:]) if part)
    return " ".join(part for part in (text[:3], text[3:7], text[7:]) if part)


def listed(names: Iterable[str]) -> str:
    """``1号窗口、2号窗口``."""
    return "、".join(names)


def name_checked(name: str, messages: Messages) -> bool:
    """False for no name and for the stand-in of a number keyed without a card."""
    return bool(name) and name != messages.get(UNCHECKED_NAME)


def masked_name(name: str, messages: Messages) -> str:
    """A person's name as paper and staff lists show it (``张*``); the stand-in of a number
    keyed without a card (待窗口核实) is nobody's name and shows as it is."""
    return mask_name(name) if name_checked(name, messages) else messages.get(UNCHECKED_NAME)

"""What a card says: the fields of the four card kinds as one value object."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from devices.idcard.idnumber import mask_id_number, mask_name, years_between


class CardType(Enum):
    """The card types the kiosk tells apart (the ``card_type`` JSON key)."""

    RESIDENT_ID = "resident_id"
    HK_MO_TW_RESIDENCE = "hk_mo_tw_residence"
    FOREIGN_PERMANENT = "foreign_permanent"


class CardKind(Enum):
    """The text layout, marked by the character at offset 248 of the text block."""

    RESIDENT = "resident"
    J = "J"  # 港澳台居民居住证
    I = "I"  # noqa: E741  外国人永久居留身份证 (2017)
    Y = "Y"  # 外国人永久居留身份证 (from 2023-12)

    @property
    def card_type(self) -> CardType:
        """The card type this layout belongs to."""
        return _CARD_TYPES[self]


_CARD_TYPES = {
    CardKind.RESIDENT: CardType.RESIDENT_ID,
    CardKind.J: CardType.HK_MO_TW_RESIDENCE,
    CardKind.I: CardType.FOREIGN_PERMANENT,
    CardKind.Y: CardType.FOREIGN_PERMANENT,
}

GENDERS = ("男", "女", "未知")


@dataclass(frozen=True, repr=False)
class IdCard:
    """One card as read (or, in the simulator, as printed on its face).

    ``id_number`` is the card number of every kind (18 characters, or 15 for an ``I``
    card). ``valid_to`` is None for ``长期``. ``photo_wlt`` holds the WLT photo bytes,
    never decoded. ``repr()`` masks the name and number, so a card in a log is safe.
    """

    kind: CardKind
    name: str
    gender: str
    birth_date: date
    id_number: str
    valid_from: date
    valid_to: date | None
    nation: str | None = None
    address: str | None = None
    issuer: str | None = None
    english_name: str | None = None
    nationality: str | None = None
    pass_number: str | None = None
    issue_count: str | None = None
    renewal_count: str | None = None
    card_version: str | None = None
    photo_wlt: bytes = b""

    @property
    def card_type(self) -> CardType:
        """resident_id, hk_mo_tw_residence or foreign_permanent."""
        return self.kind.card_type

    def age_on(self, day: date) -> int:
        """Whole years of age on ``day``."""
        return years_between(self.birth_date, day)

    def expired_on(self, day: date) -> bool:
        """True when the card is no longer valid on ``day`` (a 长期 card never expires)."""
        return self.valid_to is not None and day > self.valid_to

    def to_json(self, with_photo: bool = False) -> dict[str, Any]:
        """The card as the stable JSON object of ``bianmin idcard read --json``."""
        out: dict[str, Any] = {
            "card_type": self.card_type.value,
            "name": self.name,
            "gender": self.gender,
            "nation": self.nation,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "english_name": self.english_name,
            "nationality": self.nationality,
        }
        if with_photo:
            out["photo_wlt_b64"] = base64.b64encode(self.photo_wlt).decode("ascii")
        return out

    def __repr__(self) -> str:
        return (
            f"IdCard(kind={self.kind.value}, name={mask_name(self.name)!r}, "
            f"id_number={mask_id_number(self.id_number)!r})"
        )

    __str__ = __repr__

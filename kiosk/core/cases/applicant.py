"""Who applies: a person read from an ID card or keyed on a pad, and the record of them the
case service keeps (contract section 3 keys: name, id_type, id_number, phone, address)."""

from __future__ import annotations

from dataclasses import dataclass

from devices.idcard.card import CardType, IdCard
from devices.idcard.idnumber import mask_id_number, mask_name

# The contract's ``id_type`` of each card type the reader tells apart.
ID_TYPE_OF_CARD = {
    CardType.RESIDENT_ID: "resident_id",
    CardType.HK_MO_TW_RESIDENCE: "hk_mo_tw_residence",
    CardType.FOREIGN_PERMANENT: "foreign_permanent",
}


@dataclass(frozen=True, repr=False)
class Applicant:
    """A person applying: read from a card, or keyed on a pad (then only the number)."""

    id_number: str
    name: str = ""
    gender: str = ""
    address: str = ""
    id_type: str = "resident_id"
    phone: str | None = None
    from_card: bool = False

    def record(self, unverified_name: str = "") -> dict[str, str | None]:
        """The applicant as the case service takes it.

        A number keyed on a pad has no name with it: ``unverified_name`` (a catalogue
        sentence such as 待窗口核实) stands in until staff check the card at the counter.
        """
        return {
            "name": self.name or unverified_name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address or None,
        }

    def __repr__(self) -> str:
        return f"Applicant({mask_name(self.name)!r}, {mask_id_number(self.id_number)!r})"


def applicant_from_card(card: IdCard, phone: str | None = None) -> Applicant:
    """The applicant an ID card names: its name, number, address and document type
    (居民身份证, J 港澳台居民居住证, I/Y 外国人永久居留身份证)."""
    return Applicant(
        id_number=card.id_number,
        name=card.name,
        gender=card.gender,
        address=card.address or "",
        id_type=ID_TYPE_OF_CARD[card.card_type],
        phone=phone,
        from_card=True,
    )


def keyed_applicant(id_number: str) -> Applicant:
    """The applicant of an ID number keyed on a pad (no name, no address)."""
    return Applicant(id_number=id_number.strip().upper())

"""The 256-byte text block of a card: layouts, parsing with verification, and encoding.

The text is UCS-2 little-endian (a character outside the BMP takes a surrogate pair),
each field padded on the right with spaces. The character at offset 248 tells the
layout: ``J``, ``I``, ``Y`` or anything else for a resident ID card.
"""

from __future__ import annotations

import re
from datetime import date

from devices.idcard.card import CardKind, IdCard
from devices.idcard.errors import CardDataError
from devices.idcard.idnumber import (
    birth_date,
    check_character,
    has_unsafe_characters,
    mask_id_number,
)
from devices.idcard.nations import nation_code, nation_name

TEXT_SIZE = 256
PHOTO_SIZE = 1024  # the WLT photo after the text, as the protocol gives it
KIND_OFFSET = 248
LONG_TERM = "长期"

Layout = tuple[tuple[str, int, int], ...]  # (field, byte offset, byte size)

_RESIDENT: Layout = (
    ("name", 0, 30),
    ("gender", 30, 2),
    ("nation", 32, 4),
    ("birth", 36, 16),
    ("address", 52, 70),
    ("number", 122, 36),
    ("issuer", 158, 30),
    ("valid_from", 188, 16),
    ("valid_to", 204, 16),
)

LAYOUTS: dict[CardKind, Layout] = {
    CardKind.RESIDENT: _RESIDENT,
    CardKind.J: _RESIDENT + (("pass_number", 220, 18), ("issue_count", 238, 4)),
    CardKind.I: (
        ("english_name", 0, 120),
        ("gender", 120, 2),
        ("number", 122, 30),
        ("nationality", 152, 6),
        ("name", 158, 30),
        ("valid_from", 188, 16),
        ("valid_to", 204, 16),
        ("birth", 220, 16),
        ("card_version", 236, 4),
        ("issuer", 240, 8),
    ),
    CardKind.Y: (
        ("name", 0, 30),
        ("gender", 30, 2),
        ("renewal_count", 32, 4),
        ("birth", 36, 16),
        ("english_1", 52, 70),
        ("number", 122, 36),
        ("valid_from", 188, 16),
        ("valid_to", 204, 16),
        ("english_2", 220, 22),
        ("nationality", 242, 6),
    ),
}

_GENDER_NAMES = {"0": "未知", "1": "男", "2": "女", "9": "未知"}
_GENDER_CODES = {"未知": "0", "男": "1", "女": "2"}
# Issuing authority codes of the ``I`` card, as printed on its face.
_AUTHORITIES = {"1500": "公安部"}
_AUTHORITY_CODES = {name: code for code, name in _AUTHORITIES.items()}
_NUMBER_18 = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only, whole field (fullmatch)
_NUMBER_I = re.compile(r"[A-Z]{3}[0-9]{12}")


def card_kind(text: bytes) -> CardKind:
    """The layout of a text block, from its marker character at offset 248."""
    marker = text[KIND_OFFSET : KIND_OFFSET + 2]
    for kind in (CardKind.J, CardKind.I, CardKind.Y):
        if marker == kind.value.encode("utf-16-le"):
            return kind
    return CardKind.RESIDENT


def split_fields(text: bytes) -> tuple[CardKind, dict[str, str]]:
    """The layout and the raw field strings (right padding removed) of a text block."""
    if len(text) != TEXT_SIZE:
        raise CardDataError(f"text block has {len(text)} bytes, expected {TEXT_SIZE}")
    kind = card_kind(text)
    fields = {}
    for name, offset, size in LAYOUTS[kind]:
        try:
            value = text[offset : offset + size].decode("utf-16-le")
        except UnicodeDecodeError:
            raise CardDataError(f"{kind.value} card: field {name} is not valid UCS-2") from None
        value = value.rstrip(" \x00")
        if has_unsafe_characters(value):
            raise CardDataError(f"{kind.value} card: field {name} holds a control character")
        fields[name] = value
    return kind, fields


def parse_text(text: bytes, photo_wlt: bytes = b"") -> IdCard:
    """The verified card in a 256-byte text block; CardDataError if it fails any check."""
    kind, f = split_fields(text)
    card = IdCard(
        kind=kind,
        name=_required(f, "name", kind),
        gender=_gender(f["gender"], kind),
        birth_date=_date(f["birth"], "birth date", kind),
        id_number=_required(f, "number", kind).upper(),
        valid_from=_date(f["valid_from"], "valid from", kind),
        valid_to=None if f["valid_to"] == LONG_TERM else _date(f["valid_to"], "valid to", kind),
        nation=nation_name(f["nation"]) if f.get("nation") else None,
        address=f.get("address") or None,
        issuer=_issuer(f.get("issuer"), kind),
        english_name=_english_name(f, kind),
        nationality=f.get("nationality") or None,
        pass_number=f.get("pass_number") or None,
        issue_count=f.get("issue_count") or None,
        renewal_count=f.get("renewal_count") or None,
        card_version=f.get("card_version") or None,
        photo_wlt=photo_wlt,
    )
    verify(card)
    return card


def verify(card: IdCard) -> None:
    """Raise CardDataError unless the card's number and dates agree (GB 11643 check)."""
    number = card.id_number
    masked = mask_id_number(number)
    if card.kind is CardKind.I:
        if not _NUMBER_I.fullmatch(number):
            raise CardDataError(f"I card: number {masked} is not 3 letters and 12 digits")
    else:
        if not _NUMBER_18.fullmatch(number):
            raise CardDataError(f"{card.kind.value} card: number {masked} is not 18 characters")
        if card.kind is CardKind.Y and not number.startswith("9"):
            raise CardDataError(f"Y card: number {masked} does not start with 9")
        if check_character(number[:17]) != number[17]:
            raise CardDataError(
                f"{card.kind.value} card: number {masked} has a wrong check character"
            )
        try:
            born = birth_date(number)
        except ValueError:
            born = None
        if born != card.birth_date:
            raise CardDataError(
                f"{card.kind.value} card: number {masked} disagrees with the birth date field"
            )
    if card.valid_to is not None and card.valid_to < card.valid_from:
        raise CardDataError(f"{card.kind.value} card: valid to is before valid from")


def encode_text(card: IdCard) -> bytes:
    """The 256-byte text block a card of this face carries (the simulator's encoder).

    Encodes what the face says, right or wrong: a face with a bad check character
    gives a block that :func:`parse_text` rejects. ValueError if a field does not fit.
    """
    values = {
        "name": card.name,
        "gender": _GENDER_CODES[card.gender],
        "nation": nation_code(card.nation) if card.nation else "",
        "birth": card.birth_date.strftime("%Y%m%d"),
        "address": card.address or "",
        "number": card.id_number,
        "issuer": _AUTHORITY_CODES.get(card.issuer or "", card.issuer or "")
        if card.kind is CardKind.I
        else card.issuer or "",
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": card.valid_to.strftime("%Y%m%d") if card.valid_to else LONG_TERM,
        "english_name": card.english_name or "",
        "nationality": card.nationality or "",
        "pass_number": card.pass_number or "",
        "issue_count": card.issue_count or "",
        "renewal_count": card.renewal_count or "",
        "card_version": card.card_version or "",
    }
    english = card.english_name or ""
    values["english_1"], values["english_2"] = english[:35], english[35:]
    text = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    for name, offset, size in LAYOUTS[card.kind]:
        raw = values[name].encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{card.kind.value} card: {name} does not fit in {size} bytes")
        text[offset : offset + len(raw)] = raw
    if card.kind is not CardKind.RESIDENT:
        text[KIND_OFFSET : KIND_OFFSET + 2] = card.kind.value.encode("utf-16-le")
    return bytes(text)


def _required(fields: dict[str, str], name: str, kind: CardKind) -> str:
    if not fields[name]:
        raise CardDataError(f"{kind.value} card: field {name} is empty")
    return fields[name]


def _gender(code: str, kind: CardKind) -> str:
    try:
        return _GENDER_NAMES[code]
    except KeyError:
        raise CardDataError(
            f"{kind.value} card: gender code {code!r} is not 0, 1, 2 or 9"
        ) from None


def _date(value: str, what: str, kind: CardKind) -> date:
    if not re.fullmatch(r"\d{8}", value):
        raise CardDataError(f"{kind.value} card: {what} field is not YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardDataError(f"{kind.value} card: {what} field is not a real date") from None


def _issuer(value: str | None, kind: CardKind) -> str | None:
    if not value:
        return None
    return _AUTHORITIES.get(value, value) if kind is CardKind.I else value


def _english_name(fields: dict[str, str], kind: CardKind) -> str | None:
    if kind is CardKind.I:
        return fields["english_name"] or None
    if kind is CardKind.Y:
        # Part 1 is padded only when the name is short, so joining keeps inner spaces.
        part1 = fields["english_1"]
        part2 = fields["english_2"]
        joined = (part1.ljust(35) + part2).rstrip() if part2 else part1
        return joined or None
    return None

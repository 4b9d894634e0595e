"""Validation of application form values and applicants against the catalogue's rules.

Every problem is a :class:`FieldError` naming the field and a message key of the
``cases.po`` catalogue (``form.phone``: 请输入11位手机号码...), so a screen can point at
the field and tell a villager in plain Chinese what to do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from devices.idcard.idnumber import has_unsafe_characters, is_valid_id_number
from kiosk.core.catalogue import FormField

ID_TYPES = ("resident_id", "hk_mo_tw_residence", "foreign_permanent")
TEXT_MAX = 200
ADDRESS_MIN, ADDRESS_MAX = 5, 100
NAME_MAX = 40
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")


@dataclass(frozen=True)
class FieldError:
    """One field's problem: the field name, its label and the message key (with values).

    ``values`` holds any other placeholder values of the message (``count`` in 还差 N 位).
    """

    field: str
    label: str
    key: str
    values: tuple[tuple[str, object], ...] = ()

    def params(self) -> dict[str, object]:
        """Values for the message's placeholders."""
        return {"label": self.label, **dict(self.values)}


class FormInvalid(Exception):
    """Some form values are missing or wrong; ``errors`` names each field."""

    key = "field.invalid"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.key}" for e in self.errors))

    @property
    def fields(self) -> list[str]:
        """The names of the fields in error, in form order."""
        return [e.field for e in self.errors]


def normalise_phone(value: str) -> str | None:
    """The phone number without spaces (mobile) or None if it is not a phone number."""
    text = re.sub(r"[\s()]", "", value)
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    return text if _LANDLINE.fullmatch(text) else None


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def check_value(f: FormField, value: Any) -> tuple[Any, str | None]:
    """The cleaned value of one field and None, or the raw value and an error key."""
    if f.type == "number":
        number = _number(value)
        if number is None:
            return value, "field.number"
        return (number, "field.number_negative") if number < 0 else (number, None)
    if isinstance(value, date) and f.type == "date":
        return value.isoformat(), None
    if not isinstance(value, str):
        return value, f"field.{f.type}"
    text = value.strip()
    match f.type:
        case "text":
            if has_unsafe_characters(text):
                return value, "field.text"
            return (text, None) if len(text) <= TEXT_MAX else (value, "field.text_too_long")
        case "phone":
            phone = normalise_phone(text)
            return (phone, None) if phone else (value, "field.phone")
        case "date":
            try:
                return date.fromisoformat(text).isoformat(), None
            except ValueError:
                return value, "field.date"
        case "choice":
            return (text, None) if text in f.options else (value, "field.choice")
        case "id_number":
            number = text.upper()
            return (number, None) if is_valid_id_number(number) else (value, "field.id_number")
        case "address":
            ok = ADDRESS_MIN <= len(text) <= ADDRESS_MAX and _CJK.search(text)
            return (
                (text, None) if ok and not has_unsafe_characters(text) else (value, "field.address")
            )
    return value, "field.type"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_form(
    fields: Iterable[FormField], values: Mapping[str, Any], *, complete: bool = True
) -> dict[str, Any]:
    """The cleaned form values; FormInvalid naming every wrong field.

    With ``complete`` (at submission) every required field must have a value; without it
    (a draft being filled in) only the values given are checked. Blank optional values are
    left out; a value for a field the item does not have is an error.
    """
    fields = list(fields)
    known = {f.name for f in fields}
    errors = [FieldError(name, name, "field.unknown") for name in values if name not in known]
    cleaned: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.name)
        if _blank(value):
            if complete and f.required:
                errors.append(FieldError(f.name, f.label, "field.required"))
            continue
        clean, key = check_value(f, value)
        if key:
            errors.append(FieldError(f.name, f.label, key))
        else:
            cleaned[f.name] = clean
    if errors:
        raise FormInvalid(errors)
    return cleaned


def is_valid_document_number(id_type: str, number: str) -> bool:
    """True if ``number`` is well formed for this kind of identity document.

    A resident ID and a Hong Kong/Macao/Taiwan residence permit (810000/820000/830000...)
    follow GB 11643 with its check digit; a foreign permanent residence card is either the
    2017 form (three letters, twelve digits) or the 2023 form (18 digits starting with 9,
    GB 11643 check digit).
    """
    number = number.upper()
    if id_type == "resident_id":
        return is_valid_id_number(number) and number[:2] not in ("81", "82", "83")
    if id_type == "hk_mo_tw_residence":
        return number[:6] in ("810000", "820000", "830000") and is_valid_id_number(number)
    if id_type == "foreign_permanent":
        if _FOREIGN_2017.fullmatch(number):
            return True
        return number.startswith("9") and is_valid_id_number(number)
    return False


_APPLICANT_LABELS = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "联系电话",
    "address": "联系地址",
}


def validate_applicant(data: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned applicant (contract section 3 keys); FormInvalid naming every wrong field."""
    errors: list[FieldError] = []

    def err(name: str, key: str) -> None:
        errors.append(FieldError(name, _APPLICANT_LABELS[name], key))

    def text(name: str, wrong: str) -> str | None:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or has_unsafe_characters(value):
            err(name, wrong)
            return None
        return value.strip()

    name = text("name", "applicant.name")
    if name is None and not errors:
        err("name", "applicant.name_required")
    elif name is not None and len(name) > NAME_MAX:
        err("name", "applicant.name")
    id_type = data.get("id_type") or "resident_id"
    if id_type not in ID_TYPES:
        err("id_type", "applicant.id_type")
        id_type = "resident_id"
    number = text("id_number", f"applicant.{id_type}")
    if number is None and not any(e.field == "id_number" for e in errors):
        err("id_number", "applicant.id_number_required")
    elif number is not None and not is_valid_document_number(id_type, number.upper()):
        err("id_number", f"applicant.{id_type}")
    phone = text("phone", "field.phone")
    if phone is not None and normalise_phone(phone) is None:
        err("phone", "field.phone")
    address = text("address", "field.address")
    if address is not None and not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        err("address", "field.address")
    if errors:
        raise FormInvalid(errors)
    return {
        "name": name,
        "id_type": id_type,
        "id_number": number.upper(),
        "phone": normalise_phone(phone) if phone else None,
        "address": address,
    }


# -- keyed entry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyedEntry:
    """What a keypad may take for one value: which keys, and how many characters.

    ``keys`` names a key set (``digits``; ``id``: digits and X; ``letters``; ``ticket``:
    service letters and digits). ``exact`` values are complete only at ``max_length`` (an
    ID number, an appointment code); ``min_length`` is the least worth sending.
    """

    keys: str
    max_length: int
    exact: bool = False
    min_length: int = 1

    def missing(self, text: str) -> int:
        """How many characters are still to come (还差 N 位); 0 when enough are there."""
        need = self.max_length if self.exact else self.min_length
        return max(0, need - len(text))

    def complete(self, text: str) -> bool:
        """True when ``text`` has enough characters to be sent."""
        return self.missing(text) == 0


ID_NUMBER_ENTRY = KeyedEntry("id", 18, exact=True)
# How long a keyed form value may get, by field type (choices, dates, addresses: no pad).
_FIELD_ENTRIES = {
    "phone": KeyedEntry(
        "digits", 12
    ),  # a mobile has 11 digits; a landline with its area code 11-12
    "number": KeyedEntry("digits", 9),
    "id_number": ID_NUMBER_ENTRY,
    "text": KeyedEntry("digits", 30),
}


def keyed_entry(f: FormField) -> KeyedEntry | None:
    """The keypad of a form field, or None for a field filled by choosing (choice, date,
    address)."""
    return _FIELD_ENTRIES.get(f.type)


def check_keyed_id_number(text: str, field: str = "id_number") -> FieldError | None:
    """The problem with an ID number keyed on a pad (too short: 还差 N 位; the GB 11643
    check character does not match), or None."""
    missing = ID_NUMBER_ENTRY.missing(text)
    if missing:
        return FieldError(field, "", "id_entry.short", (("count", missing),))
    if not is_valid_id_number(text.upper()):
        return FieldError(field, "", "id_entry.invalid")
    return None


def required_missing(f: FormField, value: Any) -> FieldError | None:
    """``form.missing`` when a required field is left blank, else None."""
    return FieldError(f.name, f.label, "form.missing") if f.required and _blank(value) else None


MOBILE_DIGITS = 11


def keyed_short(f: FormField, value: Any) -> FieldError | None:
    """``form.short`` (“联系电话”还差 4 位) when digits keyed on a pad are too few for the
    field: a mobile number (starting with 1) short of 11, an ID number short of 18."""
    if not isinstance(value, str) or _blank(value):
        return None
    text = value.strip()
    if f.type == "phone" and text.startswith("1") and text.isdigit():
        missing = MOBILE_DIGITS - len(text)
    elif f.type == "id_number":
        missing = ID_NUMBER_ENTRY.missing(text)
    else:
        return None
    return FieldError(f.name, f.label, "form.short", (("count", missing),)) if missing > 0 else None


# Address fields that are the applicant's own address: only these may offer the address
# on the ID card (never ticked for them). Every other address field names a place (就医地,
# 迁入地, 承包地...), picked province → city → county.
APPLICANT_ADDRESS_FIELDS = frozenset({"address", "from_address", "mail_address"})


def is_applicant_address(f: FormField) -> bool:
    """True when the address field is where the applicant lives or is registered."""
    return f.type == "address" and f.name in APPLICANT_ADDRESS_FIELDS

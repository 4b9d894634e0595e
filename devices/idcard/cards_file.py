"""Card faces for the simulator, from a TOML or JSON file (``[[cards]]`` / ``{"cards": []}``)."""

from __future__ import annotations

import hashlib
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from devices.idcard.card import GENDERS, CardKind, IdCard
from devices.idcard.cardtext import LONG_TERM, PHOTO_SIZE, encode_text
from devices.idcard.nations import NATIONS, nation_code

_TEXT_KEYS = (
    "name",
    "address",
    "id_number",
    "issuer",
    "english_name",
    "nationality",
    "pass_number",
    "issue_count",
    "renewal_count",
    "card_version",
)
_KEYS = {
    "kind",
    "gender",
    "nation",
    "birth_date",
    "valid_from",
    "valid_to",
    "photo_file",
    *_TEXT_KEYS,
}


class CardsFileError(ValueError):
    """The cards file cannot be used; the message names the file, the card and the key."""


def load_cards(path: Path) -> list[IdCard]:
    """The card faces in ``path`` (``.toml`` or ``.json``), in file order."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CardsFileError(f"{path}: cannot read cards file: {exc.strerror}") from None
    try:
        doc = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise CardsFileError(
            f"{path}: not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}"
        ) from None
    entries = doc.get("cards") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CardsFileError(f"{path}: needs a non-empty list 'cards'")
    return [_card(entry, path, f"cards[{i}]") for i, entry in enumerate(entries)]


def synthetic_photo(seed: str) -> bytes:
    """1024 deterministic bytes standing in for a WLT photo (never decoded anyway)."""
    return hashlib.shake_256(seed.encode()).digest(PHOTO_SIZE)


def _card(entry: Any, path: Path, where: str) -> IdCard:
    if not isinstance(entry, dict):
        raise CardsFileError(f"{path}: {where} must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise CardsFileError(
            f"{path}: {where}: unknown key {unknown[0]}; allowed: {', '.join(sorted(_KEYS))}"
        )

    def fail(key: str, allowed: str) -> CardsFileError:
        return CardsFileError(f"{path}: {where}.{key} = {entry.get(key)!r}; allowed: {allowed}")

    try:
        kind = CardKind(entry.get("kind", "resident"))
    except ValueError:
        raise fail("kind", "resident, J, I or Y") from None
    for key in ("name", "id_number"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise fail(key, "a non-empty string")
    for key in _TEXT_KEYS:
        if key in entry and not isinstance(entry[key], str):
            raise fail(key, "a string")
    gender = entry.get("gender", "未知")
    if gender not in GENDERS:
        raise fail("gender", "男, 女 or 未知")
    nation = entry.get("nation")
    if nation is not None:
        try:
            nation_code(nation)
        except (KeyError, TypeError):
            raise fail("nation", "a GB/T 3304 nation name or code, e.g. 汉 or 01") from None
    photo = synthetic_photo(entry["id_number"])
    if "photo_file" in entry:
        photo_path = path.parent / str(entry["photo_file"])
        try:
            photo = photo_path.read_bytes()
        except OSError as exc:
            raise fail("photo_file", f"a readable file ({exc.strerror})") from None
        if len(photo) != PHOTO_SIZE:
            raise fail("photo_file", f"a file of {PHOTO_SIZE} bytes, not {len(photo)}")
    card = IdCard(
        kind=kind,
        name=entry["name"],
        gender=gender,
        birth_date=_date(entry, "birth_date", fail),
        id_number=entry["id_number"],
        valid_from=_date(entry, "valid_from", fail),
        valid_to=None
        if entry.get("valid_to", LONG_TERM) == LONG_TERM
        else _date(entry, "valid_to", fail),
        nation=None if nation is None else _nation_name(nation),
        photo_wlt=photo,
        **{key: entry.get(key) for key in _TEXT_KEYS if key not in ("name", "id_number")},
    )
    try:
        encode_text(card)
    except ValueError as exc:
        raise CardsFileError(f"{path}: {where}: {exc}") from None
    return card


def _nation_name(nation: str) -> str:
    return NATIONS[nation_code(nation)]


def _date(entry: dict[str, Any], key: str, fail: Any) -> date:
    value = entry.get(key)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise fail(key, "a date YYYY-MM-DD") from None

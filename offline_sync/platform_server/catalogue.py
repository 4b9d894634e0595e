"""Catalogue items as the platform publishes them (contract section 6), read from seed files.

A seed file is JSON or TOML. JSON holds one item, a list of items, or
``{"items": [...]}``; TOML holds ``[[items]]`` tables. A directory is read file by
file in name order. Every item is checked against the contract's shape; a bad one
raises :class:`CatalogueError` naming the file, the item and the field.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

AUDIENCES = ("person", "legal_person")
REACHES = ("province", "chuanyu", "southwest")
FIELD_TYPES = ("text", "number", "phone", "date", "choice", "id_number", "address")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class CatalogueError(Exception):
    """A seed catalogue file or item does not follow contract section 6."""


def load_catalogue(path: Path) -> list[dict[str, Any]]:
    """Every item in a seed file, or in the ``*.json``/``*.toml`` files of a directory."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".toml"))
    elif path.exists():
        files = [path]
    else:
        raise CatalogueError(f"{path}: no such catalogue file or directory")
    items: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for file in files:
        for index, item in enumerate(_read(file)):
            where = f"{file}: item {index}"
            check_item(item, where)
            if item["code"] in seen:
                raise CatalogueError(
                    f"{where}: code {item['code']} is already defined in {seen[item['code']]}"
                )
            seen[item["code"]] = file
            items.append(item)
    _check_bundles(items)
    return items


def _read(file: Path) -> list[Any]:
    try:
        if file.suffix == ".toml":
            with open(file, "rb") as fh:
                data: Any = tomllib.load(fh)
        else:
            data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{file}: cannot read: {exc}") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{file}: not valid {file.suffix[1:].upper()}: {exc}") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise CatalogueError(f'{file}: expected an item, a list of items or {{"items": [...]}}')
    return data


def check_item(item: Any, where: str) -> None:
    """Raise CatalogueError unless ``item`` has the shape of contract section 6."""

    def fail(field: str, allowed: str) -> None:
        raise CatalogueError(f"{where}: {field}: expected {allowed}")

    if not isinstance(item, dict):
        fail("item", "an object")
    if not isinstance(item.get("code"), str) or not _CODE.match(item["code"]):
        fail("code", "letters, digits and '-', e.g. 511500-0001-05")
    where = f"{where} ({item['code']})"
    if not _is_int(item.get("version")) or item["version"] < 1:
        fail("version", "an integer >= 1")
    for key in ("name", "department", "theme", "fee"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            fail(key, "a non-empty string")
    if item.get("audience") not in AUDIENCES:
        fail("audience", " or ".join(AUDIENCES))
    for key in ("promised_days", "legal_days"):
        if not _is_int(item.get(key)) or item[key] < 0:
            fail(key, "a whole number of working days")
    if not isinstance(item.get("agent_allowed"), bool):
        fail("agent_allowed", "true or false")
    reach = item.get("reach")
    if not isinstance(reach, list) or any(r not in REACHES for r in reach):
        fail("reach", "a list of " + ", ".join(REACHES))
    conditions = item.get("conditions")
    if not isinstance(conditions, list) or not all(isinstance(c, str) for c in conditions):
        fail("conditions", "a list of strings")
    _check_materials(item.get("materials"), fail)
    _check_form(item.get("form"), fail)
    bundle = item.get("bundle_items")
    if not isinstance(bundle, list) or not all(isinstance(c, str) for c in bundle):
        fail("bundle_items", "a list of item codes")


def _check_materials(materials: Any, fail) -> None:
    if not isinstance(materials, list):
        fail("materials", "a list")
    codes = set()
    for i, m in enumerate(materials):
        if not isinstance(m, dict) or not isinstance(m.get("code"), str) or not m["code"]:
            fail(f"materials[{i}].code", "a non-empty string")
        if m["code"] in codes:
            fail(f"materials[{i}].code", f"a code not used twice ({m['code']})")
        codes.add(m["code"])
        if not isinstance(m.get("name"), str) or not m["name"].strip():
            fail(f"materials[{i}].name", "a non-empty string")
        for key in ("originals", "copies"):
            if not _is_int(m.get(key)) or m[key] < 0:
                fail(f"materials[{i}].{key}", "a whole number")
        if not isinstance(m.get("required"), bool):
            fail(f"materials[{i}].required", "true or false")


def _check_form(form: Any, fail) -> None:
    if not isinstance(form, list):
        fail("form", "a list")
    names = set()
    for i, f in enumerate(form):
        if (
            not isinstance(f, dict)
            or not isinstance(f.get("name"), str)
            or not _NAME.match(f["name"])
        ):
            fail(f"form[{i}].name", "lower-case letters, digits and _")
        if f["name"] in names:
            fail(f"form[{i}].name", f"a name not used twice ({f['name']})")
        names.add(f["name"])
        if not isinstance(f.get("label"), str) or not f["label"].strip():
            fail(f"form[{i}].label", "a non-empty string")
        if f.get("type") not in FIELD_TYPES:
            fail(f"form[{i}].type", "one of " + ", ".join(FIELD_TYPES))
        if not isinstance(f.get("required"), bool):
            fail(f"form[{i}].required", "true or false")
        options = f.get("options")
        if f["type"] == "choice" and (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) for o in options)
        ):
            fail(f"form[{i}].options", "a non-empty list of strings for a choice")


def _check_bundles(items: list[dict[str, Any]]) -> None:
    codes = {item["code"] for item in items}
    for item in items:
        for code in item["bundle_items"]:
            if code not in codes or code == item["code"]:
                raise CatalogueError(
                    f"bundle {item['code']}: bundle_items names unknown item {code}"
                )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

"""Catalogue items (contract section 6): the one rule set, and the seed file reader.

The device checks every item it stores (seed files, ``catalogue_item`` changes) and the
reference platform every item it publishes, with :func:`check_item`; so the two accept
and refuse exactly the same items.

A seed file is JSON or TOML. JSON holds one item, a list of items, or
``{"items": [...]}``; TOML holds ``[[items]]`` tables. A folder is read file by file in
name order. A bad file or item raises :class:`CatalogueError` naming the file, the item
and the field.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

from offline_sync.errors import OfflineSyncError

AUDIENCES = ("person", "legal_person")
REACHES = ("province", "chuanyu", "southwest")
FIELD_TYPES = ("text", "number", "phone", "date", "choice", "id_number", "address")
# The contract's example code is 511500-0001-05: region, item, sub-item. The kiosk finds
# items by typed digits, so a code is digits in that shape (docs/platform-api.md).
ITEM_CODE = re.compile(r"^\d{6}-\d{4}-\d{2}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SEED_SUFFIXES = (".json", ".toml")
# Bounds of this code, not of the contract's text: far above any real item (the seed's
# longest name has 24 characters), low enough that no item from the feed can make the
# kiosk slow (pinyin of a 1 MB name took 55 s) or fill its store.
MAX_TEXT = 100  # a name, department, theme, fee, label, option or material
MAX_CONDITION = 500  # one condition, a sentence
MAX_LIST = 100  # materials, form fields, options of a choice
MAX_CONDITIONS = 50
MAX_BUNDLE_ITEMS = 50


class CatalogueError(OfflineSyncError, ValueError):
    """A catalogue item or seed file does not follow contract section 6.

    ``params``: ``where`` (file and item), ``field`` and ``expected`` for a bad item;
    ``path`` for a file that cannot be read.
    """

    key = "catalogue.invalid"


def check_item(item: Any, where: str = "catalogue item") -> dict[str, Any]:
    """``item`` itself when it has the shape of contract section 6; CatalogueError otherwise.

    ``where`` starts the message (a file and index when reading seed files).
    """

    def fail(field: str, expected: str) -> NoReturn:
        raise CatalogueError(
            f"{where}: {field}: expected {expected}",
            {"where": where, "field": field, "expected": expected},
        )

    if not isinstance(item, dict):
        fail("item", "an object")
    code = item.get("code")
    if not isinstance(code, str) or not ITEM_CODE.match(code):
        fail("code", "an item code such as 511500-0001-05")
    where = f"{where} ({code})"
    if not _is_int(item.get("version")) or item["version"] < 1:
        fail("version", "an integer >= 1")
    for key in ("name", "department", "theme", "fee"):
        _text(item, key, key, fail)
    if item.get("audience") not in AUDIENCES:
        fail("audience", " or ".join(AUDIENCES))
    for key in ("promised_days", "legal_days"):
        _count(item, key, key, "a whole number of working days", fail)
    if not isinstance(item.get("agent_allowed"), bool):
        fail("agent_allowed", "true or false")
    # An extension (邮寄送达): the result may be posted to the applicant; absent is false.
    if not isinstance(item.get("postal_delivery", False), bool):
        fail("postal_delivery", "true or false (or absent)")
    reach = item.get("reach")
    if not isinstance(reach, list) or any(r not in REACHES for r in reach):
        fail("reach", "a list of " + ", ".join(REACHES))
    conditions = item.get("conditions")
    if not _strings(conditions, MAX_CONDITIONS, MAX_CONDITION):
        fail(
            "conditions",
            f"a list of at most {MAX_CONDITIONS} strings of {MAX_CONDITION} characters",
        )
    _check_materials(item.get("materials"), fail)
    _check_form(item.get("form"), fail)
    bundle = item.get("bundle_items")
    if not _strings(bundle, MAX_BUNDLE_ITEMS) or any(
        not ITEM_CODE.match(c) or c == code for c in bundle
    ):
        fail("bundle_items", "a list of other items' codes")
    return item


def _check_materials(materials: Any, fail: Callable[[str, str], NoReturn]) -> None:
    if not isinstance(materials, list) or len(materials) > MAX_LIST:
        fail("materials", f"a list of at most {MAX_LIST}")
    codes: set[str] = set()
    for i, m in enumerate(materials):
        at = f"materials[{i}]"
        if not isinstance(m, dict):
            fail(at, "an object")
        _text(m, "code", f"{at}.code", fail)
        if m["code"] in codes:
            fail(f"{at}.code", f"a code not used twice ({m['code']})")
        codes.add(m["code"])
        _text(m, "name", f"{at}.name", fail)
        for key in ("originals", "copies"):
            _count(m, key, f"{at}.{key}", "a whole number", fail)
        if not isinstance(m.get("required"), bool):
            fail(f"{at}.required", "true or false")


def _check_form(form: Any, fail: Callable[[str, str], NoReturn]) -> None:
    if not isinstance(form, list) or len(form) > MAX_LIST:
        fail("form", f"a list of at most {MAX_LIST} fields")
    names: set[str] = set()
    for i, f in enumerate(form):
        at = f"form[{i}]"
        if not isinstance(f, dict):
            fail(at, "an object")
        name = f.get("name")
        if not isinstance(name, str) or not FIELD_NAME.match(name):
            fail(f"{at}.name", "lower-case letters, digits and _")
        if name in names:
            fail(f"{at}.name", f"a name not used twice ({name})")
        names.add(name)
        _text(f, "label", f"{at}.label", fail)
        if f.get("type") not in FIELD_TYPES:
            fail(f"{at}.type", "one of " + ", ".join(FIELD_TYPES))
        if not isinstance(f.get("required"), bool):
            fail(f"{at}.required", "true or false")
        if f["type"] == "choice" and not (
            f.get("options") and _strings(f["options"], MAX_LIST, MAX_TEXT)
        ):
            fail(f"{at}.options", f"a non-empty list of at most {MAX_LIST} short strings")


def check_bundles(items: Iterable[dict[str, Any]]) -> None:
    """Every bundle among checked ``items`` names only items among them; CatalogueError if not."""
    items = list(items)
    codes = {item["code"] for item in items}
    for item in items:
        for code in item["bundle_items"]:
            if code not in codes:
                raise CatalogueError(
                    f"bundle {item['code']}: bundle_items names unknown item {code}",
                    {"where": f"bundle {item['code']}", "field": "bundle_items", "code": code},
                )


def load_catalogue(path: Path) -> list[dict[str, Any]]:
    """Every item of a seed file, or of the ``*.json`` and ``*.toml`` files of a folder, checked.

    The caller says where the files are (the device ships them in its package data).
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in SEED_SUFFIXES)
        if not files:
            raise _file_problem(path, "no catalogue files (*.json, *.toml)")
    elif path.exists():
        files = [path]
    else:
        raise _file_problem(path, "no such catalogue file or directory")
    items: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for file in files:
        for index, item in enumerate(_read(file)):
            where = f"{file}: item {index}"
            check_item(item, where)
            if item["code"] in seen:
                raise _file_problem(
                    file,
                    f"item {index}: code {item['code']} is already defined in {seen[item['code']]}",
                )
            seen[item["code"]] = file
            items.append(item)
    check_bundles(items)
    return items


def _read(file: Path) -> list[Any]:
    try:
        if file.suffix == ".toml":
            with open(file, "rb") as fh:
                data: Any = tomllib.load(fh)
        else:
            data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _file_problem(file, f"cannot read: {exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError is one
        raise _file_problem(file, f"not valid {file.suffix[1:].upper()}: {exc}") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise _file_problem(file, 'expected an item, a list of items or {"items": [...]}')
    return data


def _file_problem(path: Path, problem: str) -> CatalogueError:
    return CatalogueError(f"{path}: {problem}", {"path": str(path), "problem": problem})


def _text(obj: dict[str, Any], key: str, field: str, fail: Callable[[str, str], NoReturn]) -> None:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        fail(field, f"a non-empty string of at most {MAX_TEXT} characters")


def _count(
    obj: dict[str, Any], key: str, field: str, expected: str, fail: Callable[[str, str], NoReturn]
) -> None:
    if not _is_int(obj.get(key)) or obj[key] < 0:
        fail(field, expected)


def _strings(value: Any, most: int | None = None, longest: int | None = None) -> bool:
    """A list of strings, of at most ``most`` strings of at most ``longest`` characters."""
    return (
        isinstance(value, list)
        and (most is None or len(value) <= most)
        and all(isinstance(v, str) and (longest is None or len(v) <= longest) for v in value)
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

"""The catalogue of services (事项, 办事指南, 一件事一次办 bundles) kept in the local store.

Items arrive whole from the platform's change feed (``catalogue_item``, replaced only by
a higher ``version``; ``catalogue_item_removed``) and, on a fresh device, from the seed
files in ``assets/catalogue/*.json`` (each a JSON array of items, contract section 6).

Search runs in SQLite FTS5 over Chinese characters, full pinyin and pinyin initials,
so a villager finds 城乡居民基本养老保险 by ``养老``, ``yanglao`` or ``ylbx``. Hits are
ranked: exact name, then name prefix, then a run inside the name, then initials, then
the guide's other text (department, conditions, materials, form labels).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from kiosk.core.search_text import build_match, expand_alias, normalise, search_columns, warm_up
from kiosk.resources import data_path
from offline_sync.store import Store

FIELD_TYPES = ("text", "number", "phone", "date", "choice", "id_number", "address")
AUDIENCES = ("person", "legal_person")
REACHES = ("province", "chuanyu", "southwest")
BUNDLE_THEME = "一件事一次办"
THEME_ORDER = ("社会保障", "医疗保障", "民政", "残疾人", "户籍", "农业", "住房", BUNDLE_THEME)
_CODE = re.compile(r"^\d{6}-\d{4}-\d{2}$")
_CODE_QUERY = re.compile(r"^[0-9][0-9-]*$")
_BROAD_MATCH = 300  # matches above which relevance (bm25) is not worth its cost


class CatalogueError(ValueError):
    """A catalogue item is malformed or cannot be read; the message names the item and field."""


class UnknownItem(CatalogueError, KeyError):
    """No item has this code."""

    def __str__(self) -> str:
        return f"no catalogue item {self.args[0]!r}"


class MatchKind(IntEnum):
    """How a search hit matched, best first."""

    EXACT = 0
    PREFIX = 1
    NAME = 2
    INITIALS_PREFIX = 3
    INITIALS = 4
    CONTENT = 5


@dataclass(frozen=True)
class Material:
    """One material (申请材料) of an item."""

    code: str
    name: str
    originals: int
    copies: int
    required: bool


@dataclass(frozen=True)
class FormField:
    """One field of an item's application form."""

    name: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """A catalogue item, as the platform describes it (contract section 6)."""

    code: str
    version: int
    name: str
    department: str
    theme: str
    audience: str
    promised_days: int
    legal_days: int
    fee: str
    agent_allowed: bool
    reach: tuple[str, ...]
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    form: tuple[FormField, ...]
    bundle_items: tuple[str, ...]

    @property
    def is_bundle(self) -> bool:
        """True for a 一件事一次办 bundle."""
        return bool(self.bundle_items)

    def field(self, name: str) -> FormField:
        """The form field called ``name``; KeyError if there is none."""
        for f in self.form:
            if f.name == name:
                return f
        raise KeyError(name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        """The item of a validated contract dict (see :func:`validate_item`)."""
        return cls(
            code=data["code"],
            version=data["version"],
            name=data["name"],
            department=data["department"],
            theme=data["theme"],
            audience=data["audience"],
            promised_days=data["promised_days"],
            legal_days=data["legal_days"],
            fee=data["fee"],
            agent_allowed=data["agent_allowed"],
            reach=tuple(data["reach"]),
            conditions=tuple(data["conditions"]),
            materials=tuple(
                Material(m["code"], m["name"], m["originals"], m["copies"], m["required"])
                for m in data["materials"]
            ),
            form=tuple(
                FormField(
                    f["name"], f["label"], f["type"], f["required"], tuple(f.get("options", ()))
                )
                for f in data["form"]
            ),
            bundle_items=tuple(data["bundle_items"]),
        )


@dataclass(frozen=True)
class SearchHit:
    """One search result, enough for a result list."""

    code: str
    name: str
    theme: str
    department: str
    is_bundle: bool
    match: MatchKind | None = None


@dataclass(frozen=True)
class Theme:
    """A theme (主题) and how many items it holds."""

    name: str
    count: int


@dataclass(frozen=True)
class MergedMaterial:
    """A material of a bundle, asked for once however many of its items need it.

    ``used_by`` pairs each item code with that item's own material code.
    """

    name: str
    originals: int
    copies: int
    required: bool
    used_by: tuple[tuple[str, str], ...]

    def code_for(self, item_code: str) -> str | None:
        """The material code this material has in item ``item_code``, or None if unused there."""
        return dict(self.used_by).get(item_code)


@dataclass(frozen=True)
class Bundle:
    """A 一件事一次办 bundle: its items, one merged materials list, one merged form."""

    item: Item
    items: tuple[Item, ...]
    materials: tuple[MergedMaterial, ...]
    form: tuple[FormField, ...]


# -- validation ------------------------------------------------------------------------------


def _require(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise CatalogueError(f"{where}: missing {key}")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CatalogueError(f"{where}: {key} has the wrong type")
    return value


def validate_item(data: Any) -> dict[str, Any]:
    """Check an item against contract section 6; CatalogueError names the item and field."""
    if not isinstance(data, dict):
        raise CatalogueError("catalogue item is not a JSON object")
    code = data.get("code")
    where = f"catalogue item {code!r}"
    if not isinstance(code, str) or not _CODE.match(code):
        raise CatalogueError(f"{where}: code must look like 511500-0001-05")
    version = _require(data, "version", int, where)
    if version < 1:
        raise CatalogueError(f"{where}: version must be a positive integer")
    for key in ("name", "department", "theme", "fee"):
        if not _require(data, key, str, where).strip():
            raise CatalogueError(f"{where}: {key} is empty")
    if data.get("audience") not in AUDIENCES:
        raise CatalogueError(f"{where}: audience must be one of {', '.join(AUDIENCES)}")
    for key in ("promised_days", "legal_days"):
        if _require(data, key, int, where) < 0:
            raise CatalogueError(f"{where}: {key} must not be negative")
    _require(data, "agent_allowed", bool, where)
    for reach in _require(data, "reach", list, where):
        if reach not in REACHES:
            raise CatalogueError(f"{where}: reach {reach!r} is not one of {', '.join(REACHES)}")
    if not all(isinstance(c, str) for c in _require(data, "conditions", list, where)):
        raise CatalogueError(f"{where}: conditions must be texts")
    for i, m in enumerate(_require(data, "materials", list, where)):
        at = f"{where}: materials[{i}]"
        if not isinstance(m, dict):
            raise CatalogueError(f"{at} is not an object")
        _require(m, "code", str, at)
        _require(m, "name", str, at)
        _require(m, "originals", int, at)
        _require(m, "copies", int, at)
        _require(m, "required", bool, at)
    names = set()
    for i, f in enumerate(_require(data, "form", list, where)):
        at = f"{where}: form[{i}]"
        if not isinstance(f, dict):
            raise CatalogueError(f"{at} is not an object")
        name = _require(f, "name", str, at)
        if name in names:
            raise CatalogueError(f"{at}: field name {name!r} is used twice")
        names.add(name)
        _require(f, "label", str, at)
        _require(f, "required", bool, at)
        if f.get("type") not in FIELD_TYPES:
            raise CatalogueError(f"{at}: type must be one of {', '.join(FIELD_TYPES)}")
        if f["type"] == "choice":
            options = _require(f, "options", list, at)
            if not options or not all(isinstance(o, str) for o in options):
                raise CatalogueError(f"{at}: a choice needs a non-empty list of options")
    bundle = _require(data, "bundle_items", list, where)
    if not all(isinstance(c, str) and _CODE.match(c) for c in bundle):
        raise CatalogueError(f"{where}: bundle_items must be item codes")
    return data


# -- storing ---------------------------------------------------------------------------------


def _put(conn: sqlite3.Connection, item: dict[str, Any]) -> bool:
    """Insert or replace ``item`` if it is new or newer; True if stored."""
    row = conn.execute(
        "SELECT id, version FROM catalogue_item WHERE code = ?", (item["code"],)
    ).fetchone()
    if row is not None and row[1] >= item["version"]:
        return False
    cols = search_columns(item)
    values = (
        item["version"],
        item["name"],
        item["theme"],
        item["department"],
        int(bool(item["bundle_items"])),
        json.dumps(item, ensure_ascii=False, sort_keys=True),
        cols["search_name"],
        cols["search_pinyin"],
        cols["search_initials"],
    )
    if row is None:
        rowid = conn.execute(
            "INSERT INTO catalogue_item (version, name, theme, department, is_bundle, body,"
            " search_name, search_pinyin, search_initials, code)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, item["code"]),
        ).lastrowid
    else:
        rowid = row[0]
        conn.execute(
            "UPDATE catalogue_item SET version = ?, name = ?, theme = ?, department = ?,"
            " is_bundle = ?, body = ?, search_name = ?, search_pinyin = ?, search_initials = ?"
            " WHERE id = ?",
            (*values, rowid),
        )
        conn.execute("DELETE FROM catalogue_fts WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO catalogue_fts (rowid, name, pinyin, initials, content, content_pinyin)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            rowid,
            cols["fts_name"],
            cols["fts_pinyin"],
            cols["fts_initials"],
            cols["fts_content"],
            cols["fts_content_pinyin"],
        ),
    )
    return True


def apply_catalogue_item(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Change applier for ``catalogue_item``: store the item unless the local one is as new.

    A malformed item raises CatalogueError: the sync engine rolls back that change alone,
    keeps it for staff (``bianmin sync rejected-changes``) and goes on with the feed.
    """
    _put(conn, validate_item(data))


def apply_catalogue_item_removed(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Change applier for ``catalogue_item_removed``: forget the item (idempotent)."""
    if not isinstance(data.get("code"), str):
        raise CatalogueError(f"catalogue_item_removed without a code: {sorted(data)}")
    row = conn.execute("SELECT id FROM catalogue_item WHERE code = ?", (data["code"],)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM catalogue_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM catalogue_item WHERE id = ?", (row[0],))


def seed_dir() -> Path:
    """The packaged seed catalogue folder (``assets/catalogue``)."""
    return data_path("assets") / "catalogue"


def load_seed_items(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every item of the ``*.json`` files of ``folder`` (default: the packaged seed), validated."""
    folder = folder or seed_dir()
    items: list[dict[str, Any]] = []
    files = sorted(folder.glob("*.json"))
    if not files:
        raise CatalogueError(f"{folder}: no seed catalogue files (*.json)")
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogueError(f"{path}: cannot read the seed catalogue: {exc}") from None
        if not isinstance(data, list):
            raise CatalogueError(f"{path}: must hold a JSON array of items")
        for entry in data:
            try:
                items.append(validate_item(entry))
            except CatalogueError as exc:
                raise CatalogueError(f"{path}: {exc}") from None
    return items


# -- the service -----------------------------------------------------------------------------


class Catalogue:
    """Read and search the local catalogue."""

    def __init__(self, store: Store, seed_folder: Path | None = None) -> None:
        self.store = store
        self._seed_folder = seed_folder
        self._seed_checked = False

    def _ready(self) -> None:
        # A fresh store is seeded when the catalogue is first read, not when the program
        # starts: commands that never look at the catalogue do not pay for indexing it.
        if not self._seed_checked:
            self.seed_if_empty(self._seed_folder)
            self._seed_checked = True

    @staticmethod
    def warm_up() -> None:
        """Load the pinyin tables (about 0.5 s) so that the first search a villager makes is as
        fast as the others; touches no store, so any thread may call it at start-up."""
        warm_up()

    def seed_if_empty(self, folder: Path | None = None) -> int:
        """Fill an empty catalogue from the seed files; the number of items stored."""
        if self.count():
            return 0
        items = load_seed_items(folder)
        return self.put_many(items)

    def put_many(self, items: Iterable[dict[str, Any]]) -> int:
        """Store validated items in one transaction (newer versions only); how many were stored."""
        with self.store.transaction() as conn:
            return sum(_put(conn, validate_item(item)) for item in items)

    def count(self) -> int:
        """How many items the catalogue holds."""
        return self.store.conn.execute("SELECT count(*) FROM catalogue_item").fetchone()[0]

    def item(self, code: str) -> Item:
        """The item with this code; UnknownItem if there is none."""
        return Item.from_dict(self.item_dict(code))

    def item_dict(self, code: str) -> dict[str, Any]:
        """The item exactly as the platform sent it (contract section 6)."""
        self._ready()
        row = self.store.conn.execute(
            "SELECT body FROM catalogue_item WHERE code = ?", (code,)
        ).fetchone()
        if row is None:
            raise UnknownItem(code)
        return json.loads(row[0])

    def themes(self) -> list[Theme]:
        """Themes with their item counts, in the usual order of a service hall."""
        self._ready()
        rows = self.store.conn.execute(
            "SELECT theme, count(*) FROM catalogue_item GROUP BY theme"
        ).fetchall()
        order = {name: i for i, name in enumerate(THEME_ORDER)}
        rows.sort(key=lambda r: (order.get(r[0], len(order)), r[0]))
        return [Theme(r[0], r[1]) for r in rows]

    def in_theme(self, theme: str) -> list[SearchHit]:
        """The items of one theme, by code."""
        self._ready()
        rows = self.store.conn.execute(
            "SELECT code, name, theme, department, is_bundle FROM catalogue_item"
            " WHERE theme = ? ORDER BY code",
            (theme,),
        )
        return [SearchHit(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def search(self, text: str, *, theme: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Items matching ``text`` (Chinese, pinyin or initials), best first."""
        self._ready()
        query = normalise(text)
        if _CODE_QUERY.match(query):
            return self._by_code(query, theme, limit)
        match = build_match(text)
        if match is None:
            return []
        # bm25 costs most when nearly everything matches (one letter or character), and
        # ranks nothing useful then: name length orders those within their tier.
        broad = (
            self.store.conn.execute(
                "SELECT count(*) FROM catalogue_fts WHERE catalogue_fts MATCH ?", (match,)
            ).fetchone()[0]
            > _BROAD_MATCH
        )
        relevance = "NULL" if broad else "bm25(catalogue_fts, 10.0, 5.0, 5.0, 1.0, 0.5)"
        sql = f"""
            SELECT i.code, i.name, i.theme, i.department, i.is_bundle,
                CASE
                    WHEN i.search_name = :q OR i.search_pinyin = :q THEN 0
                    WHEN substr(i.search_name, 1, length(:q)) = :q
                        OR substr(i.search_pinyin, 1, length(:q)) = :q THEN 1
                    WHEN instr(i.search_name, :q) > 0 OR instr(i.search_pinyin, :q) > 0
                        OR instr(i.search_name, :official) > 0 THEN 2
                    WHEN substr(i.search_initials, 1, length(:q)) = :q THEN 3
                    WHEN instr(i.search_initials, :q) > 0 THEN 4
                    ELSE 5
                END AS tier
            FROM catalogue_fts JOIN catalogue_item i ON i.id = catalogue_fts.rowid
            WHERE catalogue_fts MATCH :match AND (:theme IS NULL OR i.theme = :theme)
            ORDER BY tier, {relevance}, length(i.name), i.code
            LIMIT :limit
        """
        official = normalise(expand_alias(text) or "") or None
        params = {"q": query, "official": official, "match": match, "theme": theme, "limit": limit}
        rows = self.store.conn.execute(sql, params).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3], bool(r[4]), MatchKind(r[5])) for r in rows]

    def _by_code(self, prefix: str, theme: str | None, limit: int) -> list[SearchHit]:
        rows = self.store.conn.execute(
            "SELECT code, name, theme, department, is_bundle, code = ? FROM catalogue_item"
            " WHERE substr(code, 1, length(?)) = ? AND (? IS NULL OR theme = ?)"
            " ORDER BY code LIMIT ?",
            (prefix, prefix, prefix, theme, theme, limit),
        )
        return [
            SearchHit(
                r[0], r[1], r[2], r[3], bool(r[4]), MatchKind.EXACT if r[5] else MatchKind.PREFIX
            )
            for r in rows
        ]

    def bundle(self, code: str) -> Bundle:
        """A bundle with its items, merged materials and merged form; UnknownItem if missing."""
        head = self.item(code)
        if not head.is_bundle:
            raise CatalogueError(f"catalogue item {code!r} is not a bundle")
        items = tuple(self.item(c) for c in head.bundle_items)
        return Bundle(head, items, merge_materials((head, *items)), merge_forms((head, *items)))


def merge_materials(items: Iterable[Item]) -> tuple[MergedMaterial, ...]:
    """One list of materials for several items: the same material (by name) is asked once,
    with the most originals and copies any item wants, required if any item requires it."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        for m in item.materials:
            key = normalise(m.name)
            entry = merged.setdefault(
                key, {"name": m.name, "originals": 0, "copies": 0, "required": False, "used_by": []}
            )
            entry["originals"] = max(entry["originals"], m.originals)
            entry["copies"] = max(entry["copies"], m.copies)
            entry["required"] = entry["required"] or m.required
            entry["used_by"].append((item.code, m.code))
    return tuple(
        MergedMaterial(e["name"], e["originals"], e["copies"], e["required"], tuple(e["used_by"]))
        for e in merged.values()
    )


def merge_forms(items: Iterable[Item]) -> tuple[FormField, ...]:
    """One form for several items: a field name asked once (required if any item requires it)."""
    fields: dict[str, FormField] = {}
    for item in items:
        for f in item.form:
            seen = fields.get(f.name)
            if seen is None:
                fields[f.name] = f
            elif f.required and not seen.required:
                fields[f.name] = FormField(f.name, seen.label, seen.type, True, seen.options)
    return tuple(fields.values())


# -- synthetic catalogue for benchmarks ------------------------------------------------------

_SYN_TOPICS = (
    "养老保险",
    "医疗保险",
    "最低生活保障",
    "临时救助",
    "高龄津贴",
    "殡葬补贴",
    "残疾人证",
    "护理补贴",
    "户口迁移",
    "出生登记",
    "耕地地力保护补贴",
    "农机购置补贴",
    "危房改造",
    "宅基地审批",
    "社会保障卡",
    "异地就医备案",
    "就业登记",
    "职业技能培训补贴",
    "退役军人优待",
    "孤儿基本生活费",
    "计划生育奖励扶助",
    "林权登记",
    "渔业船舶登记",
    "取水许可",
    "小额贷款贴息",
)
_SYN_ACTIONS = (
    "申请",
    "登记",
    "变更",
    "注销",
    "补办",
    "审核确认",
    "申领",
    "备案",
    "查询",
    "转移接续",
)
_SYN_WHO = (
    "城乡居民",
    "农村",
    "困难群众",
    "老年人",
    "残疾人",
    "新生儿",
    "退役军人",
    "脱贫人口",
    "",
)


def synthetic_items(count: int = 5000, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` plausible, valid catalogue items for benchmarks (deterministic for a seed)."""
    rng = random.Random(seed)
    themes = THEME_ORDER[:-1]
    for n in range(count):
        name = rng.choice(_SYN_WHO) + rng.choice(_SYN_TOPICS) + rng.choice(_SYN_ACTIONS)
        yield {
            "code": f"519900-{n // 100:04d}-{n % 100:02d}",
            "version": 1,
            "name": name,
            "department": "县" + rng.choice(("民政局", "医疗保障局", "农业农村局", "公安局")),
            "theme": rng.choice(themes),
            "audience": "person",
            "promised_days": rng.randint(1, 20),
            "legal_days": 20,
            "fee": "不收费",
            "agent_allowed": True,
            "reach": ["province"],
            "conditions": [f"符合{name}的有关规定", "本县户籍居民"],
            "materials": [
                {"code": "M01", "name": "居民身份证", "originals": 1, "copies": 0, "required": True}
            ],
            "form": [{"name": "phone", "label": "联系电话", "type": "phone", "required": True}],
            "bundle_items": [],
        }

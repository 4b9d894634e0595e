"""The Catalogue service: seeding a fresh store, reading items and bundles, searching.

Search runs in SQLite FTS5 over Chinese characters, full pinyin and pinyin initials,
so a villager finds 城乡居民基本养老保险 by ``养老``, ``yanglao`` or ``ylbx``. Hits are
ranked: exact name, then name prefix, then a run inside the name, then initials, then
the guide's other text (department, conditions, materials, form labels).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.core.catalogue.bundles import merge_forms, merge_materials
from kiosk.core.catalogue.index import put_item
from kiosk.core.catalogue.model import THEME_ORDER, Bundle, Item, MatchKind, SearchHit, Theme
from kiosk.core.catalogue.search_text import build_match, expand_alias, normalise, warm_up
from kiosk.resources import data_path
from offline_sync.contract import CatalogueError, check_item, load_catalogue
from offline_sync.store import Store

_CODE_QUERY = re.compile(r"^[0-9][0-9-]*$")
_BROAD_MATCH = 300  # matches above which relevance (bm25) is not worth its cost


class UnknownItem(CatalogueError, KeyError):
    """No item has this code."""

    key = "catalogue.unknown_item"

    def __init__(self, code: str) -> None:
        super().__init__(f"no catalogue item {code!r}", {"code": code})

    def __str__(self) -> str:
        return self.args[0]


def seed_dir() -> Path:
    """The packaged seed catalogue folder (``assets/catalogue``), found by package location."""
    return data_path("assets") / "catalogue"


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
        return self.put_many(load_catalogue(folder or seed_dir()))

    def put_many(self, items: Iterable[dict[str, Any]]) -> int:
        """Store validated items in one transaction (newer versions only); how many were stored."""
        with self.store.transaction() as conn:
            return sum(put_item(conn, check_item(item)) for item in items)

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
            raise CatalogueError(
                f"catalogue item {code!r} is not a bundle",
                {
                    "where": f"catalogue item ({code})",
                    "field": "bundle_items",
                    "expected": "a bundle",
                },
            )
        items = tuple(self.item(c) for c in head.bundle_items)
        return Bundle(head, items, merge_materials((head, *items)), merge_forms((head, *items)))

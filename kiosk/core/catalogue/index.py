"""Storing and forgetting items together with their search index (``catalogue_fts``)."""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.core.catalogue.search_text import search_columns
from offline_sync.contract import canonical_json


def put_item(conn: sqlite3.Connection, item: dict[str, Any]) -> bool:
    """Insert or replace a checked ``item`` if it is new or newer; True if stored."""
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
        canonical_json(item).decode(),
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


def drop_item(conn: sqlite3.Connection, code: str) -> None:
    """Forget the item with this code and its index entry (nothing if there is none)."""
    row = conn.execute("SELECT id FROM catalogue_item WHERE code = ?", (code,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM catalogue_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM catalogue_item WHERE id = ?", (row[0],))

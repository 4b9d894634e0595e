"""The change appliers for the catalogue: ``catalogue_item`` and ``catalogue_item_removed``.

A malformed change raises CatalogueError: the sync engine rolls back that change alone,
keeps it for staff (``bianmin sync rejected-changes``) and goes on with the feed.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from kiosk.core.catalogue.index import drop_item, put_item
from offline_sync.contract import CatalogueError, check_item


def apply_catalogue_item(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Store the item unless the local one is as new (a higher ``version`` replaces it)."""
    put_item(conn, check_item(data))


def apply_catalogue_item_removed(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Forget the item (idempotent)."""
    if not isinstance(data.get("code"), str):
        raise CatalogueError(
            f"catalogue_item_removed without a code: {sorted(data)}",
            {"where": "catalogue_item_removed", "field": "code", "expected": "an item code"},
        )
    drop_item(conn, data["code"])

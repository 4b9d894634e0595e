"""Catalogue publishing: items checked by the contract's rules, withdrawn, seeded from files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from offline_sync.contract import canonical_json, check_item, load_catalogue
from offline_sync.platform_server.base import PlatformBase, StaffError, locked


class CataloguePublishing(PlatformBase):
    """Every version of every item published, and the codes withdrawn."""

    @locked
    def publish_item(self, item: dict[str, Any]) -> bool:
        """Publish a catalogue item; False when this or a newer version is already published."""
        check_item(item)
        with self._store.transaction() as conn:
            latest = conn.execute(
                "SELECT MAX(version) FROM catalogue_item WHERE code = ?", [item["code"]]
            ).fetchone()[0]
            removed = conn.execute(
                "SELECT 1 FROM catalogue_removed WHERE code = ?", [item["code"]]
            ).fetchone()
            if latest is not None and item["version"] <= latest and not removed:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO catalogue_item (code, version, item) VALUES (?, ?, ?)",
                [item["code"], item["version"], canonical_json(item).decode()],
            )
            conn.execute("DELETE FROM catalogue_removed WHERE code = ?", [item["code"]])
            self._insert_change(None, "catalogue_item", "catalogue", item["code"], item)
        return True

    @locked
    def remove_item(self, code: str) -> None:
        """Withdraw a catalogue item (devices get ``catalogue_item_removed``)."""
        with self._store.transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM catalogue_item WHERE code = ?", [code]).fetchone()
                is None
            ):
                raise StaffError(f"catalogue item {code}: no such item")
            conn.execute("INSERT OR IGNORE INTO catalogue_removed (code) VALUES (?)", [code])
            self._insert_change(None, "catalogue_item_removed", "catalogue", code, {"code": code})

    @locked
    def load_catalogue(self, path: Path) -> int:
        """Publish every item of a seed file or directory; how many were new or newer."""
        items = load_catalogue(path)
        with self._store.transaction():
            return sum(self.publish_item(item) for item in items)

    def _find_item(self, code: str, version: int | None) -> dict[str, Any] | None:
        if version is None:
            row = self._conn.execute(
                "SELECT item FROM catalogue_item WHERE code = ? AND code NOT IN (SELECT code FROM catalogue_removed) "
                "ORDER BY version DESC LIMIT 1",
                [code],
            ).fetchone()
        else:
            row = self._conn.execute(
                "SELECT item FROM catalogue_item WHERE code = ? AND version = ?", [code, version]
            ).fetchone()
        return json.loads(row["item"]) if row else None

"""The pull stage: apply a page of the change feed and store its cursor in one transaction.

Changes are applied by appliers registered per change type by the composition root
(offline_sync knows nothing of the catalogue or of cases). Each applier gets the
write connection and the change's ``data`` object, and must be idempotent (contract
section 5). A change an applier refuses (any exception but SQLite's operational
errors, which are retried) is rolled back on its own, kept sealed (data and
error text) in ``sync_rejected_change`` for staff, and the feed goes on; a type with no applier is
skipped.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from offline_sync.client import ChangesPage
from offline_sync.plain import one_line
from offline_sync.store import Store
from offline_sync.vault import Vault

Applier = Callable[[sqlite3.Connection, dict[str, Any]], None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageOutcome:
    """What applying one page did."""

    applied: int
    ignored: int
    rejected: int


def applier_signature(appliers: Mapping[str, Applier]) -> str:
    """The change types handled, as stored beside the cursor: when the set grows (a new
    version handles a new type), the feed is pulled again from the beginning."""
    return ",".join(sorted(appliers))


def read_cursor(conn: sqlite3.Connection, signature: str) -> str | None:
    """The stored cursor, or None when the feed must start from the beginning."""
    cursor, types = conn.execute(
        "SELECT cursor, cursor_types FROM sync_state WHERE id = 1"
    ).fetchone()
    return cursor if cursor and types == signature else None


def drop_cursor(store: Store) -> None:
    """Forget the cursor: the next pull starts from the beginning."""
    with store.transaction() as conn:
        conn.execute("UPDATE sync_state SET cursor = NULL, cursor_types = NULL WHERE id = 1")


def apply_page(
    store: Store,
    vault: Vault,
    appliers: Mapping[str, Applier],
    page: ChangesPage,
    now: str,
) -> PageOutcome:
    """Apply every change of ``page`` and store its cursor, all in one transaction."""
    applied = ignored = rejected = 0
    with store.transaction() as conn:
        for change in page.changes:
            kind = change.get("type")
            data = change.get("data")
            applier = appliers.get(kind) if isinstance(kind, str) else None
            if applier is None:
                ignored += 1
                continue
            conn.execute("SAVEPOINT sync_change")
            try:
                if not isinstance(data, dict):
                    raise ValueError("the change's data is not an object")
                applier(conn, data)
            except sqlite3.OperationalError:
                raise
            except Exception as exc:  # an applier refusing one change must not stop the feed
                conn.execute("ROLLBACK TO sync_change")
                _reject(conn, vault, change, exc, now)
                rejected += 1
            else:
                applied += 1
            conn.execute("RELEASE sync_change")
        conn.execute(
            "UPDATE sync_state SET cursor = ?, cursor_types = ?, last_pull_at = ? WHERE id = 1",
            (page.cursor, applier_signature(appliers), now),
        )
    return PageOutcome(applied, ignored, rejected)


def _reject(
    conn: sqlite3.Connection, vault: Vault, change: dict[str, Any], exc: Exception, now: str
) -> None:
    kind, seq = one_line(change.get("type"), 40), change.get("seq")
    error = vault.seal(one_line(f"{type(exc).__name__}: {exc}"))
    log.warning(
        "pulled change %s #%s rejected by its applier: %s",
        kind,
        one_line(seq, 20),
        type(exc).__name__,
    )
    conn.execute(
        "INSERT OR REPLACE INTO sync_rejected_change (type, seq, data, error, at) VALUES (?, ?, ?, ?, ?)",
        (kind, seq if isinstance(seq, int) else -1, vault.seal_json(change), error, now),
    )

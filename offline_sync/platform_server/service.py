"""What the reference platform knows and does, without HTTP: devices, records, cases,
uploads, the change feed, the catalogue, agent accounts, calendars, notices, and the
staff actions that move a case through its statuses.

One :class:`PlatformService` owns one connection to the platform's SQLite file and
serialises its methods with a lock, so the HTTP app and a test thread can share it;
another process (the CLI) opens its own service on the same file. Each job is a part in
its own module; this class joins them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from offline_sync.clock import Clock, SystemClock
from offline_sync.platform_server.base import StaffError, locked
from offline_sync.platform_server.cases import CaseFiles
from offline_sync.platform_server.catalogue import CataloguePublishing
from offline_sync.platform_server.devices import Enrolment
from offline_sync.platform_server.feed import ChangeFeed
from offline_sync.platform_server.publishing import Publishing
from offline_sync.platform_server.records import RecordIntake
from offline_sync.platform_server.schema import migrations
from offline_sync.platform_server.uploads import Uploads
from offline_sync.platform_server.validation import CaseRules
from offline_sync.store import Store

__all__ = ["PlatformService", "StaffError"]


class PlatformService(
    Enrolment, RecordIntake, CaseFiles, Uploads, ChangeFeed, CataloguePublishing, Publishing
):
    """The reference platform's state and rules over one SQLite file."""

    def __init__(
        self, store: Store, clock: Clock, resident_id_valid: Callable[[str], bool]
    ) -> None:
        super().__init__(store, clock)
        self._rules = CaseRules(
            find_item=self._find_item,
            resident_id_valid=resident_id_valid,
            agent_known=self._agent_known,
        )

    @classmethod
    def open(
        cls, db_path: Path, resident_id_valid: Callable[[str], bool], clock: Clock | None = None
    ) -> PlatformService:
        """Open (creating if needed) the platform database at ``db_path``."""
        return cls(
            Store.open(Path(db_path), [migrations]), clock or SystemClock(), resident_id_valid
        )

    # -- inspection ----------------------------------------------------------

    @locked
    def stored_records(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every stored record (kind, id, revision, body, device_id), in storage order."""
        sql = "SELECT kind, id, revision, body, device_id FROM record"
        rows = self._conn.execute(
            sql + (" WHERE kind = ?" if kind else "") + " ORDER BY rowid", [kind] if kind else []
        )
        return [dict(r) | {"body": json.loads(r["body"])} for r in rows]

    @locked
    def counts(self) -> dict[str, int]:
        """How many records (by kind), cases, complete uploads and feed changes are held."""
        counts = {
            f"records_{r[0]}": r[1]
            for r in self._conn.execute("SELECT kind, COUNT(*) FROM record GROUP BY kind")
        }
        counts["records"] = sum(counts.values())
        counts["cases"] = self._conn.execute("SELECT COUNT(*) FROM platform_case").fetchone()[0]
        counts["uploads_complete"] = self._conn.execute(
            "SELECT COUNT(*) FROM upload WHERE complete = 1"
        ).fetchone()[0]
        counts["changes"] = self._conn.execute("SELECT COUNT(*) FROM change").fetchone()[0]
        return counts

"""Cases: case numbers, new revisions, and the statuses staff move them through."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from offline_sync.contract import CASE_STATUSES
from offline_sync.platform_server.base import PlatformBase, StaffError, locked

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("accepted", "needs_correction", "rejected", "withdrawn"),
    "accepted": ("in_progress", "needs_correction", "completed", "rejected", "withdrawn"),
    "in_progress": ("needs_correction", "completed", "rejected", "withdrawn"),
    "needs_correction": ("received", "accepted", "rejected", "withdrawn"),
    "completed": (),
    "rejected": (),
    "withdrawn": (),
}
NEEDS_REASON = ("needs_correction", "rejected")
_CHINA = ZoneInfo("Asia/Shanghai")


class CaseFiles(PlatformBase):
    """Every case the platform holds; each status step is published in the device's feed."""

    def _file_case(
        self, device_id: str, case_id: str, revision: int, body: dict[str, Any], case
    ) -> str:
        """Open a new case (status received, step 1) or take a new revision of one."""
        now = self._now_text()
        if case is None:
            case_no = self._next_case_no(device_id)
            self._conn.execute(
                "INSERT INTO platform_case (case_id, case_no, device_id, item_code, revision, status, step, "
                "updated_at) VALUES (?, ?, ?, ?, ?, 'received', 1, ?)",
                [case_id, case_no, device_id, body["item_code"], revision, now],
            )
            self._publish_status(case_id)
            return case_no
        self._conn.execute(
            "UPDATE platform_case SET revision = ?, item_code = ?, updated_at = ? WHERE case_id = ?",
            [revision, body["item_code"], now, case_id],
        )
        if case["status"] == "needs_correction":
            self._move_case(case_id, "received", "已补正，等待受理", None)
        return case["case_no"]

    def _next_case_no(self, device_id: str) -> str:
        region = device_id[:6] if device_id[:6].isdigit() else "510000"
        prefix = f"{region}-{self._clock.now().astimezone(_CHINA):%Y%m%d}-"
        last = self._conn.execute(
            "SELECT MAX(case_no) FROM platform_case WHERE case_no BETWEEN ? AND ?",
            [prefix + "000000", prefix + "999999"],
        ).fetchone()[0]
        return f"{prefix}{int(last[-6:]) + 1 if last else 1:06d}"

    def _case_row(self, case_id: str):
        return self._conn.execute(
            "SELECT * FROM platform_case WHERE case_id = ?", [case_id]
        ).fetchone()

    @locked
    def set_case_status(
        self,
        case_no: str,
        status: str,
        reason: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Move a case to ``status`` (a staff action); the same status again changes nothing.

        Returns the case as :meth:`case` does. Raises StaffError for an unknown case, a
        status not reachable from the current one, or a missing reason.
        """
        if status not in CASE_STATUSES:
            raise StaffError(f"status {status!r}: allowed: {', '.join(CASE_STATUSES)}")
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM platform_case WHERE case_no = ?", [case_no]
            ).fetchone()
            if row is None:
                raise StaffError(f"case {case_no}: no such case")
            if row["status"] != status:
                allowed = TRANSITIONS[row["status"]]
                if status not in allowed:
                    raise StaffError(
                        f"case {case_no} is {row['status']}; it can move to: {', '.join(allowed) or 'nothing (closed)'}"
                    )
                if status in NEEDS_REASON and not (reason or "").strip():
                    raise StaffError(f"status {status} needs a reason (--reason)")
                self._move_case(row["case_id"], status, reason, result)
        return self.case(case_no)

    def _move_case(
        self, case_id: str, status: str, reason: str | None, result: dict[str, Any] | None
    ) -> None:
        self._conn.execute(
            "UPDATE platform_case SET status = ?, step = step + 1, reason = ?, updated_at = ? WHERE case_id = ?",
            [status, reason, self._now_text(), case_id],
        )
        self._publish_status(case_id, result)

    def _publish_status(self, case_id: str, result: dict[str, Any] | None = None) -> None:
        row = self._case_row(case_id)
        data = {
            "case_id": case_id,
            "case_no": row["case_no"],
            "step": row["step"],
            "status": row["status"],
            "reason": row["reason"],
            "result": result,
            "at": row["updated_at"],
        }
        self._insert_change(
            row["device_id"], "case_status", "case_status", f"{case_id}#{row['step']}", data
        )

    @locked
    def case(self, case_no_or_id: str) -> dict[str, Any] | None:
        """A case: case_id, case_no, device_id, item_code, revision, status, step, reason, updated_at."""
        row = self._conn.execute(
            "SELECT * FROM platform_case WHERE case_no = ? OR case_id = ?",
            [case_no_or_id, case_no_or_id],
        ).fetchone()
        return dict(row) if row else None

    @locked
    def cases(self) -> list[dict[str, Any]]:
        """Every case, oldest first."""
        return [dict(r) for r in self._conn.execute("SELECT * FROM platform_case ORDER BY rowid")]

"""Alerts for staff and technicians: a villager asked for help (找工作人员), the printer
cannot print. Each is raised by the kiosk and stays raised until staff clear it.

They are rows of the store, so every reader sees them: ``bianmin status``, ``bianmin
doctor`` and ``bianmin alerts`` (which clears them), and later the hall's pages. Raising
an alert that is already raised only refreshes its time and detail; the printer's fault
clears itself once a print comes out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlite_utils import Migrations

from offline_sync.clock import Clock
from offline_sync.store import Store

HELP_WANTED = "help_wanted"
PRINTER_FAULT = "printer_fault"
KINDS = (HELP_WANTED, PRINTER_FAULT)

migrations = Migrations("kiosk.staff_alerts")


@migrations()
def create_staff_alert(db) -> None:
    db.execute(
        """
        CREATE TABLE staff_alert (
            kind TEXT PRIMARY KEY CHECK (kind IN ('help_wanted', 'printer_fault')),
            detail TEXT NOT NULL,
            raised_at TEXT NOT NULL
        )
        """
    )


@dataclass(frozen=True)
class StaffAlert:
    """A raised alert: what, a detail for staff (a screen name, the printer's state), when."""

    kind: str
    detail: str
    raised_at: str

    def describe(self) -> str:
        """One line for a technician: ``help_wanted since 2026-11-23T09:31:00+08:00 (form)``."""
        return f"{self.kind} since {self.raised_at} ({self.detail})"


def read_alerts(conn: sqlite3.Connection) -> list[StaffAlert]:
    """Every alert raised in the store behind ``conn``, oldest first (none in a store made
    before alerts existed)."""
    try:
        rows = conn.execute("SELECT kind, detail, raised_at FROM staff_alert ORDER BY raised_at")
    except sqlite3.OperationalError:
        return []
    return [StaffAlert(*row) for row in rows]


class StaffAlerts:
    """Raise, list and clear the alerts of this kiosk."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def raise_alert(self, kind: str, detail: str) -> StaffAlert:
        """Raise (or refresh) the alert ``kind``; ``detail`` names no person."""
        if kind not in KINDS:
            raise ValueError(f"unknown staff alert {kind!r}; one of {', '.join(KINDS)}")
        now = self.clock.now().isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO staff_alert (kind, detail, raised_at) VALUES (?, ?, ?)"
                " ON CONFLICT (kind) DO UPDATE SET detail = excluded.detail,"
                " raised_at = excluded.raised_at",
                (kind, detail, now),
            )
        return StaffAlert(kind, detail, now)

    def raised(self) -> list[StaffAlert]:
        """Every alert now raised, oldest first."""
        return read_alerts(self.store.conn)

    def clear(self, kind: str) -> bool:
        """Staff dealt with it; False when it was not raised."""
        with self.store.transaction() as conn:
            return conn.execute("DELETE FROM staff_alert WHERE kind = ?", (kind,)).rowcount > 0

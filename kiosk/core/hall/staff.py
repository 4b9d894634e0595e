"""Hall staff accounts: an id, a name (sealed at rest), a PIN kept only as an scrypt hash.

A wrong PIN counts against the account; ``[hall] pin_attempts`` wrong ones in a row lock
it for ``[hall] lockout_min`` minutes (the lock is checked before the PIN, so guessing
during a lock teaches nothing). Unknown ids, disabled accounts and wrong PINs get the
same answer.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.config import Hall
from kiosk.core.audit import AuditLog
from kiosk.core.hall.errors import LoginRefused, StaffInvalid, StaffLocked, UnknownStaff
from kiosk.core.pins import SCRYPT_N, hash_pin, is_pin, pin_matches
from offline_sync.clock import Clock
from offline_sync.store import Store
from offline_sync.vault import Vault

_STAFF_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@functools.cache
def _dummy_pin(n: int) -> dict[str, object]:
    """Checked when the id is unknown, so the answer takes as long as for a real account."""
    return hash_pin("0000", n)


@dataclass(frozen=True)
class Staff:
    """A member of hall staff."""

    staff_id: str
    name: str
    active: bool
    locked_until: datetime | None = None

    def as_json(self) -> dict[str, object]:
        """JSON form (``bianmin hall staff list --json``)."""
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "active": self.active,
            "locked_until": self.locked_until.isoformat(timespec="seconds")
            if self.locked_until
            else None,
        }


class StaffDirectory:
    """Staff accounts of this hall and their PIN checks."""

    def __init__(
        self,
        store: Store,
        vault: Vault,
        clock: Clock,
        settings: Hall,
        audit: AuditLog,
        scrypt_n: int = SCRYPT_N,
    ) -> None:
        self.store = store
        self.vault = vault
        self.clock = clock
        self.settings = settings
        self.audit = audit
        self.scrypt_n = scrypt_n

    @classmethod
    def for_services(cls, services: Any, scrypt_n: int = SCRYPT_N) -> StaffDirectory:
        """The staff accounts of a process's services (``kiosk.app.Services``)."""
        return cls(
            services.store,
            services.vault,
            services.clock,
            services.config.hall,
            services.audit,
            scrypt_n,
        )

    def add(self, staff_id: str, name: str, pin: str) -> Staff:
        """Create an account; :class:`StaffInvalid` for a bad id, name or PIN, or a taken id."""
        if not _STAFF_ID.match(staff_id or ""):
            raise StaffInvalid(
                f"staff id {staff_id!r}: use 1 to 32 letters, digits, - or _", field="staff_id"
            )
        name = " ".join((name or "").split())
        if not name or len(name) > 40:
            raise StaffInvalid("a name of 1 to 40 characters is needed", field="name")
        if not is_pin(pin):
            raise StaffInvalid("a PIN is 4 to 12 digits", field="pin")
        with self.store.transaction() as conn:
            taken = conn.execute(
                "SELECT 1 FROM hall_staff WHERE staff_id = ?", (staff_id,)
            ).fetchone()
            if taken:
                raise StaffInvalid(f"staff id {staff_id} is taken", field="staff_id")
            conn.execute(
                "INSERT INTO hall_staff (staff_id, name, pin, created_at) VALUES (?, ?, ?, ?)",
                (
                    staff_id,
                    self.vault.seal(name),
                    json.dumps(hash_pin(pin, self.scrypt_n)),
                    self.clock.now().isoformat(),
                ),
            )
            self.audit.record("shell", "hall_staff_added", {"staff_id": staff_id})
        return self.get(staff_id)

    def list(self) -> list[Staff]:
        """Every account, by id."""
        rows = self.store.conn.execute("SELECT * FROM hall_staff ORDER BY staff_id").fetchall()
        return [self._staff(r) for r in rows]

    def get(self, staff_id: str) -> Staff:
        """The account with this id; :class:`UnknownStaff` otherwise."""
        row = self.store.conn.execute(
            "SELECT * FROM hall_staff WHERE staff_id = ?", (staff_id,)
        ).fetchone()
        if row is None:
            raise UnknownStaff(f"no staff account {staff_id!r}", staff_id=staff_id)
        return self._staff(row)

    def set_active(self, staff_id: str, active: bool) -> Staff:
        """Disable (their counter sessions end) or enable an account; enabling clears a lock."""
        self.get(staff_id)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE hall_staff SET active = ?, failed_pins = 0, locked_until = NULL"
                " WHERE staff_id = ?",
                (int(active), staff_id),
            )
            if not active:
                conn.execute("DELETE FROM hall_session WHERE staff_id = ?", (staff_id,))
            action = "hall_staff_enabled" if active else "hall_staff_disabled"
            self.audit.record("shell", action, {"staff_id": staff_id})
        return self.get(staff_id)

    def verify(self, staff_id: str, pin: str) -> Staff:
        """The staff member if ``pin`` is theirs; :class:`LoginRefused` or :class:`StaffLocked`."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM hall_staff WHERE staff_id = ?", (staff_id or "",)
            ).fetchone()
            if row is None or not row["active"]:
                pin_matches(_dummy_pin(self.scrypt_n), pin or "")
                raise LoginRefused(f"staff {staff_id!r} unknown or disabled")
            if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
                raise self._locked(staff_id, datetime.fromisoformat(row["locked_until"]), now)
            if self._pin_ok(row, pin):
                conn.execute(
                    "UPDATE hall_staff SET failed_pins = 0, locked_until = NULL WHERE staff_id = ?",
                    (staff_id,),
                )
                self.audit.record(f"staff:{staff_id}", "hall_login")
                return self._staff(row)
            failed = row["failed_pins"] + 1
            locked = None
            if failed >= self.settings.pin_attempts:
                locked = now + timedelta(minutes=self.settings.lockout_min)
                failed = 0
            conn.execute(
                "UPDATE hall_staff SET failed_pins = ?, locked_until = ? WHERE staff_id = ?",
                (failed, locked.isoformat() if locked else None, staff_id),
            )
            action = "hall_locked_out" if locked else "hall_wrong_pin"
            self.audit.record(f"staff:{staff_id}", action)
        # Raised after the commit, so the count of wrong PINs is kept.
        if locked:
            raise self._locked(staff_id, locked, now)
        raise LoginRefused(
            f"wrong PIN for {staff_id}", attempts_left=self.settings.pin_attempts - failed
        )

    def _pin_ok(self, row: sqlite3.Row, pin: str) -> bool:
        try:
            return pin_matches(json.loads(row["pin"]), pin or "")
        except ValueError:
            return False

    @staticmethod
    def _locked(staff_id: str, until: datetime, now: datetime) -> StaffLocked:
        minutes = max(1, round((until - now).total_seconds() / 60 + 0.49))
        return StaffLocked(f"staff {staff_id} is locked until {until:%H:%M}", minutes=minutes)

    def _staff(self, row: sqlite3.Row) -> Staff:
        locked = row["locked_until"]
        return Staff(
            staff_id=row["staff_id"],
            name=self.vault.unseal(row["name"]),
            active=bool(row["active"]),
            locked_until=datetime.fromisoformat(locked) if locked else None,
        )

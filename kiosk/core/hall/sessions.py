"""Counter sessions: a staff member logged in at one counter, from one browser.

The browser holds a random token (in an HttpOnly cookie); the store keeps only its
SHA-256, so a copy of the store opens no session. Each session has its own CSRF token
that every state-changing request must echo. Sessions last ``[hall] session_hours``
and survive a restart of the hall server.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.config import Hall
from kiosk.core.hall.errors import SessionEnded
from kiosk.core.hall.staff import Staff, StaffDirectory
from offline_sync.clock import Clock
from offline_sync.store import Store


@dataclass(frozen=True)
class CounterSession:
    """Who works at which counter, and the CSRF token of their browser."""

    staff: Staff
    counter: str
    csrf: str
    expires_at: datetime

    @property
    def actor(self) -> str:
        """How the queue log names this member of staff."""
        return f"staff:{self.staff.staff_id}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CounterSessions:
    """Opens, finds and closes counter sessions."""

    def __init__(self, store: Store, staff: StaffDirectory, clock: Clock, settings: Hall) -> None:
        self.store = store
        self.staff = staff
        self.clock = clock
        self.settings = settings

    def open(self, staff: Staff, counter: str) -> tuple[str, CounterSession]:
        """A new session for ``staff`` at ``counter``: the browser's token and the session."""
        now = self.clock.now()
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = now + timedelta(hours=self.settings.session_hours)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM hall_session WHERE expires_at <= ?", (now.isoformat(),))
            conn.execute(
                "INSERT INTO hall_session (token_hash, staff_id, counter, csrf, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _digest(token),
                    staff.staff_id,
                    counter,
                    csrf,
                    now.isoformat(),
                    expires.isoformat(),
                ),
            )
        return token, CounterSession(staff, counter, csrf, expires)

    def find(self, token: str | None) -> CounterSession:
        """The live session of this token; :class:`SessionEnded` when there is none."""
        row = None
        if token:
            row = self.store.conn.execute(
                "SELECT s.*, st.active FROM hall_session s JOIN hall_staff st USING (staff_id)"
                " WHERE token_hash = ?",
                (_digest(token),),
            ).fetchone()
        if row is None or not row["active"]:
            raise SessionEnded("no such session")
        expires = datetime.fromisoformat(row["expires_at"])
        if expires <= self.clock.now():
            raise SessionEnded("the session expired")
        return CounterSession(self.staff.get(row["staff_id"]), row["counter"], row["csrf"], expires)

    def close(self, token: str | None) -> None:
        """End the session of this token (nothing if there is none)."""
        if token:
            with self.store.transaction() as conn:
                conn.execute("DELETE FROM hall_session WHERE token_hash = ?", (_digest(token),))

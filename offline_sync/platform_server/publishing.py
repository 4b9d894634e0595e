"""What else the platform publishes to every device: calendars, agent accounts, notices."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from offline_sync.platform_server.base import PlatformBase, StaffError, locked
from offline_sync.platform_server.calendars import statutory_calendars

SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class Publishing(PlatformBase):
    """Calendars by year, agent accounts by id and notices, each kept in the change feed."""

    @locked
    def publish_calendar(self, year: int, holidays: Iterable[str], workdays: Iterable[str]) -> bool:
        """Publish a year's statutory holidays and make-up work days; False if unchanged."""
        data = {"year": year, "holidays": sorted(holidays), "workdays": sorted(workdays)}
        with self._store.transaction():
            return self._insert_change(None, "calendar", "calendar", str(year), data)

    @locked
    def load_calendars(self) -> int:
        """Publish the shipped calendars (2026, 2027); how many changed."""
        with self._store.transaction():
            return sum(
                self.publish_calendar(c["year"], c["holidays"], c["workdays"])
                for c in statutory_calendars()
            )

    @locked
    def add_agent(
        self,
        agent_id: str,
        name: str,
        pin: str,
        villages: Iterable[str] = (),
        active: bool = True,
        scrypt_n: int = SCRYPT["n"],
    ) -> dict[str, Any]:
        """Create or replace an agent account; its PIN is kept only as an scrypt hash.

        ``scrypt_n`` is the cost (a power of 2) published with the hash; tests may lower it.
        """
        if not re.fullmatch(r"\d{4,12}", pin):
            raise StaffError("a PIN is 4 to 12 digits")
        salt = secrets.token_bytes(16)
        params = SCRYPT | {"n": scrypt_n}
        digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **params)
        data = {
            "agent_id": agent_id,
            "name": name,
            "active": active,
            "villages": list(villages),
            "pin": {
                "scheme": "scrypt",
                **params,
                "salt": base64.b64encode(salt).decode(),
                "hash": base64.b64encode(digest).decode(),
            },
        }
        with self._store.transaction():
            self._insert_change(None, "agent_account", "agent_account", agent_id, data)
        return data

    @locked
    def set_agent_active(self, agent_id: str, active: bool) -> None:
        """Activate or deactivate an agent account."""
        with self._store.transaction():
            row = self._conn.execute(
                "SELECT data FROM change WHERE grp = 'agent_account' AND key = ?", [agent_id]
            ).fetchone()
            if row is None:
                raise StaffError(f"agent {agent_id}: no such account")
            data = json.loads(row["data"]) | {"active": active}
            self._insert_change(None, "agent_account", "agent_account", agent_id, data)

    def _agent_known(self, agent_id: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM change WHERE grp = 'agent_account' AND key = ?", [agent_id]
            ).fetchone()
            is not None
        )

    @locked
    def add_notice(self, title: str, text: str, valid_from: str, valid_to: str) -> str:
        """Publish a notice to every device; its id."""
        for name, value in (("valid_from", valid_from), ("valid_to", valid_to)):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise StaffError(f"{name} {value!r}: expected an RFC 3339 time or a date") from None
        notice_id = str(uuid.uuid4())
        data = {
            "id": notice_id,
            "title": title,
            "text": text,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        with self._store.transaction():
            self._insert_change(None, "notice", "notice", notice_id, data)
        return notice_id

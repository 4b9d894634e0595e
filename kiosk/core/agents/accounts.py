"""Proxy agent accounts (代办专员) from the platform's feed, and offline PIN checks."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from kiosk.core.pins import pin_matches
from offline_sync.store import Store
from offline_sync.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentAccount:
    """An agent as the platform describes them (the PIN hash stays in the store)."""

    agent_id: str
    name: str
    active: bool
    villages: tuple[str, ...]


def apply_agent_account(conn: sqlite3.Connection, data: dict[str, Any], *, vault: Vault) -> None:
    """Change applier for ``agent_account``: store the account (name sealed), PIN hash as given."""
    agent_id, pin = data.get("agent_id"), data.get("pin")
    if not isinstance(agent_id, str) or not isinstance(pin, dict) or pin.get("scheme") != "scrypt":
        raise ValueError(f"agent_account change is malformed (agent {agent_id!r})")
    conn.execute(
        "INSERT INTO agent_account (agent_id, name, active, villages, pin) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, active = excluded.active,"
        " villages = excluded.villages, pin = excluded.pin",
        (
            agent_id,
            vault.seal(str(data.get("name") or "")),
            int(bool(data.get("active"))),
            json.dumps(list(data.get("villages") or []), ensure_ascii=False),
            json.dumps(pin, sort_keys=True),
        ),
    )


class AgentDirectory:
    """The agent accounts this device knows."""

    def __init__(self, store: Store, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    def _account(self, row: sqlite3.Row) -> AgentAccount:
        return AgentAccount(
            row["agent_id"],
            self.vault.unseal(row["name"]),
            bool(row["active"]),
            tuple(json.loads(row["villages"])),
        )

    def active(self) -> list[AgentAccount]:
        """Active agents, by name."""
        rows = self.store.conn.execute("SELECT * FROM agent_account WHERE active = 1")
        return sorted((self._account(r) for r in rows), key=lambda a: (a.name, a.agent_id))

    def get(self, agent_id: str) -> AgentAccount | None:
        """The account with this id, or None."""
        row = self.store.conn.execute(
            "SELECT * FROM agent_account WHERE agent_id = ?", (agent_id,)
        ).fetchone()
        return self._account(row) if row else None

    def verify_pin(self, agent_id: str, pin: str) -> bool:
        """True if ``pin`` is the active agent's PIN (scrypt with the platform's parameters)."""
        row = self.store.conn.execute(
            "SELECT pin, active FROM agent_account WHERE agent_id = ?", (agent_id,)
        ).fetchone()
        if row is None or not row["active"]:
            return False
        try:
            return pin_matches(json.loads(row["pin"]), pin)
        except ValueError as exc:
            log.warning("agent %s: %s", agent_id, exc)
            return False

"""Tables of agent mode: this tablet's lock-out state, the wrapped data keys, the villagers.

The accounts themselves (``agent_account``) come from the platform's feed and live with the
catalogue's tables. Nothing here holds personal data in clear: a villager is sealed under
their agent's key, and found by that key's lookup digest of the ID number.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.agents")


@migrations()
def create_agents(db) -> None:
    db.execute(
        """
        CREATE TABLE agent_device (
            agent_id TEXT PRIMARY KEY,
            failed_pins INTEGER NOT NULL DEFAULT 0,  -- wrong PINs in a row on this tablet
            locked_until TEXT,
            erased_pin TEXT,     -- PIN record at which the key wrap was erased (re-enrol online)
            last_login_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE agent_key (
            agent_id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL UNIQUE,
            pin_record TEXT NOT NULL,  -- fingerprint of the PIN record it was wrapped under
            salt BLOB NOT NULL,
            n INTEGER NOT NULL,
            r INTEGER NOT NULL,
            p INTEGER NOT NULL,
            wrap BLOB NOT NULL,        -- the data key, sealed under scrypt(PIN) and the device key
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE agent_villager (
            villager_id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,      -- the agent key the person is sealed under
            person_key TEXT NOT NULL,  -- that key's lookup digest of the ID number
            person BLOB NOT NULL,      -- sealed: name, ID, phone, address
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (key_id, person_key)
        )
        """
    )

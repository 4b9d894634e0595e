"""Logging in on a tablet: the PIN checked offline, lock-out, and the agent's data key.

The PIN is checked against the platform's scrypt hash (``agent_account``). Wrong PINs in a
row count on this tablet: every ``pin_attempts`` of them lock the account for
``lockout_min`` minutes (the lock is checked before the PIN, so guessing during it teaches
nothing); the ``erase_after``-th erases the agent's wrapped data key here, and the account
stays refused until the platform resets its PIN (re-enrolment, online). The first login on
a tablet makes the agent's data key; a PIN reset on the platform asks once for the old PIN
to open what the tablet already holds (or starts over, leaving that sealed).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.config import Agent as AgentSettings
from kiosk.core.agents.accounts import AgentAccount, AgentDirectory
from kiosk.core.agents.errors import (
    AccountInactive,
    AgentError,
    AgentLocked,
    KeyErased,
    KeyUnusable,
    NotLoggedIn,
    PinChanged,
    UnknownAgent,
    WrongPin,
)
from kiosk.core.agents.keys import (
    AgentVault,
    KeyRing,
    WrappedKey,
    pin_fingerprint,
    unwrap_key,
    wrap_key,
)
from kiosk.core.audit import AuditLog
from kiosk.core.cases import AgentRef
from kiosk.core.pins import pin_matches
from offline_sync.clock import Clock
from offline_sync.store import Store
from offline_sync.vault import VaultError

log = logging.getLogger(__name__)


@dataclass
class AgentSession:
    """An agent logged in on this tablet, with their data key open."""

    account: AgentAccount
    vault: AgentVault
    logged_in_at: datetime

    @property
    def agent_id(self) -> str:
        """The agent's id."""
        return self.account.agent_id

    @property
    def ref(self) -> AgentRef:
        """The agent as a case names them."""
        return AgentRef(self.account.agent_id, self.account.name)


@dataclass(frozen=True)
class LoginState:
    """What the login screen shows for an agent id before the PIN: a lock, or a warning."""

    locked_minutes: int = 0
    failed: int = 0
    erase_in: int | None = None  # wrong PINs left before the key is erased, when it is near
    erased: bool = False


class AgentLogin:
    """PIN checks, lock-out and the data keys of the agents of this tablet."""

    def __init__(
        self,
        store: Store,
        keyring: KeyRing,
        clock: Clock,
        settings: AgentSettings,
        audit: AuditLog,
        on_unlock: Callable[[], None] | None = None,
    ) -> None:
        """``on_unlock`` runs after a login (the sync worker's nudge: the agent's records,
        which waited while their key was locked, may leave now). Log-ins, wrong PINs,
        lock-outs and erased keys go to the ``audit`` log with the attempt."""
        self.store = store
        self.keyring = keyring
        self.clock = clock
        self.settings = settings
        self.audit = audit
        self.on_unlock = on_unlock
        self.directory = AgentDirectory(store, keyring)

    # -- logging in --------------------------------------------------------------------------

    def log_in(
        self, agent_id: str, pin: str, *, old_pin: str | None = None, start_over: bool = False
    ) -> AgentSession:
        """The agent's session, their data key unlocked in the key ring.

        Raises UnknownAgent, AccountInactive, AgentLocked, KeyErased, WrongPin (with
        ``attempts_left`` and, near the end, ``erase_in``), PinChanged (the platform reset the
        PIN: give ``old_pin``, or ``start_over``), KeyUnusable.
        """
        agent_id = (agent_id or "").strip()
        outcome: AgentSession | AgentError
        with self.store.transaction() as conn:
            outcome = self._attempt(conn, agent_id, pin or "", old_pin, start_over)
        # Raised after the commit, so the count of wrong PINs is kept.
        if isinstance(outcome, AgentError):
            raise outcome
        self.keyring.unlock(outcome.vault)
        log.info("agent %s logged in", agent_id)
        if self.on_unlock is not None:
            self.on_unlock()
        return outcome

    def _attempt(
        self,
        conn: sqlite3.Connection,
        agent_id: str,
        pin: str,
        old_pin: str | None,
        start_over: bool,
    ) -> AgentSession | AgentError:
        row = conn.execute("SELECT * FROM agent_account WHERE agent_id = ?", (agent_id,)).fetchone()
        if row is None:
            return UnknownAgent(f"no agent account {agent_id!r} on this tablet", agent_id=agent_id)
        if not row["active"]:
            self.audit.record(f"agent:{agent_id}", "agent_login_refused", {"reason": "inactive"})
            return AccountInactive(f"agent {agent_id} is inactive", agent_id=agent_id)
        now = self.clock.now()
        device = self._device_row(conn, agent_id)
        left = self._lock_left(conn, agent_id, device, now)
        if left:
            return AgentLocked(f"agent {agent_id} is locked", minutes=_minutes(left))
        spec = json.loads(row["pin"])
        record = pin_fingerprint(spec)
        if device["erased_pin"] == record:
            return KeyErased(f"agent {agent_id}: key erased; the PIN must be reset online")
        try:
            right = pin_matches(spec, pin)
        except ValueError as exc:
            log.warning("agent %s: %s", agent_id, exc)
            right = False
        if not right:
            return self._wrong(conn, agent_id, device["failed_pins"] + 1, record, now)
        vault = self._open_key(conn, agent_id, pin, record, old_pin, start_over)
        if isinstance(vault, AgentError):
            return vault
        conn.execute(
            "UPDATE agent_device SET failed_pins = 0, locked_until = NULL, last_login_at = ?"
            " WHERE agent_id = ?",
            (now.isoformat(), agent_id),
        )
        # The sync engine deferred this agent's records while their key was locked: due now.
        conn.execute(
            "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'"
            " AND substr(body, 1, ?) = ?",
            (len(vault.prefix), vault.prefix),
        )
        account = self.directory.get(agent_id)
        assert account is not None
        self.audit.record(f"agent:{agent_id}", "agent_login")
        return AgentSession(account, vault, now)

    def _device_row(self, conn: sqlite3.Connection, agent_id: str) -> sqlite3.Row:
        conn.execute("INSERT OR IGNORE INTO agent_device (agent_id) VALUES (?)", (agent_id,))
        return conn.execute("SELECT * FROM agent_device WHERE agent_id = ?", (agent_id,)).fetchone()

    def _lock_left(
        self, conn: sqlite3.Connection, agent_id: str, device: sqlite3.Row, now: datetime
    ) -> timedelta | None:
        if not device["locked_until"]:
            return None
        until = datetime.fromisoformat(device["locked_until"])
        lockout = timedelta(minutes=self.settings.lockout_min)
        if until - now > lockout:  # the clock was set back: the lock runs from now
            until = now + lockout
            conn.execute(
                "UPDATE agent_device SET locked_until = ? WHERE agent_id = ?",
                (until.isoformat(), agent_id),
            )
        return until - now if until > now else None

    def _wrong(
        self, conn: sqlite3.Connection, agent_id: str, failed: int, record: str, now: datetime
    ) -> AgentError:
        attempts, erase_after = self.settings.pin_attempts, self.settings.erase_after
        lockout = timedelta(minutes=self.settings.lockout_min)
        if failed >= erase_after:
            conn.execute("DELETE FROM agent_key WHERE agent_id = ?", (agent_id,))
            conn.execute(
                "UPDATE agent_device SET failed_pins = 0, locked_until = NULL, erased_pin = ?"
                " WHERE agent_id = ?",
                (record, agent_id),
            )
            log.warning("agent %s: %d wrong PINs; key erased on this tablet", agent_id, failed)
            self.audit.record(f"agent:{agent_id}", "agent_key_erased", {"wrong_pins": failed})
            return KeyErased(f"agent {agent_id}: {failed} wrong PINs, key erased")
        erase_in = erase_after - failed
        warn = erase_in if erase_in <= attempts else None
        if failed % attempts == 0:
            conn.execute(
                "UPDATE agent_device SET failed_pins = ?, locked_until = ? WHERE agent_id = ?",
                (failed, (now + lockout).isoformat(), agent_id),
            )
            log.warning("agent %s: %d wrong PINs; locked", agent_id, failed)
            self.audit.record(f"agent:{agent_id}", "agent_locked_out", {"wrong_pins": failed})
            return AgentLocked(
                f"agent {agent_id}: {failed} wrong PINs, locked",
                minutes=self.settings.lockout_min,
                erase_in=warn,
            )
        conn.execute(
            "UPDATE agent_device SET failed_pins = ? WHERE agent_id = ?", (failed, agent_id)
        )
        self.audit.record(f"agent:{agent_id}", "agent_wrong_pin", {"wrong_pins": failed})
        return WrongPin(
            f"wrong PIN for agent {agent_id}",
            attempts_left=attempts - failed % attempts,
            erase_in=warn,
        )

    def _open_key(
        self,
        conn: sqlite3.Connection,
        agent_id: str,
        pin: str,
        record: str,
        old_pin: str | None,
        start_over: bool,
    ) -> AgentVault | AgentError:
        row = conn.execute("SELECT * FROM agent_key WHERE agent_id = ?", (agent_id,)).fetchone()
        if row is not None and row["pin_record"] != record:
            if start_over:
                log.warning("agent %s starts over: the old key's data stays sealed", agent_id)
                row = None
            elif old_pin is None:
                return PinChanged(f"agent {agent_id}: PIN reset; the old PIN opens the old key")
            else:
                try:
                    vault = unwrap_key(self.keyring, agent_id, old_pin, _wrapped(row))
                except VaultError:
                    return PinChanged(f"agent {agent_id}: the old PIN is wrong", old_wrong=True)
                self._store_wrap(conn, agent_id, pin, vault, record)
                return vault
        if row is None:
            vault = AgentVault.fresh(self.keyring)
            self._store_wrap(conn, agent_id, pin, vault, record)
            return vault
        try:
            return unwrap_key(self.keyring, agent_id, pin, _wrapped(row))
        except VaultError as exc:
            log.error("agent %s: key wrap cannot be opened: %s", agent_id, exc)
            return KeyUnusable(f"agent {agent_id}: key wrap cannot be opened: {exc}")

    def _store_wrap(
        self, conn: sqlite3.Connection, agent_id: str, pin: str, vault: AgentVault, record: str
    ) -> None:
        wrapped = wrap_key(agent_id, pin, vault, self.settings.key_scrypt_n)
        conn.execute(
            "INSERT INTO agent_key (agent_id, key_id, pin_record, salt, n, r, p, wrap, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET"
            " key_id = excluded.key_id, pin_record = excluded.pin_record, salt = excluded.salt,"
            " n = excluded.n, r = excluded.r, p = excluded.p, wrap = excluded.wrap,"
            " created_at = excluded.created_at",
            (
                agent_id,
                wrapped.key_id,
                record,
                wrapped.salt,
                wrapped.n,
                wrapped.r,
                wrapped.p,
                wrapped.sealed,
                self.clock.now().isoformat(),
            ),
        )

    # -- while logged in ---------------------------------------------------------------------

    def log_out(self, session: AgentSession) -> None:
        """Close the agent's data key (logout, idle lock, suspend)."""
        self.keyring.lock(session.vault.ring_id)
        log.info("agent %s logged out", session.agent_id)

    def check(self, session: AgentSession) -> None:
        """NotLoggedIn or AccountInactive when the session may not go on (the platform
        deactivated the account, or the key was erased meanwhile)."""
        account = self.directory.get(session.agent_id)
        if account is None or not account.active:
            raise AccountInactive(
                f"agent {session.agent_id} is inactive", agent_id=session.agent_id
            )
        row = self.store.conn.execute(
            "SELECT key_id FROM agent_key WHERE agent_id = ?", (session.agent_id,)
        ).fetchone()
        if row is None or row["key_id"] != session.vault.key_hex:
            raise NotLoggedIn(f"agent {session.agent_id}: the key changed")

    def state(self, agent_id: str) -> LoginState:
        """The lock or warning to show before the PIN is typed."""
        account = self.store.conn.execute(
            "SELECT pin FROM agent_account WHERE agent_id = ?", (agent_id,)
        ).fetchone()
        row = self.store.conn.execute(
            "SELECT * FROM agent_device WHERE agent_id = ?", (agent_id,)
        ).fetchone()
        if account is None or row is None:
            return LoginState()
        if row["erased_pin"] == pin_fingerprint(json.loads(account["pin"])):
            return LoginState(erased=True)
        now = self.clock.now()
        until = datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None
        locked = _minutes(until - now) if until and until > now else 0
        erase_in = self.settings.erase_after - row["failed_pins"]
        return LoginState(
            locked_minutes=locked,
            failed=row["failed_pins"],
            erase_in=erase_in if erase_in <= self.settings.pin_attempts else None,
        )

    def enrolled(self) -> list[AgentAccount]:
        """The active agents who have a data key on this tablet, by name (the login list)."""
        ids = {r[0] for r in self.store.conn.execute("SELECT agent_id FROM agent_key")}
        return [a for a in self.directory.active() if a.agent_id in ids]


def _wrapped(row: sqlite3.Row) -> WrappedKey:
    return WrappedKey(row["key_id"], row["salt"], row["n"], row["r"], row["p"], row["wrap"])


def _minutes(left: timedelta) -> int:
    return max(1, -(-int(left.total_seconds()) // 60))

"""The audit log: who did what on this device, append-only, each entry chained to the one
before it by an SM3 hash, and delivered to the platform as ``audit_event`` records.

One call records an action, inside the transaction of the change it records when there is
one (``store.transaction()`` joins it), so the change and its entry commit together::

    services.audit.record("technician", "kiosk.technician_exit")
    services.audit.record(f"agent:{agent_id}", "agent.login", {"ok": False})

Actors are roles and ids, never names: ``technician``, ``shell:<user>`` (a command run on
the box), ``agent:<agent id>``, ``staff:<counter>``, ``kiosk`` (the program itself). The
detail is a small JSON object that holds no personal data unmasked.

:meth:`AuditLog.verify` walks the chain: an edited entry no longer matches its hash, a
removed one breaks the numbering and the next entry's link, removed last entries leave
SQLite's sequence and the outbox's copies behind. Triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import getpass
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Migrations

from offline_sync.audit_chain import GENESIS, KIND, MAX_DETAIL_BYTES, MAX_NAME, entry_hash
from offline_sync.clock import Clock
from offline_sync.contract import canonical_json
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.vault import VaultError

migrations = Migrations("kiosk.audit")

_APPEND_ONLY = "the audit log is append-only"


@migrations()
def create_audit_log(db) -> None:
    db.execute(
        """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log"
            f" BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


class AuditError(ValueError):
    """An entry cannot be recorded as given (an actor, action or detail out of bounds)."""


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log."""

    seq: int
    entry_id: str
    at: str
    actor: str
    action: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        """The hashed fields, as :func:`offline_sync.audit_chain.entry_hash` takes them."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "detail": self.detail,
        }

    def body(self) -> dict[str, Any]:
        """The ``audit_event`` record body."""
        return {**self.fields(), "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class Verdict:
    """What :meth:`AuditLog.verify` found: ``problems`` is empty when the log is intact."""

    entries: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no entry was found removed or changed."""
        return not self.problems


def shell_actor() -> str:
    """The actor of a command run on the box: ``shell:<login name>``."""
    try:
        return f"shell:{getpass.getuser()}"[:MAX_NAME]
    except (KeyError, OSError):  # no passwd entry for this uid
        return "shell:unknown"


class AuditLog:
    """Append to and check the device's audit log."""

    def __init__(self, store: Store, outbox: Outbox, clock: Clock) -> None:
        self.store = store
        self.outbox = outbox
        self.clock = clock

    def record(
        self, actor: str, action: str, detail: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """Append an entry and queue it for the platform, in the caller's transaction if any.

        AuditError if the actor or action is empty, longer than 64 characters or not one
        printable line, or the detail is not a JSON object of at most 2 KiB.
        """
        detail = dict(detail or {})
        for name, value in (("actor", actor), ("action", action)):
            if not value or len(value) > MAX_NAME or not value.isprintable():
                raise AuditError(f"audit {name} {value!r}: 1 to {MAX_NAME} printable characters")
        try:
            size = len(canonical_json(detail))
        except (TypeError, ValueError) as exc:
            raise AuditError(f"audit detail is not JSON: {exc}") from None
        if size > MAX_DETAIL_BYTES:
            raise AuditError(f"audit detail is {size} bytes; at most {MAX_DETAIL_BYTES}")
        at = self.clock.now().isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            last = conn.execute(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            counted = conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'"
            ).fetchone()
            seq = max(last[0] if last else 0, counted[0] if counted else 0) + 1
            fields = {"seq": seq, "at": at, "actor": actor, "action": action, "detail": detail}
            prev = last[1] if last else GENESIS
            entry = AuditEntry(
                seq, str(uuid.uuid4()), at, actor, action, detail, prev, entry_hash(prev, fields)
            )
            conn.execute(
                "INSERT INTO audit_log (seq, entry_id, at, actor, action, detail, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.seq,
                    entry.entry_id,
                    at,
                    actor,
                    action,
                    canonical_json(detail).decode(),
                    prev,
                    entry.hash,
                ),
            )
            self.outbox.add(KIND, entry.entry_id, 1, entry.body(), at)
        return entry

    def entries(self, since: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Entries after sequence number ``since``, oldest first."""
        rows = self.store.conn.execute(
            "SELECT seq, entry_id, at, actor, action, detail, prev_hash, hash FROM audit_log"
            " WHERE seq > ? ORDER BY seq LIMIT ?",
            (since, -1 if limit is None else limit),
        )
        return [_entry(row) for row in rows]

    def verify(self) -> Verdict:
        """Check the whole chain, the numbering, the append-only guard and the outbox copies."""
        conn = self.store.conn
        problems: list[str] = []
        expected_prev, expected_seq, count = GENESIS, 1, 0
        for row in conn.execute(
            "SELECT seq, entry_id, at, actor, action, detail, prev_hash, hash FROM audit_log"
            " ORDER BY seq"
        ):
            count += 1
            try:
                entry = _entry(row)
            except ValueError:
                problems.append(f"entry #{row[0]}: its detail is not JSON (it was changed)")
                expected_prev, expected_seq = row[7], row[0] + 1
                continue
            if entry.seq != expected_seq:
                gone = f"#{expected_seq}" + (
                    f" to #{entry.seq - 1}" if entry.seq - 1 > expected_seq else ""
                )
                problems.append(f"entries {gone} are missing (removed)")
            if entry.prev_hash != expected_prev:
                problems.append(f"entry #{entry.seq}: does not follow the entry before it")
            if entry_hash(entry.prev_hash, entry.fields()) != entry.hash:
                problems.append(
                    f"entry #{entry.seq}: its content does not match its hash (changed)"
                )
            expected_prev, expected_seq = entry.hash, entry.seq + 1
        counted = conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'"
        ).fetchone()
        if counted and counted[0] >= expected_seq:
            last = f"#{expected_seq}" + (f" to #{counted[0]}" if counted[0] > expected_seq else "")
            problems.append(f"entries {last} are missing (removed from the end)")
        problems += self._check_copies(conn)
        triggers = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            )
        }
        if triggers != {"audit_log_no_update", "audit_log_no_delete"}:
            problems.append("the append-only guard (triggers) of the audit log was removed")
        return Verdict(count, problems)

    def _check_copies(self, conn) -> list[str]:
        """Each entry queued for the platform must still be in the log, unchanged."""
        problems = []
        held = {row[0]: row[1] for row in conn.execute("SELECT entry_id, hash FROM audit_log")}
        copies = conn.execute(
            "SELECT seq, record_id FROM outbox WHERE kind = ? ORDER BY seq", (KIND,)
        )
        for outbox_seq, entry_id in copies.fetchall():
            try:
                body = self.outbox.body(outbox_seq)
            except VaultError:
                problems.append(f"outbox record #{outbox_seq}: the copy of an entry is unreadable")
                continue
            if entry_id not in held:
                problems.append(
                    f"entry #{body.get('seq')}: sent to the platform, gone from the log"
                )
            elif held[entry_id] != body.get("hash"):
                problems.append(f"entry #{body.get('seq')}: differs from the copy for the platform")
        return problems


def _entry(row) -> AuditEntry:
    return AuditEntry(
        seq=row[0],
        entry_id=row[1],
        at=row[2],
        actor=row[3],
        action=row[4],
        detail=json.loads(row[5]),
        prev_hash=row[6],
        hash=row[7],
    )

"""An agent's three lists, as field agents expect: 草稿 (drafts), 待发送 (submitted, waiting for
the link, or refused: dead letters) and 已发送 (delivered, with the platform's case number
and status). A case moves by what the outbox says of its latest revision; nothing leaves the
tablet before the platform has acknowledged it.

An agent's cases are those sealed under their key (the key id leads every sealed column),
so two agents sharing a tablet never see each other's.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.core.agents.keys import AgentVault
from kiosk.core.cases import CaseService
from offline_sync.vault import VaultError


class Worklist(StrEnum):
    """The list a case is on."""

    DRAFTS = "drafts"  # 草稿
    UNSENT = "unsent"  # 待发送 (and 发送失败: dead letters)
    SENT = "sent"  # 已发送


# What a dead letter's cause is, by the start of the outbox's error text; each key's sentence
# says in plain words what happened and what the agent can do (agent.po).
_DEAD_CAUSES = (
    ("invalid", "agent.dead.invalid"),
    ("conflict", "agent.dead.conflict"),
    ("attachment", "agent.dead.attachment"),
    ("local: the record is", "agent.dead.too_large"),
    ("local: the stored body", "agent.dead.unreadable"),
)


def dead_letter_key(last_error: str | None) -> str:
    """The message key explaining a dead letter from the outbox's error text."""
    text = (last_error or "").strip()
    for start, key in _DEAD_CAUSES:
        if text.startswith(start):
            return key
    return "agent.dead.other"


@dataclass(frozen=True, repr=False)
class CaseLine:
    """One case of an agent's lists (personal data unmasked: mask at the edge)."""

    case_id: str
    item_code: str
    item_name: str
    applicant_name: str
    id_number: str
    state: str  # draft | submitted
    revision: int
    status: str | None
    case_no: str | None
    created_at: str
    updated_at: str
    submitted_at: str | None
    promised_date: date | None
    delivery: str | None  # pending | dead | delivered (latest revision), None for a new draft
    reason: str | None  # the platform's reason when it asks for a correction
    problem: str | None  # a dead letter's message key
    detail: str | None  # a dead letter's cause, for the technician

    @property
    def worklist(self) -> Worklist:
        """The list this case is on."""
        if self.state == "draft":
            return Worklist.DRAFTS
        return Worklist.SENT if self.delivery == "delivered" else Worklist.UNSENT

    @property
    def needs_correction(self) -> bool:
        """True while the platform asks for a correction (补正)."""
        return self.status == "needs_correction"

    @property
    def is_correction(self) -> bool:
        """True for a draft that is the next revision of a submitted case."""
        return self.state == "draft" and self.revision > 0

    def __repr__(self) -> str:
        return f"CaseLine({self.case_id}, {self.worklist}, rev {self.revision})"


@dataclass(frozen=True)
class Backlog:
    """What waits to leave this tablet for one agent: records and bytes (bodies, files)."""

    records: int
    bytes: int


_LINES = """
SELECT c.*, o.state AS delivery, o.last_error, json_extract(o.result, '$.case_no') AS sent_no,
       (SELECT reason FROM case_status_event e WHERE e.case_id = c.case_id
        ORDER BY e.step DESC LIMIT 1) AS last_reason
FROM case_record c
LEFT JOIN outbox o ON o.seq = (SELECT max(seq) FROM outbox WHERE kind = 'case'
                               AND record_id = c.case_id)
WHERE c.channel = 'agent' AND substr(c.applicant, 1, :width) = :owner
"""


class Worklists:
    """The lists of the agent whose key ``vault`` is, read through their case service."""

    def __init__(self, cases: CaseService, vault: AgentVault) -> None:
        self.cases = cases
        self.vault = vault

    def _params(self) -> dict[str, Any]:
        return {"width": len(self.vault.prefix), "owner": self.vault.prefix}

    def lines(self, where: str = "", **params: Any) -> list[CaseLine]:
        """The agent's cases (optionally narrowed by an SQL condition on ``c``), newest first."""
        sql = (
            _LINES
            + (f" AND ({where})" if where else "")
            + " ORDER BY c.updated_at DESC, c.rowid DESC"
        )
        rows = self.cases.store.conn.execute(sql, self._params() | params).fetchall()
        return [self._line(r) for r in rows]

    def _line(self, row: sqlite3.Row) -> CaseLine:
        person = self.vault.unseal_json(row["applicant"])
        reason = None
        if row["status"] == "needs_correction" and row["last_reason"] is not None:
            try:
                reason = self.vault.unseal(row["last_reason"])
            except VaultError:
                reason = None
        dead = row["delivery"] == "dead"
        return CaseLine(
            case_id=row["case_id"],
            item_code=row["item_code"],
            item_name=row["item_name"],
            applicant_name=person.get("name", ""),
            id_number=person.get("id_number", ""),
            state=row["state"],
            revision=row["revision"],
            status=row["status"],
            case_no=row["case_no"] or row["sent_no"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            submitted_at=row["submitted_at"],
            promised_date=self.cases.promised_date(row["submitted_at"], row["promised_days"]),
            delivery=row["delivery"] if row["state"] == "submitted" else None,
            reason=reason,
            problem=dead_letter_key(row["last_error"]) if dead else None,
            detail=row["last_error"] if dead else None,
        )

    def drafts(self) -> list[CaseLine]:
        """草稿: drafts, corrections being prepared first."""
        lines = self.lines("c.state = 'draft'")
        return sorted(lines, key=lambda line: not line.is_correction)

    def unsent(self) -> list[CaseLine]:
        """待发送: submitted and not yet acknowledged; refused ones (dead letters) first."""
        lines = self.lines("c.state = 'submitted' AND o.state IN ('pending', 'dead')")
        return sorted(lines, key=lambda line: line.delivery != "dead")

    def sent(self) -> list[CaseLine]:
        """已发送: acknowledged by the platform; those asking for a correction first."""
        lines = self.lines("c.state = 'submitted' AND o.state = 'delivered'")
        return sorted(lines, key=lambda line: not line.needs_correction)

    def of_person(self, id_number: str) -> list[CaseLine]:
        """A villager's cases with this agent."""
        return self.lines(
            "c.applicant_key = :person", person=self.vault.lookup_key(id_number.strip().upper())
        )

    def line(self, case_id: str) -> CaseLine:
        """One case of this agent's (KeyError if it is not theirs)."""
        found = self.lines("c.case_id = :case_id", case_id=case_id)
        if not found:
            raise KeyError(case_id)
        return found[0]

    def counts(self) -> dict[Worklist, int]:
        """How many cases each list holds (the tabs and the 未发送 badge)."""
        counts = dict.fromkeys(Worklist, 0)
        rows = self.cases.store.conn.execute(
            "SELECT c.state, o.state FROM case_record c LEFT JOIN outbox o ON o.seq ="
            " (SELECT max(seq) FROM outbox WHERE kind = 'case' AND record_id = c.case_id)"
            " WHERE c.channel = 'agent' AND substr(c.applicant, 1, :width) = :owner",
            self._params(),
        )
        for state, delivery in rows:
            if state == "draft":
                counts[Worklist.DRAFTS] += 1
            else:
                counts[Worklist.SENT if delivery == "delivered" else Worklist.UNSENT] += 1
        return counts

    def backlog(self) -> Backlog:
        """Records and bytes of this agent's still to go (the sync progress bar's whole)."""
        conn = self.cases.store.conn
        owned = (
            "SELECT case_id FROM case_record WHERE channel = 'agent'"
            " AND substr(applicant, 1, :width) = :owner"
        )
        records, body_bytes = conn.execute(
            "SELECT count(*), coalesce(sum(body_size), 0) FROM outbox WHERE kind = 'case'"
            f" AND state = 'pending' AND record_id IN ({owned})",
            self._params(),
        ).fetchone()
        file_bytes = conn.execute(
            "SELECT coalesce(sum(size), 0) FROM outbox_attachment WHERE uploaded_at IS NULL"
            f" AND record_id IN ({owned})",
            self._params(),
        ).fetchone()[0]
        return Backlog(records, body_bytes + file_bytes)

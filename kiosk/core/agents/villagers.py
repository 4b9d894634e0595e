"""The people an agent serves (villagers), sealed under the agent's key.

Search by name, by pinyin initials (``zsf`` finds 张三丰), by full pinyin or by the last
digits of the ID number or phone. The pinyin of a name is never stored: the agent's own
list (a few hundred people) is unsealed into memory when first searched after login, and
indexed there; the store holds only sealed records and a keyed digest of each ID number.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devices.idcard.card import IdCard
from devices.idcard.idnumber import mask_id_number, mask_name
from kiosk.core.agents.keys import AgentVault
from kiosk.core.cases import Applicant, applicant_from_card
from kiosk.core.forms import validate_applicant
from offline_sync.clock import Clock
from offline_sync.store import Store

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, repr=False)
class Villager:
    """One person this agent has served (personal data unmasked: mask at the edge)."""

    villager_id: str
    name: str
    id_type: str
    id_number: str
    phone: str | None
    address: str | None
    from_card: bool
    added_at: str

    def applicant(self) -> dict[str, Any]:
        """The person as a case's applicant (contract section 3 keys)."""
        return {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
        }

    def as_applicant(self) -> Applicant:
        """The person as the application flow takes an applicant chosen by the agent."""
        return Applicant(
            id_number=self.id_number,
            name=self.name,
            address=self.address or "",
            id_type=self.id_type,
            phone=self.phone,
            from_card=self.from_card,
        )

    def __repr__(self) -> str:
        return f"Villager({mask_name(self.name)!r}, {mask_id_number(self.id_number)!r})"


@functools.lru_cache(maxsize=4096)
def _readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Every toneless reading of each character of ``name`` (姓 readings included)."""
    from pypinyin import Style, pinyin

    return tuple(tuple(dict.fromkeys(r)) for r in pinyin(name, style=Style.NORMAL, heteronym=True))


@dataclass(frozen=True)
class _Entry:
    villager: Villager
    name: str
    readings: tuple[tuple[str, ...], ...]
    spelled: str  # the first reading of every character, joined

    def rank(self, query: str) -> int | None:
        """How well ``query`` (normalised) matches: lower is better; None for no match."""
        if _CJK.search(query):
            if self.name == query:
                return 0
            return 1 if self.name.startswith(query) else (3 if query in self.name else None)
        if query.isdigit() or (query[:-1].isdigit() and query.endswith("x")):
            number = self.villager.id_number.lower()
            if len(query) >= 4 and (number.endswith(query) or query in (self.villager.phone or "")):
                return 2
            return 4 if len(query) >= 6 and query in number else None
        if query.isalpha():
            if self._initials_from(query, 0):
                return 2
            if self.spelled.startswith(query):
                return 2
            starts = range(1, len(self.readings))
            if any(self._initials_from(query, i) for i in starts) or query in self.spelled:
                return 5
        return None

    def _initials_from(self, query: str, start: int) -> bool:
        chars = self.readings[start : start + len(query)]
        if len(chars) < len(query):
            return False
        return all(any(r.startswith(q) for r in c) for q, c in zip(query, chars, strict=True))


def normalise_query(text: str) -> str:
    """Full-width to half-width, lower case, no white space or separators."""
    return re.sub(r"[\s·•.\-]+", "", unicodedata.normalize("NFKC", text or "").lower())


class VillagerBook:
    """The villagers of the agent whose key ``vault`` is."""

    def __init__(self, store: Store, vault: AgentVault, clock: Clock) -> None:
        self.store = store
        self.vault = vault
        self.clock = clock
        self._index: list[_Entry] | None = None

    # -- adding ------------------------------------------------------------------------------

    def add_from_card(self, card: IdCard, phone: str | None = None) -> Villager:
        """Add (or refresh) the person an ID card names; the card's details win."""
        return self._save(applicant_from_card(card, phone).record(), from_card=True)

    def add_keyed(
        self, id_number: str, name: str, phone: str | None = None, address: str | None = None
    ) -> Villager:
        """Add a person from a keyed ID number (check digit verified) and name; FormInvalid
        names every wrong field."""
        record = {"id_number": (id_number or "").strip().upper(), "name": name}
        record |= {"phone": phone, "address": address}
        return self._save(record, from_card=False)

    def update(self, villager_id: str, **changes: Any) -> Villager:
        """Change a villager's phone or address (FormInvalid for a wrong value)."""
        current = self.get(villager_id)
        record = current.applicant() | {
            k: v for k, v in changes.items() if k in ("phone", "address")
        }
        return self._save(record, from_card=current.from_card)

    def _save(self, record: Mapping[str, Any], *, from_card: bool) -> Villager:
        person = validate_applicant(record)
        person_key = self.vault.lookup_key(person["id_number"])
        now = self.clock.now().isoformat(timespec="seconds")
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT villager_id, person FROM agent_villager WHERE key_id = ? AND person_key = ?",
                (self.vault.key_hex, person_key),
            ).fetchone()
            if row is None:
                villager_id, added = str(uuid.uuid4()), now
                stored = {**person, "from_card": from_card, "added_at": added}
            else:
                villager_id = row["villager_id"]
                old = self.vault.unseal_json(row["person"])
                # A keyed entry never overwrites what a card said; a phone given is kept.
                base = old if old.get("from_card") and not from_card else person
                stored = {
                    **base,
                    "phone": person["phone"] or old.get("phone"),
                    "address": base.get("address") or old.get("address"),
                    "from_card": from_card or bool(old.get("from_card")),
                    "added_at": old.get("added_at", now),
                }
            conn.execute(
                "INSERT INTO agent_villager (villager_id, key_id, person_key, person, added_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (villager_id) DO UPDATE SET"
                " person = excluded.person, updated_at = excluded.updated_at",
                (
                    villager_id,
                    self.vault.key_hex,
                    person_key,
                    self.vault.seal_json(stored),
                    stored["added_at"],
                    now,
                ),
            )
        self._index = None
        return _villager(villager_id, stored)

    # -- reading -----------------------------------------------------------------------------

    def get(self, villager_id: str) -> Villager:
        """The villager with this id (KeyError if not this agent's)."""
        row = self.store.conn.execute(
            "SELECT villager_id, person FROM agent_villager WHERE villager_id = ? AND key_id = ?",
            (villager_id, self.vault.key_hex),
        ).fetchone()
        if row is None:
            raise KeyError(villager_id)
        return _villager(row["villager_id"], self.vault.unseal_json(row["person"]))

    def find(self, id_number: str) -> Villager | None:
        """The villager with this ID number, if this agent has them."""
        row = self.store.conn.execute(
            "SELECT villager_id, person FROM agent_villager WHERE key_id = ? AND person_key = ?",
            (self.vault.key_hex, self.vault.lookup_key(id_number.strip().upper())),
        ).fetchone()
        return _villager(row["villager_id"], self.vault.unseal_json(row["person"])) if row else None

    def all(self) -> list[Villager]:
        """Every villager of this agent, in pinyin order of their names."""
        return [e.villager for e in self._entries()]

    def count(self) -> int:
        """How many villagers this agent has."""
        return self.store.conn.execute(
            "SELECT count(*) FROM agent_villager WHERE key_id = ?", (self.vault.key_hex,)
        ).fetchone()[0]

    def search(self, text: str, limit: int = 50) -> list[Villager]:
        """Villagers matching ``text``: name, pinyin initials or spelling, ID or phone digits;
        best matches first. An empty text gives everyone."""
        query = normalise_query(text)
        entries = self._entries()
        if not query:
            return [e.villager for e in entries[:limit]]
        ranked = [
            (rank, i, e) for i, e in enumerate(entries) if (rank := e.rank(query)) is not None
        ]
        ranked.sort(key=lambda t: (t[0], t[1]))
        return [e.villager for _, _, e in ranked[:limit]]

    def _entries(self) -> list[_Entry]:
        if self._index is None:
            rows = self.store.conn.execute(
                "SELECT villager_id, person FROM agent_villager WHERE key_id = ?",
                (self.vault.key_hex,),
            ).fetchall()
            entries = []
            for row in rows:
                villager = _villager(row["villager_id"], self.vault.unseal_json(row["person"]))
                name = normalise_query(villager.name)
                readings = _readings(name)
                spelled = "".join(r[0] for r in readings if r)
                entries.append(_Entry(villager, name, readings, spelled))
            entries.sort(key=lambda e: (e.spelled, e.name))
            self._index = entries
        return self._index


def _villager(villager_id: str, stored: Mapping[str, Any]) -> Villager:
    return Villager(
        villager_id=villager_id,
        name=stored["name"],
        id_type=stored.get("id_type", "resident_id"),
        id_number=stored["id_number"],
        phone=stored.get("phone"),
        address=stored.get("address"),
        from_card=bool(stored.get("from_card")),
        added_at=stored.get("added_at", ""),
    )

"""Notices (通知公告) from the platform's feed, for the home screen."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from offline_sync.clock import Clock
from offline_sync.store import Store

log = logging.getLogger(__name__)
_CHINA = ZoneInfo("Asia/Shanghai")  # a date without an offset is Beijing time


@dataclass(frozen=True)
class Notice:
    """One notice."""

    id: str
    title: str
    text: str
    valid_from: str
    valid_to: str | None


def apply_notice(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Change applier for ``notice``: store (or replace) the notice."""
    if not all(isinstance(data.get(k), str) for k in ("id", "title", "text", "valid_from")):
        raise ValueError(f"notice change is malformed (id {data.get('id')!r})")
    conn.execute(
        "INSERT OR REPLACE INTO notice (id, title, text, valid_from, valid_to) VALUES (?, ?, ?, ?, ?)",
        (data["id"], data["title"], data["text"], data["valid_from"], data.get("valid_to")),
    )


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=_CHINA)


class Notices:
    """Notices valid now, newest first."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def current(self) -> list[Notice]:
        """The notices whose validity includes now."""
        now = self.clock.now()
        notices = []
        for row in self.store.conn.execute(
            "SELECT id, title, text, valid_from, valid_to FROM notice"
        ):
            notice = Notice(*row)
            try:
                if _instant(notice.valid_from) > now:
                    continue
                if notice.valid_to and _instant(notice.valid_to) <= now:
                    continue
            except ValueError:
                log.warning("notice %s has an unreadable validity period", notice.id)
                continue
            notices.append(notice)
        return sorted(notices, key=lambda n: _instant(n.valid_from), reverse=True)

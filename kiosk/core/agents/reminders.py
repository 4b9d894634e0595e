"""Reminders for an agent: cases near or past their promised date, corrections waiting, and
drafts left untouched for days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kiosk.config import Agent as AgentSettings
from kiosk.core.agents.worklists import CaseLine
from kiosk.core.calendar import WorkCalendar

FINISHED = ("completed", "rejected", "withdrawn")


class ReminderKind(StrEnum):
    """Why a case is on the reminders list (most urgent first)."""

    CORRECTION = "correction"  # the platform asks for a correction (补正)
    OVERDUE = "overdue"  # past its promised date, not finished
    DUE_SOON = "due_soon"  # within ``due_soon_days`` working days of it
    STALE_DRAFT = "stale_draft"  # a draft untouched for ``stale_draft_days`` days


_ORDER = list(ReminderKind)


@dataclass(frozen=True)
class Reminder:
    """One reminder: its kind, the case, and ``days`` (working days left, days overdue, or
    days a draft has waited)."""

    kind: ReminderKind
    line: CaseLine
    days: int


def reminders(
    lines: Iterable[CaseLine], today: date, calendar: WorkCalendar, settings: AgentSettings
) -> list[Reminder]:
    """The reminders for an agent's cases on ``today``, most urgent first."""
    found: list[Reminder] = []
    for line in lines:
        if line.needs_correction:
            found.append(Reminder(ReminderKind.CORRECTION, line, 0))
        elif line.state == "submitted" and line.promised_date and line.status not in FINISHED:
            if line.promised_date < today:
                overdue = calendar.workdays_between(line.promised_date, today)
                found.append(Reminder(ReminderKind.OVERDUE, line, overdue))
            else:
                left = calendar.workdays_between(today, line.promised_date)
                if left <= settings.due_soon_days:
                    found.append(Reminder(ReminderKind.DUE_SOON, line, left))
        elif line.state == "draft" and not line.is_correction:
            waited = (today - datetime.fromisoformat(line.updated_at).date()).days
            if waited >= settings.stale_draft_days:
                found.append(Reminder(ReminderKind.STALE_DRAFT, line, waited))
    return sorted(
        found,
        key=lambda r: (_ORDER.index(r.kind), -r.days if r.kind is ReminderKind.OVERDUE else r.days),
    )

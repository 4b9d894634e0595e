"""Working days (工作日): weekends off, except the statutory holidays and make-up workdays (调休)
that the platform's ``calendar`` changes list for each year."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from offline_sync.store import Store


class CalendarError(ValueError):
    """A calendar change is malformed."""


def _days(data: dict[str, Any], key: str) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list):
        raise CalendarError(f"calendar {data.get('year')}: {key} must be a list of dates")
    try:
        return [date.fromisoformat(v).isoformat() for v in values]
    except (TypeError, ValueError):
        raise CalendarError(
            f"calendar {data.get('year')}: {key} holds a value that is not YYYY-MM-DD"
        ) from None


def apply_calendar(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Change applier for ``calendar``: the year's holidays and make-up workdays replace the old
    (CalendarError for a malformed change, which the sync engine keeps for staff)."""
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise CalendarError(f"calendar change without a year: {sorted(data)}")
    holidays, workdays = _days(data, "holidays"), _days(data, "workdays")
    conn.execute("DELETE FROM calendar_day WHERE year = ?", (year,))
    conn.executemany(
        "INSERT OR REPLACE INTO calendar_day (day, year, kind) VALUES (?, ?, ?)",
        [(d, year, "holiday") for d in holidays] + [(d, year, "workday") for d in workdays],
    )
    conn.execute("INSERT OR IGNORE INTO calendar_year (year) VALUES (?)", (year,))


class WorkCalendar:
    """Working-day arithmetic over the stored calendars."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _overrides(self, first: date, last: date) -> dict[date, bool]:
        rows = self.store.conn.execute(
            "SELECT day, kind FROM calendar_day WHERE day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        return {date.fromisoformat(r[0]): r[1] == "workday" for r in rows}

    def is_workday(self, day: date) -> bool:
        """True if ``day`` is a working day."""
        return self._overrides(day, day).get(day, day.weekday() < 5)

    def known(self, year: int) -> bool:
        """True if the platform has sent the calendar of ``year`` (else weekends alone count)."""
        row = self.store.conn.execute("SELECT 1 FROM calendar_year WHERE year = ?", (year,))
        return row.fetchone() is not None

    def add_workdays(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted);
        ``start`` itself for 0."""
        if days < 0:
            raise ValueError("days must not be negative")
        # Holidays are at most ~9 days in a row; a generous window is read in one query.
        horizon = start + timedelta(days=days * 2 + 40)
        overrides = self._overrides(start, horizon)
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if day > horizon:
                horizon = day + timedelta(days=days * 2 + 40)
                overrides.update(self._overrides(day, horizon))
            if overrides.get(day, day.weekday() < 5):
                left -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end``."""
        overrides = self._overrides(start, end)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += overrides.get(day, day.weekday() < 5)
        return count

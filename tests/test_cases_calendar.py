"""Promised dates counted in working days across 国庆 and 春节 with make-up days (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.core.appliers import appliers
from kiosk.core.calendar import CalendarError
from tests.cases_fixtures import CALENDAR_2025, kit  # noqa: F401


@pytest.fixture
def calendar(kit):  # noqa: F811
    with kit.store.transaction() as conn:
        appliers(kit.vault)["calendar"](conn, CALENDAR_2025)
    return kit.calendar


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # 国庆中秋 2025: 1-8 Oct off, Sunday 28 Sep and Saturday 11 Oct are working days.
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 5, "2025-10-14"),
        ("2025-10-03", 1, "2025-10-09"),
        # 春节 2025: 28 Jan - 4 Feb off, Sunday 26 Jan and Saturday 8 Feb are working days.
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-24", 3, "2025-02-05"),
        ("2025-01-27", 4, "2025-02-08"),
        ("2025-01-27", 5, "2025-02-10"),
        # New Year's Day across the year boundary, and zero days.
        ("2024-12-31", 1, "2025-01-02"),
        ("2025-03-03", 0, "2025-03-03"),
        ("2025-03-07", 19, "2025-04-03"),
        ("2025-03-07", 20, "2025-04-07"),  # 清明 4 Apr
    ],
)
def test_add_workdays(calendar, start, days, expected):
    assert calendar.add_workdays(date.fromisoformat(start), days) == date.fromisoformat(expected)


def test_workday_rules(calendar):
    assert calendar.is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert not calendar.is_workday(date(2025, 10, 6))  # Monday, holiday
    assert not calendar.is_workday(date(2025, 3, 8))  # plain Saturday
    assert calendar.known(2025) and not calendar.known(2026)
    assert calendar.workdays_between(date(2025, 9, 30), date(2025, 10, 14)) == 5


def test_without_a_calendar_only_weekends_are_off(kit):  # noqa: F811
    assert kit.calendar.add_workdays(date(2025, 9, 30), 5) == date(2025, 10, 7)


def test_a_new_calendar_for_a_year_replaces_the_old_one(calendar, kit):  # noqa: F811
    with kit.store.transaction() as conn:
        appliers(kit.vault)["calendar"](
            conn, {"year": 2025, "holidays": ["2025-03-03"], "workdays": []}
        )
    assert calendar.is_workday(date(2025, 10, 6)) and not calendar.is_workday(date(2025, 3, 3))
    with pytest.raises(CalendarError), kit.store.transaction() as conn:
        appliers(kit.vault)["calendar"](conn, {"year": 2025, "holidays": ["not a date"]})
    assert not calendar.is_workday(date(2025, 3, 3))  # the refused change changed nothing

"""Queue rules as villagers and counter staff meet them."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.idcard.idnumber import check_character
from kiosk.app import build_app
from kiosk.core.messages import Messages
from kiosk.core.queue import (
    BadTransition,
    InvalidIdNumber,
    NobodyWaiting,
    NotEligible,
    QueueClosed,
    SlotPassed,
    UnknownAppointment,
    UnknownService,
    UnknownTicket,
)
from kiosk.core.queue.issuing import issuing_state
from tests.clocks import ManualClock


def id_number(born: str, seq: str = "001") -> str:
    first17 = "511502" + born + seq
    return first17 + check_character(first17)


def events(app) -> list[tuple[str, str]]:
    rows = app.store.conn.execute("SELECT seq FROM outbox WHERE kind = 'ticket_event' ORDER BY seq")
    return [(b["ticket_no"], b["event"]) for b in (app.outbox.body(r[0]) for r in rows)]


def test_numbers_count_per_prefix_and_restart_after_local_midnight(app, clock):
    clock.set(datetime(2026, 11, 23, 15, 58, tzinfo=UTC))  # 23:58 in Sichuan
    assert [app.queue.take("social").ticket_no for _ in range(2)] == ["A001", "A002"]
    assert app.queue.take("civil").ticket_no == "B001"
    clock.advance(minutes=3)  # 00:01 next day local, still 23 Nov in UTC
    assert app.queue.take("social").ticket_no == "A001"
    assert app.queue.take("social").issued_at.date().isoformat() == "2026-11-24"


def test_clock_moved_back_never_repeats_a_number(app, clock):
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    first = [app.queue.take("social").ticket_no for _ in range(3)]
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # operator moves the clock back an hour
    assert app.queue.take("social").ticket_no == "A004"
    assert first == ["A001", "A002", "A003"]


def test_green_channel_is_called_first_and_keeps_its_number(app, clock):
    app.queue.take("social")
    clock.advance(minutes=1)
    elderly = app.queue.take("social", id_number=id_number("19500101"))
    clock.advance(minutes=1)
    pregnant = app.queue.take("social", "pregnancy")
    assert elderly.priority == "age" and elderly.display_no == "A002"
    assert elderly.ahead == 0 and pregnant.ahead == 1
    called = [app.queue.call("1号窗口").display_no for _ in range(3)]
    assert called == ["A002", "A003", "A001"]


def test_age_priority_needs_65_years_on_the_day(app, clock):
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    assert app.queue.take("social", id_number=id_number("19611123")).priority == "age"  # 65 today
    assert app.queue.take("social", id_number=id_number("19611124")).priority is None  # 65 tomorrow
    with pytest.raises(NotEligible):
        app.queue.take("social", "age", id_number=id_number("19900101"))
    with pytest.raises(NotEligible):
        app.queue.take("social", "age")
    with pytest.raises(InvalidIdNumber):
        valid = id_number("19500101")
        app.queue.take("social", id_number=valid[:17] + ("0" if valid[17] != "0" else "1"))


def test_appointment_keeps_its_slot_ahead_of_later_walk_ins(app, clock):
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 09:00 local
    code = app.queue.book("social", datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    early = app.queue.take("social")  # came 09:00, before the slot
    clock.advance(minutes=40)  # 09:40: walk-in after the slot
    late = app.queue.take("social")
    clock.advance(minutes=1)
    booked = app.queue.take("social", appointment_code=code)  # checked in 09:41, within grace
    assert booked.ahead == 1
    assert [app.queue.call("1号窗口").ticket_no for _ in range(3)] == [
        early.ticket_no,
        booked.ticket_no,
        late.ticket_no,
    ]
    with pytest.raises(UnknownAppointment):
        app.queue.take("social", appointment_code=code)  # used once


def test_appointment_checked_in_too_late_queues_as_a_walk_in(app, clock):
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    code = app.queue.book("social", datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    clock.advance(minutes=5)
    walk_in = app.queue.take("social")
    clock.advance(minutes=30)  # 35 min late, grace is 15
    booked = app.queue.take("social", appointment_code=code)
    assert booked.ahead == 1 and walk_in.ahead == 0


def test_ticket_life_and_its_outbox_events(app, clock):
    ticket = app.queue.take("social")
    app.queue.call("2号窗口")
    app.queue.recall(ticket.ticket_no)
    clock.advance(minutes=1)
    app.queue.serve(ticket.ticket_no)
    clock.advance(minutes=6)
    assert app.queue.done(ticket.ticket_no).state == "served"
    with pytest.raises(BadTransition):
        app.queue.serve(ticket.ticket_no)
    assert events(app) == [
        ("A001", "issued"),
        ("A001", "called"),
        ("A001", "called"),
        ("A001", "serving"),
        ("A001", "served"),
    ]
    body = app.outbox.body(1)
    assert set(body) == {
        "ticket_id",
        "ticket_no",
        "service_code",
        "event",
        "at",
        "counter",
        "priority",
        "channel",  # an extension: kiosk or phone (docs/platform-api.md)
    }
    assert body["at"].endswith("+08:00") and body["priority"] is False
    assert body["channel"] == "kiosk"


def test_no_show_cancel_and_transfer_keeping_the_place(app, clock):
    first = app.queue.take("civil")
    clock.advance(minutes=1)
    other = app.queue.take("hukou")
    clock.advance(minutes=1)
    app.queue.take("civil")
    app.queue.call("3号窗口", "civil")
    assert app.queue.no_show(first.ticket_no).state == "no_show"
    moved = app.queue.transfer("B002", "hukou")
    assert moved.service_code == "hukou" and moved.state == "waiting"
    assert moved.ahead == 1  # behind C001, issued earlier
    assert app.queue.call("4号窗口").ticket_no == other.ticket_no
    assert app.queue.call("4号窗口").ticket_no == "B002"
    with pytest.raises(NobodyWaiting):
        app.queue.call("4号窗口")
    assert [e for _, e in events(app)].count("transferred") == 1


def test_estimated_wait_uses_recent_service_time_and_open_counters(app, clock):
    # Nothing measured yet: the configured 4 minutes, two counters configured.
    for _ in range(4):
        app.queue.take("social")
    assert app.queue.take("social").estimated_wait_min == 8  # 4 ahead * 4 min / 2 counters
    # Counter 1 serves two people in 10 minutes each; counter 2 never opens.
    for _ in range(2):
        t = app.queue.call("1号窗口")
        app.queue.serve(t.ticket_no)
        clock.advance(minutes=10)
        app.queue.done(t.ticket_no)
    assert app.queue.take("social").estimated_wait_min == 30  # 3 ahead * 10 min / 1 open counter


def test_daily_statistics(app, clock):
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    tickets = [app.queue.take("social") for _ in range(4)]
    for minutes, t in zip((2, 4, 6, 8), tickets, strict=True):
        clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC) + timedelta(minutes=minutes * 10))
        app.queue.call("1号窗口")
        if t.ticket_no == "A004":
            app.queue.no_show(t.ticket_no)
            continue
        app.queue.serve(t.ticket_no)
        clock.advance(minutes=5)
        app.queue.done(t.ticket_no)
    stats = {s.service_code: s for s in app.queue.stats()}["social"]
    assert (stats.tickets, stats.served, stats.no_show) == (4, 3, 1)
    assert stats.mean_wait_min == pytest.approx(50.0)
    assert stats.p90_wait_min == pytest.approx(80.0)
    assert stats.mean_service_min == pytest.approx(5.0)
    assert stats.no_show_rate == pytest.approx(0.25)


def test_closed_outside_opening_hours_and_unknown_service(tmp_path):
    from kiosk.config import load_config
    from tests.conftest import write_site

    path = write_site(tmp_path)
    path.write_text(
        path.read_text().replace('close = "24:00"', 'close = "17:30"').replace("00:00", "08:30")
    )
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # 18:00 local
    app = build_app(load_config(path), clock)
    try:
        with pytest.raises(QueueClosed) as closed:
            app.queue.take("social")
        # the 取号 screen tells the villager when to come back
        said = Messages(strict=True).get(closed.value.key, **closed.value.params)
        assert said == "办公时间是 08:30 到 17:30，请在办公时间再来取号。"
        clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 09:00 local
        assert app.queue.take("social").ticket_no == "A001"
        with pytest.raises(UnknownService):
            app.queue.take("passport")
    finally:
        app.close()


def test_the_file_itself_refuses_a_repeated_number(app):
    app.queue.take("social")
    with pytest.raises(sqlite3.IntegrityError), app.store.transaction() as conn:
        conn.execute(
            "INSERT INTO ticket (ticket_id, day, prefix, number, ticket_no, service_code, order_at,"
            " state, issued_at) SELECT 'x', day, prefix, number, ticket_no, service_code, order_at,"
            " state, issued_at FROM ticket"
        )


actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("take"),
            st.sampled_from(["social", "civil"]),
            st.sampled_from([None, "disability"]),
        ),
        st.tuples(st.just("call"), st.sampled_from(["1号窗口", "3号窗口"]), st.none()),
        st.tuples(st.just("wait"), st.integers(1, 300), st.none()),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=actions)
def test_numbering_and_call_order_hold_for_any_session(tmp_path_factory, script):
    from kiosk.config import load_config
    from tests.conftest import write_site

    clock = ManualClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # 23:00 local: crosses midnight
    app = build_app(load_config(write_site(tmp_path_factory.mktemp("q"))), clock)
    issued: dict[tuple[str, str], list[int]] = {}
    waiting: list[tuple[bool, datetime, str, str]] = []  # (not priority, issued_at, service, no)
    try:
        for action, arg, extra in script:
            if action == "wait":
                clock.advance(seconds=arg * 10)
            elif action == "take":
                t = app.queue.take(arg, extra)
                day = t.issued_at.date().isoformat()
                issued.setdefault((t.ticket_no[0], day), []).append(int(t.ticket_no[1:]))
                waiting.append((t.priority is None, t.issued_at, arg, t.ticket_no))
            else:
                service = "social" if arg == "1号窗口" else "civil"
                today = app.queue.local_day().isoformat()
                mine = sorted(
                    w for w in waiting if w[2] == service and w[1].date().isoformat() == today
                )
                try:
                    called = app.queue.call(arg)
                except NobodyWaiting:
                    assert not mine
                    continue
                assert called.ticket_no == mine[0][3]
                waiting.remove(mine[0])
        for numbers in issued.values():
            assert numbers == list(range(1, len(numbers) + 1))
    finally:
        app.close()


def _app_with(tmp_path, extra: str, clock: ManualClock, hours: tuple[str, str, str] | None = None):
    """Services on the test site plus ``extra`` TOML, with (open, close, days) when given."""
    from kiosk.config import load_config
    from tests.conftest import write_site

    path = write_site(tmp_path, extra)
    if hours:
        text = path.read_text(encoding="utf-8")
        for old, new in zip(('"00:00"', '"24:00"', "[1, 2, 3, 4, 5, 6, 7]"), hours, strict=True):
            text = text.replace(old, new if new.startswith("[") else f'"{new}"', 1)
        path.write_text(text, encoding="utf-8")
    return build_app(load_config(path), clock)


def test_no_numbers_on_a_day_the_hall_is_closed(tmp_path):
    # 08:30 to 17:30, Monday to Friday: a Saturday or Sunday morning is closed.
    clock = ManualClock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))  # Saturday 10:00 local
    app = _app_with(tmp_path, "", clock, hours=("08:30", "17:30", "[1, 2, 3, 4, 5]"))
    try:
        assert not app.queue.is_open()
        closed = issuing_state(app.queue)  # the 取号 screen says so before anyone taps
        assert closed.paused_key == "queue.closed" and not closed.can_take("social")
        with pytest.raises(QueueClosed):
            app.queue.take("social")
        clock.set(datetime(2026, 11, 29, 2, 0, tzinfo=UTC))  # Sunday 10:00
        with pytest.raises(QueueClosed):
            app.queue.take("social")
        clock.set(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # Monday 10:00
        assert app.queue.is_open() and app.queue.take("social").ticket_no == "A001"
        clock.set(datetime(2026, 11, 30, 0, 29, tzinfo=UTC))  # Monday 08:29
        assert not app.queue.is_open()
        clock.set(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # Monday 08:30: just open
        assert app.queue.is_open()
        clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=UTC))  # Monday 17:30: just closed
        assert not app.queue.is_open()
    finally:
        app.close()


def _serve(app, clock, counter: str, minutes: float) -> None:
    ticket = app.queue.call(counter)
    app.queue.serve(ticket.ticket_no)
    clock.advance(minutes=minutes)
    app.queue.done(ticket.ticket_no)


def test_wait_estimate_uses_only_the_last_service_time_window_services(tmp_path, clock):
    app = _app_with(tmp_path, "\n[queue]\nservice_time_window = 2\n", clock)
    try:
        for _ in range(3):
            app.queue.take("social")
        for minutes in (30, 2, 2):  # the oldest service was slow, the last two quick
            _serve(app, clock, "1号窗口", minutes)
        app.queue.take("social")
        app.queue.take("social")
        # 2 ahead * 2 min (the last two services) / 1 counter open; all three would say 23.
        assert app.queue.take("social").estimated_wait_min == 4
    finally:
        app.close()


def test_a_counter_quiet_for_longer_than_counter_active_min_no_longer_counts(tmp_path, clock):
    app = _app_with(tmp_path, "\n[queue]\ncounter_active_min = 10\n", clock)
    try:
        for _ in range(2):
            app.queue.take("social")
        first, second = app.queue.call("1号窗口"), app.queue.call("2号窗口")
        for ticket in (first, second):
            app.queue.serve(ticket.ticket_no)
        clock.advance(minutes=6)
        for ticket in (first, second):
            app.queue.done(ticket.ticket_no)
        for _ in range(3):
            app.queue.take("social")
        # both counters worked within 10 minutes: 3 ahead * 6 min / 2 counters
        assert app.queue.take("social").estimated_wait_min == 9
        clock.advance(minutes=9)
        assert app.queue.call("1号窗口").ticket_no == "A003"  # counter 1 goes on
        clock.advance(minutes=2)  # counter 2 quiet for 11 minutes now
        # 3 ahead (A004..A006) * 6 min / the one counter still at work
        assert app.queue.take("social").estimated_wait_min == 18
    finally:
        app.close()


def test_a_cancelled_number_is_never_called_and_the_platform_hears_of_it(app, clock):
    waiting = app.queue.take("civil")
    called = app.queue.take("civil")
    later = app.queue.take("civil")
    assert app.queue.cancel(waiting.ticket_no).state == "cancelled"
    assert app.queue.call("3号窗口", "civil").ticket_no == called.ticket_no
    assert app.queue.cancel(called.ticket_no).state == "cancelled"  # a called number too
    assert app.queue.get(later.ticket_no).ahead == 0
    with pytest.raises(BadTransition):
        app.queue.cancel(waiting.ticket_no)
    assert app.queue.call("3号窗口", "civil").ticket_no == later.ticket_no
    with pytest.raises(NobodyWaiting):
        app.queue.call("3号窗口", "civil")
    assert [e for no, e in events(app) if no == waiting.ticket_no] == ["issued", "cancelled"]


def test_opening_at_the_stroke_of_the_hour_when_open_until_midnight(tmp_path):
    clock = ManualClock(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))  # Monday 08:30 local
    app = _app_with(tmp_path, "", clock, hours=("08:30", "24:00", "[1, 2, 3, 4, 5]"))
    try:
        assert app.queue.is_open()
        assert not app.queue.is_open(datetime(2026, 11, 23, 0, 29, tzinfo=UTC))  # 08:29
        assert app.queue.is_open(datetime(2026, 11, 23, 15, 59, tzinfo=UTC))  # 23:59
        assert not app.queue.is_open(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))  # Saturday
    finally:
        app.close()


def test_status_tells_each_service_who_waits_and_who_is_at_which_counter(app, clock):
    for _ in range(3):
        app.queue.take("social")
    app.queue.take("civil")
    app.queue.call("1号窗口")
    clock.advance(minutes=1)
    app.queue.serve(app.queue.call("2号窗口").ticket_no)
    status = {row["service"]: row for row in app.queue.status()}
    assert status["social"] == {
        "service": "social",
        "name": "社保医保",
        "waiting": 1,
        "at_counters": [
            {"ticket_no": "A001", "state": "called", "counter": "1号窗口", "priority": False},
            {"ticket_no": "A002", "state": "serving", "counter": "2号窗口", "priority": False},
        ],
        "estimated_wait_min": 2,  # 1 waiting * 4 min / 2 counters at work
        "paused": False,
    }
    assert status["civil"]["waiting"] == 1 and status["civil"]["at_counters"] == []
    assert status["hukou"]["waiting"] == 0 and status["hukou"]["estimated_wait_min"] == 0


def test_statistics_count_calls_and_only_finished_services(app, clock):
    first, second, third = (app.queue.take("social") for _ in range(3))
    clock.advance(minutes=10)
    app.queue.serve(app.queue.call("1号窗口").ticket_no)
    clock.advance(minutes=4)
    app.queue.done(first.ticket_no)
    app.queue.serve(app.queue.call("1号窗口").ticket_no)  # being served: not a finished service
    app.queue.call("2号窗口")
    app.queue.no_show(third.ticket_no)
    stats = {s.service_code: s for s in app.queue.stats()}["social"]
    assert (stats.tickets, stats.called, stats.served, stats.no_show) == (3, 3, 1, 1)
    assert stats.mean_service_min == pytest.approx(4.0)
    assert stats.mean_wait_min == pytest.approx(38 / 3)  # called after 10, 14 and 14 minutes
    assert second.ticket_no == "A002"


def test_the_ticket_as_scripts_read_it(app, clock):
    app.queue.take("social")
    ticket = app.queue.take("social", "military")
    called = app.queue.call("2号窗口")
    assert called.ticket_no == ticket.ticket_no
    assert called.as_json() == {
        "ticket_id": ticket.ticket_id,
        "ticket_no": "A002",
        "display_no": "A002",  # the number as issued; the green channel is marked beside it
        "service": "social",
        "service_name": "社保医保",
        "issued_at": "2026-11-23T09:00:00+08:00",
        "called_at": "2026-11-23T09:00:00+08:00",
        "state": "called",
        "priority": "military",
        "ahead": 0,
        "estimated_wait_min": 0,
        "counter": "2号窗口",
        "channel": "kiosk",  # taken at a kiosk (a phone's ticket says "phone")
    }
    assert app.queue.get("a001").as_json()["priority"] is None  # typed in lower case
    assert app.queue.get(" va002 ").ticket_no == "A002"


def test_a_counter_calls_only_the_service_it_asks_for(app, clock):
    civil = app.queue.take("civil")
    hukou = app.queue.take("hukou")
    assert app.queue.call("3号窗口", "hukou").ticket_no == hukou.ticket_no
    assert app.queue.call("3号窗口").ticket_no == civil.ticket_no


def test_an_appointment_checked_in_at_the_last_minute_of_grace_keeps_its_slot(app, clock):
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    code = app.queue.book("social", datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    clock.advance(minutes=1)
    walk_in = app.queue.take("social")
    clock.advance(minutes=14)  # 15 minutes after the slot: the grace, exactly
    booked = app.queue.take("social", appointment_code=code)
    assert booked.ahead == 0 and app.queue.get(walk_in.ticket_no).ahead == 1


def test_an_appointment_is_for_its_service_and_its_day(app, clock):
    clock.set(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    tomorrow = app.queue.book("social", datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    civil = app.queue.book("civil", datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    with pytest.raises(UnknownAppointment):
        app.queue.take("social", appointment_code=tomorrow)
    with pytest.raises(UnknownAppointment):
        app.queue.take("social", appointment_code=civil)
    assert app.queue.take("civil", appointment_code=civil).ticket_no == "B001"


def test_appointment_codes_are_six_random_digits(app):
    codes = [app.queue.book("social", datetime(2026, 11, 23, 2, 0, tzinfo=UTC)) for _ in range(20)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) == 20 and max(codes) > "000999"  # spread over a million


def test_serving_and_finishing_keep_a_counter_counted_as_at_work(tmp_path, clock):
    app = _app_with(tmp_path, "\n[queue]\ncounter_active_min = 10\n", clock)
    try:
        for _ in range(2):
            app.queue.take("social")
        first = app.queue.call("1号窗口")
        clock.advance(minutes=12)  # counter 1's call is 12 minutes old now
        app.queue.call("2号窗口")
        app.queue.serve(first.ticket_no)  # ...but counter 1 just began serving A001
        for _ in range(3):
            app.queue.take("social")
        # 3 ahead * 4 min (nothing measured yet) / both counters at work
        assert app.queue.take("social").estimated_wait_min == 6
        clock.advance(minutes=11)  # counter 2 quiet for 11 minutes
        app.queue.done(first.ticket_no)  # counter 1 just finished A001 (11 minutes)
        # 4 ahead * 11 min / counter 1 alone (with no counter at work, both would be assumed)
        assert app.queue.take("social").estimated_wait_min == 44
    finally:
        app.close()


def test_a_counter_calling_back_or_out_of_turn_is_at_work_again(tmp_path, clock):
    """Calling a held ticket back (回呼) or a chosen one (指定叫号) ends the counter's pause and
    counts the counter for the wait, as calling the next one does."""
    app = _app_with(tmp_path, "\n[queue]\ncounter_active_min = 10\n", clock)
    try:
        for _ in range(4):
            app.queue.take("social")
        app.queue.hold(app.queue.call("2号窗口").ticket_no)  # A001 fetches a paper
        app.queue.pause_counter("2号窗口")
        clock.advance(minutes=12)
        app.queue.call("1号窗口")  # A002
        app.queue.call_back("A001", "2号窗口")
        assert app.queue.hall_view().paused_counters == []
        # A003, A004 ahead * 4 min / both counters at work (counter 2 alone quiet: 8)
        assert app.queue.take("social").estimated_wait_min == 4
        app.queue.done("A002")
        app.queue.pause_counter("1号窗口")
        app.queue.call_chosen("A004", "1号窗口", "预约到号")
        assert not app.queue.counter_view("1号窗口").paused
        assert app.queue.hall_view().paused_counters == []
    finally:
        app.close()


def test_a_transfer_is_reported_under_the_service_it_went_to(app, clock):
    ticket = app.queue.take("civil")
    app.queue.transfer(ticket.ticket_no, "hukou")
    rows = app.store.conn.execute("SELECT seq FROM outbox WHERE kind = 'ticket_event' ORDER BY seq")
    bodies = [app.outbox.body(r[0]) for r in rows]
    assert [(b["event"], b["service_code"]) for b in bodies] == [
        ("issued", "civil"),
        ("transferred", "hukou"),
    ]


def test_a_booking_for_the_current_minute_is_taken_whatever_its_seconds(app, clock):
    """Slots are whole minutes: at 09:00:30.25 a villager may still book 09:00."""
    clock.set(datetime(2026, 11, 23, 1, 0, 30, 250_000, tzinfo=UTC))
    code = app.queue.book("social", datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    assert app.queue.take("social", appointment_code=code).ticket_no == "A001"
    with pytest.raises(SlotPassed):
        app.queue.book("social", datetime(2026, 11, 23, 0, 59, tzinfo=UTC))


def test_an_elderly_villager_keying_a_lower_case_x_gets_the_green_channel(app):
    numbers = (id_number("19500301", f"{n:03d}") for n in range(1000))
    with_x = next(n for n in numbers if n.endswith("X"))
    ticket = app.queue.take("social", id_number=with_x.lower())
    assert ticket.priority == "age"


def test_a_box_whose_zone_is_changed_mid_day_still_calls_in_the_order_people_came(
    app, clock, monkeypatch
):
    """The store's times are UTC whatever zone the hall box is set to: a technician
    moving the box from Beijing time to UTC between two villagers changes no turn."""
    try:
        monkeypatch.setenv("TZ", "Asia/Shanghai")
        time.tzset()
        app.queue.take("social")
        clock.advance(minutes=1)
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        app.queue.take("social")
        assert [app.queue.call(c).ticket_no for c in ("1号窗口", "2号窗口")] == ["A001", "A002"]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_hall_servers_refusals_name_the_counter_and_the_number(app):
    """The hall API answers a refused move with the error's key and values (kiosk/hall/api.py);
    its kiosks and counter pages rebuild the error from them."""
    with pytest.raises(NobodyWaiting) as empty:
        app.queue.call("3号窗口")
    assert empty.value.params == {"counter": "3号窗口"}
    with pytest.raises(UnknownTicket) as unknown:
        app.queue.serve("a404")
    assert unknown.value.params == {"ticket_no": "a404"}
    with pytest.raises(UnknownService) as mistyped:
        app.queue.take("passport")
    assert mistyped.value.params == {"service": "passport"}

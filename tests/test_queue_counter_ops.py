"""What a counter does with tickets beyond calling the next one, and what the hall reads."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from kiosk.app import build_app, open_store
from kiosk.config import load_config
from kiosk.core.hall.client import HallClient
from kiosk.core.queue import (
    BadTransition,
    CounterBusy,
    IssuingPaused,
    LogAction,
    ReasonRequired,
    UnknownCounter,
)
from kiosk.core.queue import schema as queue_schema
from kiosk.core.queue.issuing import issuing_state
from offline_sync.clock import SystemClock
from tests.conftest import write_site
from tests.hall_fixtures import client_toml, free_port
from tests.test_queue_rules import events


def test_a_desk_calls_the_next_only_when_its_ticket_is_finished(app):
    first, second = app.queue.take("social"), app.queue.take("social")
    assert app.queue.call("1号窗口", only_if_idle=True).ticket_no == first.ticket_no
    with pytest.raises(CounterBusy) as busy:
        app.queue.call("1号窗口", only_if_idle=True)
    assert busy.value.params == {"counter": "1号窗口", "ticket_no": "A001"}
    app.queue.serve(first.ticket_no)
    with pytest.raises(CounterBusy):
        app.queue.call("1号窗口", only_if_idle=True)
    app.queue.done(first.ticket_no)
    assert app.queue.call("1号窗口", only_if_idle=True).ticket_no == second.ticket_no


def test_hold_and_call_back_keep_the_ticket_at_its_counter(app, clock):
    ticket = app.queue.take("social")
    app.queue.take("social")
    app.queue.call("2号窗口", only_if_idle=True)
    clock.advance(minutes=3)
    held = app.queue.hold(ticket.ticket_no)
    assert held.state == "held" and held.counter == "2号窗口"
    view = app.queue.counter_view("2号窗口")
    assert view.current is None and [t.ticket_no for t in view.held] == ["A001"]
    # the counter is free for the next villager while A001 fetches a paper
    assert app.queue.call("2号窗口", only_if_idle=True).ticket_no == "A002"
    with pytest.raises(CounterBusy):
        app.queue.call_back("A001", "2号窗口")
    app.queue.done("A002")
    back = app.queue.call_back("A001", "2号窗口")
    assert back.state == "called" and back.counter == "2号窗口"
    assert [e for no, e in events(app) if no == "A001"] == ["issued", "called", "held", "called"]


def test_a_no_show_of_today_is_restored_to_its_place(app, clock):
    first = app.queue.take("civil")
    clock.advance(minutes=1)
    app.queue.take("civil")
    app.queue.call("3号窗口", "civil")
    app.queue.no_show(first.ticket_no)
    assert [t.ticket_no for t in app.queue.counter_view("3号窗口").no_shows] == ["B001"]
    restored = app.queue.restore("B001")
    assert restored.state == "waiting" and restored.counter is None
    assert restored.ahead == 0  # issued before B002, so first in line again
    with pytest.raises(BadTransition):
        app.queue.restore("B001")
    assert app.queue.call("3号窗口", "civil").ticket_no == "B001"


def test_a_chosen_ticket_is_called_out_of_turn_with_its_reason_logged(app):
    for _ in range(3):
        app.queue.take("social")
    for blank in ("  ", "", None):
        with pytest.raises(ReasonRequired):
            app.queue.call_chosen("A003", "1号窗口", blank)
    called = app.queue.call_chosen(
        "a003", "1号窗口", " 预约到号\n 老人  行动不便 ", actor="staff:1001"
    )
    assert called.ticket_no == "A003" and called.state == "called"
    row = app.store.conn.execute(
        "SELECT action, reason, actor FROM queue_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert tuple(row) == ("called_chosen", "预约到号 老人 行动不便", "staff:1001")
    with pytest.raises(UnknownCounter) as unknown:
        app.queue.call_chosen("A001", "9号窗口", "预约到号")
    assert unknown.value.params == {"counter": "9号窗口"}  # "9号窗口 没有设置要办理的业务"


def test_paused_issuing_refuses_numbers_until_resumed(app):
    app.queue.pause_issuing(["civil"], actor="staff:1001")
    with pytest.raises(IssuingPaused) as paused:
        app.queue.take("civil")
    assert paused.value.params == {"service": "民政救助"}
    assert app.queue.take("social").ticket_no == "A001"
    app.queue.pause_issuing(actor="staff:1002")
    view = app.queue.hall_view()
    assert view.issuing_paused and all(line.paused for line in view.lines)
    app.queue.resume_issuing(actor="staff:1001")
    assert app.queue.take("civil").ticket_no == "B001"
    assert not app.queue.hall_view().issuing_paused
    logged = app.store.conn.execute(
        "SELECT action, service_code, actor FROM queue_log WHERE action LIKE 'issuing_%'"
        " ORDER BY seq"
    ).fetchall()
    assert [tuple(r) for r in logged] == [  # who paused which service, one line a service
        ("issuing_paused", "civil", "staff:1001"),
        *(("issuing_paused", code, "staff:1002") for code in ("social", "civil", "hukou")),
        *(("issuing_resumed", code, "staff:1001") for code in ("social", "civil", "hukou")),
    ]


def two_counters_at_work(app) -> None:
    """A001-A004 taken; 1号窗口 finished A001, 2号窗口 is serving A002; A003, A004 wait."""
    for _ in range(4):
        app.queue.take("social")
    first = app.queue.call("1号窗口")
    app.queue.call("2号窗口")
    app.queue.done(first.ticket_no)


def test_a_paused_counter_does_not_count_for_the_wait_until_it_calls_again(app):
    two_counters_at_work(app)
    assert app.queue.take("social").estimated_wait_min == 4  # 2 ahead * 4 min / 2 open
    app.queue.pause_counter("2号窗口")
    assert app.queue.counter_view("2号窗口").paused
    assert app.queue.hall_view().paused_counters == ["2号窗口"]
    app.queue.done("A002")  # finishing its ticket keeps the pause
    assert app.queue.counter_view("2号窗口").paused
    assert app.queue.take("social").estimated_wait_min == 12  # 3 ahead * 4 min / 1 open
    app.queue.call("2号窗口")
    assert not app.queue.counter_view("2号窗口").paused


def test_a_repeated_request_changes_nothing_twice(app):
    first = app.queue.take("social", request_id="r-1")
    again = app.queue.take("social", request_id="r-1")
    assert again.ticket_id == first.ticket_id
    called = app.queue.call("1号窗口", request_id="r-2")
    assert app.queue.call("1号窗口", request_id="r-2").ticket_id == called.ticket_id
    assert app.queue.status()[0]["waiting"] == 0
    assert [e for _, e in events(app)] == ["issued", "called"]


def test_the_board_reads_the_last_six_calls_and_every_line(app):
    for _ in range(8):
        app.queue.take("social")
    app.queue.take("hukou", "disability")
    for _ in range(7):
        t = app.queue.call("1号窗口")
        app.queue.done(t.ticket_no)
    app.queue.call("4号窗口")
    app.queue.recall("C001")
    view = app.queue.hall_view()
    assert [c.display_no for c in view.recent_calls] == [
        "C001",
        "C001",
        "A007",
        "A006",
        "A005",
        "A004",
    ]
    assert [c.action for c in view.recent_calls[:2]] == [LogAction.RECALLED, LogAction.CALLED]
    assert view.recent_calls[0].priority and view.recent_calls[0].counter == "4号窗口"
    assert {line.service_code: line.waiting for line in view.lines} == {
        "social": 1,
        "civil": 0,
        "hukou": 0,
    }
    assert view.served_today == 7
    assert app.queue.reader.changes_since(app.store.conn, view.recent_calls[1].seq) == [
        view.recent_calls[0]
    ]
    assert view.seq == app.queue.reader.last_seq(app.store.conn)


def test_a_store_from_before_the_hall_keeps_its_tickets_and_appointments(tmp_path, clock):
    config = load_config(write_site(tmp_path))
    store = open_store(config)  # everything applied; make an old store beside it instead
    store.close()
    old = tmp_path / "old.sqlite3"
    db = Database(old)
    queue_schema.migrations.apply(db, stop_before="hall_queue")
    db.execute(
        "INSERT INTO ticket (ticket_id, day, prefix, number, ticket_no, service_code, order_at,"
        " state, issued_at) VALUES ('t1', '2026-11-23', 'A', 1, 'A001', 'social',"
        " '2026-11-23T01:00:00+00:00', 'waiting', '2026-11-23T01:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO appointment (code, service_code, slot_at, ticket_id, created_at)"
        " VALUES ('123456', 'social', '2026-11-23T01:00:00+00:00', 't1', '2026-11-22')"
    )
    db.conn.commit()
    db.close()
    (config.data_dir / "bianmin.sqlite3").unlink()
    old.rename(config.data_dir / "bianmin.sqlite3")
    app = build_app(config, clock)
    try:
        assert app.queue.get("A001").state == "waiting"
        app.queue.call("1号窗口")
        assert app.queue.hold("A001").state == "held"
        fk = app.store.conn.execute("PRAGMA foreign_key_list(appointment)").fetchone()
        assert fk["table"] == "ticket"
        assert app.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        app.close()


def test_a_resumed_counter_counts_for_the_wait_again_and_the_log_names_who(app):
    two_counters_at_work(app)
    app.queue.pause_counter("2号窗口", actor="staff:1001")
    assert app.queue.take("social").estimated_wait_min == 8  # 2 ahead * 4 min / 1 open
    app.queue.resume_counter("2号窗口", actor="staff:1002")
    assert not app.queue.counter_view("2号窗口").paused
    assert app.queue.hall_view().paused_counters == []
    assert app.queue.take("social").estimated_wait_min == 6  # 3 ahead * 4 min / 2 open
    logged = app.store.conn.execute(
        "SELECT action, counter, actor FROM queue_log WHERE action LIKE 'counter_%' ORDER BY seq"
    ).fetchall()
    assert [tuple(r) for r in logged] == [
        ("counter_paused", "2号窗口", "staff:1001"),
        ("counter_resumed", "2号窗口", "staff:1002"),
    ]
    with pytest.raises(UnknownCounter):
        app.queue.resume_counter("9号窗口")


def test_the_boards_last_call_is_the_newest_call_of_any_day(app, clock):
    last_call = app.queue.reader.last_call
    assert last_call(app.store.conn) is None
    app.queue.take("social")
    app.queue.take("civil")
    app.queue.call("1号窗口")
    app.queue.call("3号窗口")
    called = last_call(app.store.conn)
    assert (called.action, called.ticket_no, called.counter) == ("called", "B001", "3号窗口")
    app.queue.recall("A001")
    app.queue.done("B001")  # not a call: the board keeps showing the recall
    recalled = last_call(app.store.conn)
    assert (recalled.action, recalled.ticket_no, recalled.counter) == (
        "recalled",
        "A001",
        "1号窗口",
    )
    assert recalled.at == clock.now() and recalled.at.utcoffset() is not None
    clock.advance(days=1)
    assert last_call(app.store.conn).seq == recalled.seq  # the board is not blank next morning


def test_the_kiosk_reads_how_issuing_stands_on_its_own_queue(app):
    app.queue.take("social")
    app.queue.take("social")
    app.queue.take("civil")
    app.queue.pause_issuing(["civil"])
    state = issuing_state(app.queue)
    assert state.waiting == {"social": 2, "civil": 1, "hukou": 0}
    assert state.paused_services == {"civil"} and not state.paused
    assert state.can_take("social") and not state.can_take("civil")
    app.queue.resume_issuing(["civil"])
    assert issuing_state(app.queue).can_take("civil")


def test_a_kiosk_whose_hall_server_is_away_issues_nothing(tmp_path):
    site = write_site(tmp_path, client_toml(f"http://127.0.0.1:{free_port()}"))
    queue = HallClient(load_config(site), SystemClock(), name="kiosk")
    try:
        state = issuing_state(queue)
    finally:
        queue.close()
    assert state.paused and state.paused_key == "queue.hall_unavailable"
    assert not state.can_take("social") and state.waiting == {}


def test_every_move_of_a_ticket_names_the_staff_who_made_it(app):
    """The log says who called, served, held, called back, finished, passed over, restored,
    recalled, transferred and cancelled; a repeated request (the same request_id) is one move."""
    staff = {"actor": "staff:1001"}
    app.queue.take("social")
    app.queue.take("social")
    app.queue.call("1号窗口", **staff)
    app.queue.recall("A001", **staff)
    app.queue.serve("A001", **staff)
    app.queue.hold("A001", **staff)
    app.queue.call_back("A001", "1号窗口", **staff)
    app.queue.done("A001", **staff)
    app.queue.call("2号窗口", **staff)
    app.queue.no_show("A002", **staff)
    app.queue.restore("A002", **staff)
    app.queue.transfer("A002", "civil", **staff)
    app.queue.cancel("A002", **staff)
    app.queue.pause_counter("1号窗口", **staff)
    app.queue.pause_issuing(["civil"], **staff)
    app.queue.resume_issuing(["civil"], **staff)
    rows = app.store.conn.execute(
        "SELECT action, actor FROM queue_log WHERE action != 'issued' ORDER BY seq"
    ).fetchall()
    assert [r["action"] for r in rows] == [
        "called", "recalled", "serving", "held", "called_back", "served", "called",
        "no_show", "restored", "transferred", "cancelled", "counter_paused",
        "issuing_paused", "issuing_resumed",
    ]  # fmt: skip
    assert {r["actor"] for r in rows} == {"staff:1001"}
    app.queue.take("social")
    for move in ("call", "recall", "serve", "hold"):
        once = {"request_id": f"r-{move}", **staff}
        for _ in range(2):
            if move == "call":
                app.queue.call("2号窗口", **once)
            else:
                getattr(app.queue, move)("A003", **once)
    moves = app.store.conn.execute(
        "SELECT action FROM queue_log WHERE ticket_no = 'A003' AND action != 'issued' ORDER BY seq"
    ).fetchall()
    assert [r[0] for r in moves] == ["called", "recalled", "serving", "held"]


def test_a_reason_checked_on_a_kiosk_behind_the_hall_server_stays_on_the_ticket(app):
    """A kiosk behind the hall server checks the green-channel reason (the ID card stays on
    its box); the server issues the ticket with it: called first, the reason on the ticket,
    and the log names the kiosk that issued."""
    walk_in = app.queue.take("social", priority_checked=True, actor="kiosk:hall-1")
    elderly = app.queue.take("social", "age", priority_checked=True, actor="kiosk:hall-2")
    assert walk_in.priority is None and elderly.priority == "age"
    assert app.queue.call("1号窗口").ticket_no == elderly.ticket_no
    issued = app.store.conn.execute(
        "SELECT ticket_no, actor FROM queue_log WHERE action = 'issued' ORDER BY seq"
    ).fetchall()
    assert [tuple(r) for r in issued] == [("A001", "kiosk:hall-1"), ("A002", "kiosk:hall-2")]


def test_a_refused_move_names_the_ticket_and_the_state_it_is_in(app):
    """The hall server's error answer carries them to the desk (hall/api.py)."""
    ticket = app.queue.take("civil")
    app.queue.call("3号窗口")
    app.queue.done(ticket.ticket_no)
    with pytest.raises(BadTransition) as refused:
        app.queue.hold(ticket.ticket_no)
    assert refused.value.params == {"ticket_no": "B001", "state": "served"}


def test_a_counter_page_names_its_counter_its_services_and_what_it_served(app):
    """The page's header and its "served here / served today" line, per counter."""
    for _ in range(3):
        app.queue.take("social")
    app.queue.take("civil")
    for counter in ("1号窗口", "1号窗口", "2号窗口", "3号窗口"):
        app.queue.done(app.queue.call(counter).ticket_no)
    app.queue.take("hukou")

    first = app.queue.counter_view("1号窗口")
    assert (first.counter, first.services) == ("1号窗口", ["social"])
    assert (first.served_here, first.served_today) == (2, 4)
    third = app.queue.counter_view("3号窗口")
    assert (third.counter, third.services, third.waiting_here) == ("3号窗口", ["civil", "hukou"], 1)
    assert (third.served_here, third.served_today) == (1, 4)
    # the page's live feed goes on after the newest change it has shown
    assert first.seq == third.seq == app.queue.reader.changes_since(app.store.conn, 0)[-1].seq


def test_a_repeated_take_returns_the_ticket_with_its_place_and_wait_as_they_are_now(app, clock):
    app.queue.take("social")
    first = app.queue.take("social", request_id="r-1")
    clock.advance(minutes=2)
    again = app.queue.take("social", request_id="r-1")
    assert (again.ticket_no, again.ahead) == ("A002", 1)
    assert again.estimated_wait_min == first.estimated_wait_min == 2  # 4 min over 2 counters


def test_each_ticket_event_goes_to_the_platform_as_a_new_record_at_revision_1(app):
    """docs/platform-api.md: a record's revision starts at 1; a ticket event is never
    revised, each move is a record of its own."""
    ticket = app.queue.take("social")
    app.queue.call("1号窗口")
    app.queue.done(ticket.ticket_no)
    rows = app.store.conn.execute(
        "SELECT record_id, revision FROM outbox WHERE kind = 'ticket_event'"
    ).fetchall()
    assert [r["revision"] for r in rows] == [1, 1, 1]
    assert len({r["record_id"] for r in rows}) == 3

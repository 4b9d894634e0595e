"""The board's call sequence and the hub that follows the queue log."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from kiosk.app import build_app, open_store
from kiosk.core.hall.board import CallSequencer
from kiosk.core.hall.hub import CHANGE, SHOW, HallHub, HubEvent
from kiosk.core.queue import Change, LogAction

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def call(seq: int, no: str, counter: str) -> Change:
    return Change(seq, LogAction.CALLED, AT, no, False, counter, "social")


def test_calls_at_once_are_each_highlighted_for_the_minimum_in_order():
    seq = CallSequencer(min_show_s=5.0)
    for i, counter in enumerate(["1号窗口", "2号窗口", "3号窗口"], start=1):
        seq.push(call(i, f"A00{i}", counter), 100.0)
    shown = []
    now = 100.0
    while True:
        if seq.advance(now) and seq.showing(now).highlighted:
            shown.append((seq.showing(now).call.ticket_no, now))
        due = seq.next_change_at()
        if due is None:
            break
        now = max(now, due)
    assert shown == [("A001", 100.0), ("A002", 105.0), ("A003", 110.0)]
    assert not seq.showing(now).highlighted  # after the last, it stays shown, not highlighted
    assert seq.showing(now).call.ticket_no == "A003"


def test_a_call_during_a_highlight_waits_its_turn_and_a_quiet_board_keeps_the_last():
    seq = CallSequencer(min_show_s=5.0, last_call=call(1, "A001", "1号窗口"))
    assert seq.showing(0.0).call.ticket_no == "A001" and not seq.showing(0.0).highlighted
    seq.push(call(2, "A002", "2号窗口"), 10.0)
    assert seq.advance(10.0) and seq.showing(10.0).left_s == pytest.approx(5.0)
    seq.push(call(3, "A003", "1号窗口"), 11.0)
    assert not seq.advance(12.0)  # A002 keeps its 5 s
    assert seq.showing(12.0).call.ticket_no == "A002" and seq.showing(12.0).pending == 1
    assert seq.advance(15.0) and seq.showing(15.0).call.ticket_no == "A003"
    assert seq.advance(20.0) and not seq.showing(20.0).highlighted
    assert not seq.advance(30.0) and seq.next_change_at() is None


def test_the_hub_sends_each_change_once_in_order_also_from_another_writer(app):
    events: list[HubEvent] = []
    got = threading.Condition()

    def collect(event: HubEvent) -> None:
        with got:
            events.append(event)
            got.notify_all()

    hub = HallHub(lambda: open_store(app.config), app.queue.reader, app.clock, 5.0, poll_s=0.05)
    app.queue.take("social")  # before the hub starts: not sent
    hub.start()
    hub.subscribe(collect)
    try:
        app.queue.take("social")
        hub.notify()
        # A write nobody tells the hub about (the main kiosk, a shell): found by polling.
        writer = build_app(app.config, app.clock)
        try:
            writer.queue.call("1号窗口")
        finally:
            writer.close()
        with got:
            assert got.wait_for(
                lambda: (
                    [e.kind for e in events].count(CHANGE) >= 2
                    and any(e.kind == SHOW for e in events)
                ),
                10,
            )
    finally:
        hub.stop()
    changes = [e for e in events if e.kind == CHANGE]
    assert [e.data["action"] for e in changes] == ["issued", "called"]
    assert [e.id for e in changes] == [2, 3]
    show = next(e for e in events if e.kind == SHOW)
    assert show.data["call"]["ticket_no"] == "A001" and show.data["highlighted"]


def test_a_call_that_waited_a_minute_for_its_turn_is_left_to_the_list():
    seq = CallSequencer(min_show_s=5.0, max_wait_s=60.0)
    for i in range(1, 16):
        seq.push(call(i, f"A{i:03d}", "1号窗口"), 0.0)
    now, shown = 0.0, []
    while (due := seq.next_change_at()) is not None:
        now = max(now, due)
        if seq.advance(now) and seq.showing(now).highlighted:
            shown.append(seq.showing(now).call.ticket_no)
    assert shown == [f"A{i:03d}" for i in range(1, 14)]  # A013 starts at 60 s; A014 would wait 65 s

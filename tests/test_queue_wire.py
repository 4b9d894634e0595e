"""The queue's wire form (what the hall server sends its kiosks, counters and boards): every
read model comes back from its JSON exactly as it went, through real JSON text."""

from __future__ import annotations

import json

from kiosk.core.queue.model import CounterView, HallView, ServiceStats, Ticket
from kiosk.core.queue.phone import Phone, PhoneQueue


def _through_the_wire(value):
    return type(value).from_json(json.loads(json.dumps(value.as_json(), ensure_ascii=False)))


def test_tickets_views_and_statistics_survive_the_wire(app, clock):
    app.queue.take("social")
    green = app.queue.take("social", "disability")
    app.queue.take("civil")
    called = app.queue.call("1号窗口")
    app.queue.serve(called.ticket_no)
    clock.advance(minutes=5)
    app.queue.done(called.ticket_no)
    app.queue.call("3号窗口")
    app.queue.no_show(app.queue.get("B001").ticket_no)
    app.queue.pause_counter("2号窗口")

    for ticket in (green, called, app.queue.get("A002"), app.queue.get("B001")):
        assert _through_the_wire(ticket) == ticket
    hall = app.queue.hall_view()
    assert isinstance(hall, HallView) and _through_the_wire(hall) == hall
    for line in hall.lines:
        assert _through_the_wire(line) == line
    for counter in ("1号窗口", "2号窗口", "3号窗口"):
        view = app.queue.counter_view(counter)
        assert isinstance(view, CounterView) and _through_the_wire(view) == view
    for stats in app.queue.stats():
        assert isinstance(stats, ServiceStats) and _through_the_wire(stats) == stats
    changes = app.queue.reader.changes_since(app.store.conn, 0)
    assert len(changes) >= 8
    for change in changes:
        assert _through_the_wire(change) == change
    assert Ticket.from_json(called.as_json()).display_no == called.display_no


def test_a_counter_serving_someone_and_uneven_figures_survive_the_wire(app, clock):
    """A counter page shows the number it is serving; ``queue stats --json`` rounds its
    figures (minutes to one place, the no-show rate to three) and the wire keeps them."""
    for _ in range(4):
        app.queue.take("social")
    clock.advance(seconds=100)
    app.queue.call("1号窗口")
    app.queue.done("A001")
    clock.advance(seconds=100)
    app.queue.call("1号窗口")
    app.queue.no_show("A002")
    app.queue.call("1号窗口")
    app.queue.no_show("A003")
    app.queue.call("1号窗口")

    view = app.queue.counter_view("1号窗口")
    wired = _through_the_wire(view)
    assert wired.current is not None and wired.current.display_no == "A004"
    assert wired == view
    social = next(s for s in app.queue.stats() if s.service_code == "social")
    figures = json.loads(json.dumps(social.as_json()))
    assert figures["mean_wait_min"] == round(social.mean_wait_min, 1) != social.mean_wait_min
    assert figures["no_show_rate"] == 0.667 and figures["called"] == 4
    back = ServiceStats.from_json(figures)
    assert back.mean_wait_min == figures["mean_wait_min"]
    assert back.p90_wait_min == figures["p90_wait_min"]
    assert back.mean_service_min == figures["mean_service_min"]


def test_paused_phones_a_held_ticket_and_a_phone_number_survive_the_wire(app):
    """After the hall server sent them: a counter page and the board still say staff paused
    扫码取号, the counter page lists the ticket it put aside, a phone's number is still a
    phone's, and ``queue stats`` still counts numbers per channel."""
    phones = PhoneQueue(app.queue, app.config.hall)
    app.queue.take("social")
    mobile = phones.take(Phone(f"{1:032x}", "192.168.8.23"), "social", f"{1:032x}")
    assert not app.queue.hall_view().phone_paused
    app.queue.call("1号窗口")
    app.queue.hold("A001")
    app.queue.pause_phone_issuing(actor="staff:1001")

    view = app.queue.counter_view("1号窗口")
    assert view.phone_paused and [t.ticket_no for t in view.held] == ["A001"]
    assert _through_the_wire(view) == view
    hall = app.queue.hall_view()
    assert hall.phone_paused and _through_the_wire(hall) == hall
    assert app.queue.get(mobile.ticket_no).channel == "phone"
    assert _through_the_wire(mobile).channel == "phone"
    social = next(s for s in app.queue.stats() if s.service_code == "social")
    assert social.channels == {"kiosk": 1, "phone": 1}
    assert _through_the_wire(social).channels == social.channels


def test_a_ticket_from_a_hall_server_that_sends_no_channel_is_a_kiosk_ticket(app):
    """Hall servers from before 扫码取号 send tickets without ``channel``."""
    sent = app.queue.take("social").as_json()
    del sent["channel"]
    assert Ticket.from_json(json.loads(json.dumps(sent))).channel == "kiosk"


def test_the_boards_json_shows_each_call_as_called_and_when_no_service_issues(app):
    """What ``/api/v1/board`` sends other screens: a call's number as called, its service
    and local time, each line's letter, and whether issuing stopped everywhere."""
    app.queue.take("social")
    app.queue.take("civil")
    app.queue.call("3号窗口")
    app.queue.pause_issuing(["social", "civil"])
    board = json.loads(json.dumps(app.queue.hall_view().as_json(), ensure_ascii=False))
    call = board["recent_calls"][0]
    assert (call["display_no"], call["service"], call["counter"]) == ("B001", "civil", "3号窗口")
    assert call["at"] == "2026-11-23T09:00:00+08:00"
    assert [(line["service"], line["prefix"]) for line in board["lines"]] == [
        ("social", "A"),
        ("civil", "B"),
        ("hukou", "C"),
    ]
    assert board["issuing_paused"] is False  # 户籍办理 still issues
    app.queue.pause_issuing(["hukou"])
    assert app.queue.hall_view().as_json()["issuing_paused"] is True

"""The queue's wire form (what the hall server sends its kiosks, counters and boards): every
read model comes back from its JSON exactly as it went, through real JSON text."""

from __future__ import annotations

import json

from kiosk.core.queue.model import CounterView, HallView, ServiceStats, Ticket


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

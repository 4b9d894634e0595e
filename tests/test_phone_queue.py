"""Numbers taken on a phone (扫码取号) in core: ordinary tickets, once per request, within limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.hall import desk
from kiosk.core.hall.throttle import Throttle
from kiosk.core.queue.errors import (
    BadTransition,
    NotYourTicket,
    PhoneAddressLimit,
    PhoneDailyCap,
    PhoneIssuingPaused,
    PhoneTicketOpen,
    QueueClosed,
)
from kiosk.core.queue.phone import Phone, PhoneQueue, is_request_id, is_token
from offline_sync.platform_server.validation import Invalid, check_ticket_event
from tests.clocks import ManualClock
from tests.conftest import SITE_TOML, write_site

TOKENS = [f"{i:032x}" for i in range(1, 20)]
HERE, THERE = "192.168.8.23", "192.168.8.57"


def phone(n: int = 0, address: str = HERE) -> Phone:
    return Phone(TOKENS[n], address)


def rid(n: int) -> str:
    return f"{n:032x}"


@pytest.fixture
def phones(app):
    return PhoneQueue(app.queue, app.config.hall)


def hall_site(tmp_path, clock, table: str):
    services = build_app(load_config(write_site(tmp_path, "\n[hall]\n" + table)), clock)
    return services, PhoneQueue(services.queue, services.config.hall)


def events(app) -> list[dict]:
    rows = app.store.conn.execute("SELECT seq FROM outbox WHERE kind = 'ticket_event' ORDER BY seq")
    return [app.outbox.body(r[0]) for r in rows]


def test_a_phone_ticket_is_an_ordinary_ticket_with_its_channel(app, phones):
    kiosk = app.queue.take("social")
    mine = phones.take(phone(), "social", rid(1))
    assert (kiosk.ticket_no, mine.ticket_no) == ("A001", "A002")  # one numbering
    assert (kiosk.channel, mine.channel) == ("kiosk", "phone")
    assert mine.ahead == 1 and mine.state == "waiting"
    assert app.queue.call("1号窗口").ticket_no == "A001"  # called in turn, like any other
    assert app.queue.call("2号窗口").ticket_no == "A002"
    app.queue.no_show("A002")
    assert app.queue.restore("A002").state == "waiting"
    social = app.queue.stats()[0]
    assert social.tickets == 2 and social.channels == {"kiosk": 1, "phone": 1}
    assert social.as_json()["channels"] == {"kiosk": 1, "phone": 1}
    sent = [(e["ticket_no"], e["event"], e["channel"]) for e in events(app)]
    assert sent[:2] == [("A001", "issued", "kiosk"), ("A002", "issued", "phone")]
    assert ("A002", "no_show", "phone") in sent
    for body in events(app):
        check_ticket_event(body)  # the reference platform takes the extension


def test_the_platform_refuses_an_unknown_channel(app, phones):
    phones.take(phone(), "civil", rid(1))
    body = events(app)[0] | {"channel": "fax"}
    with pytest.raises(Invalid, match="channel"):
        check_ticket_event(body)
    del body["channel"]
    check_ticket_event(body)  # a device that sends no channel is still right by the contract


def test_a_repeated_request_returns_the_first_number_and_issues_nothing(app, phones):
    first = phones.take(phone(), "social", rid(7))
    again = phones.take(phone(), "social", rid(7))
    assert again.ticket_id == first.ticket_id
    issued = app.store.conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    assert issued == 1
    # the same request id from another phone is another request
    other = phones.take(phone(1), "social", rid(7))
    assert other.ticket_no == "A002"


def test_one_open_number_a_service_a_phone(app, phones):
    first = phones.take(phone(), "social", rid(1))
    with pytest.raises(PhoneTicketOpen) as refused:
        phones.take(phone(), "social", rid(2))
    assert refused.value.params == {"ticket_no": "A001", "service": "社保医保"}
    assert phones.take(phone(), "civil", rid(3)).ticket_no == "B001"  # another service
    app.queue.call("1号窗口")
    app.queue.done(first.ticket_no)
    assert phones.take(phone(), "social", rid(4)).ticket_no == "A002"  # finished: again


def test_open_numbers_per_address_are_limited(app, phones):
    for n, service in enumerate(("social", "civil", "hukou")):
        phones.take(phone(n), service, rid(n))
    with pytest.raises(PhoneAddressLimit) as refused:
        phones.take(phone(3), "social", rid(9))
    assert refused.value.params == {"count": 3}
    assert phones.take(phone(3, THERE), "social", rid(9)).channel == "phone"
    app.queue.cancel("A001")  # a number given up frees a place
    assert phones.take(phone(4), "social", rid(10)).ticket_no == "A003"


def test_numbers_per_address_a_day_are_capped(tmp_path, clock):
    app, phones = hall_site(tmp_path, clock, "phone_daily_per_address = 2\n")
    try:
        first = phones.take(phone(0), "social", rid(1))
        phones.cancel(phone(0), first.ticket_id, rid(2))
        phones.take(phone(1), "social", rid(3))
        with pytest.raises(PhoneDailyCap) as refused:  # a cancelled number counts
            phones.take(phone(2), "civil", rid(4))
        assert refused.value.params == {"count": 2}
        clock.advance(days=1)
        assert phones.take(phone(2), "civil", rid(5)).ticket_no == "B001"  # a new day
    finally:
        app.close()


def test_zero_switches_the_address_limits_off(tmp_path, clock):
    table = "phone_open_per_address = 0\nphone_daily_per_address = 0\n"
    app, phones = hall_site(tmp_path, clock, table)
    try:
        numbers = [phones.take(phone(n), "social", rid(n)).ticket_no for n in range(12)]
        assert numbers[-1] == "A012"  # one Wi-Fi behind NAT: every phone the same address
    finally:
        app.close()


def test_staff_pause_issuing_to_phones_and_kiosks_go_on(app, phones):
    app.queue.pause_phone_issuing(actor="staff:1001")
    app.queue.pause_phone_issuing(actor="staff:1002")  # another counter pauses too: one pause
    with pytest.raises(PhoneIssuingPaused):
        phones.take(phone(), "social", rid(1))
    paused = phones.view(phone())
    assert paused.paused and not any(paused.can_take(line) for line in paused.lines)
    assert app.queue.take("social").ticket_no == "A001"
    assert app.queue.hall_view().phone_paused
    view = app.queue.counter_view("1号窗口")
    assert view.phone_paused
    labels = [b.action for b in desk.buttons(view)]
    assert desk.DeskAction.RESUME_PHONE in labels and desk.DeskAction.PAUSE_PHONE not in labels
    desk.perform(app.queue, "1号窗口", ["social"], "resume_phone", actor="staff:1001")
    assert not phones.view(phone()).paused
    assert phones.take(phone(), "social", rid(2)).ticket_no == "A002"
    logged = app.store.conn.execute(
        "SELECT action, actor FROM queue_log WHERE action LIKE 'phone%' ORDER BY seq"
    ).fetchall()
    assert [tuple(r) for r in logged] == [
        ("phone_paused", "staff:1001"),
        ("phone_paused", "staff:1002"),
        ("phone_resumed", "staff:1001"),
    ]


def test_no_number_outside_opening_hours(tmp_path):
    site = tmp_path / "site.toml"
    text = SITE_TOML.format(data_dir=tmp_path / "data").replace('"24:00"', '"17:30"')
    site.write_text(text, encoding="utf-8")
    clock = ManualClock()  # 09:00 in Sichuan
    services = build_app(load_config(site), clock)
    try:
        phones = PhoneQueue(services.queue, services.config.hall)
        assert phones.take(phone(), "social", rid(1)).ticket_no == "A001"
        clock.advance(hours=9)  # 18:00
        with pytest.raises(QueueClosed):
            phones.take(phone(1), "social", rid(2))
        assert not phones.view(phone()).is_open
    finally:
        services.close()


def test_a_phone_cancels_only_its_own_number(app, phones):
    mine = phones.take(phone(0), "social", rid(1))
    with pytest.raises(NotYourTicket):
        phones.cancel(phone(1), mine.ticket_id, rid(2))
    assert phones.cancel(phone(0), mine.ticket_id, rid(3)).state == "cancelled"
    assert phones.cancel(phone(0), mine.ticket_id, rid(3)).state == "cancelled"  # a repeat
    with pytest.raises(BadTransition):
        phones.cancel(phone(0), mine.ticket_id, rid(4))
    logged = app.store.conn.execute("SELECT action, actor FROM queue_log ORDER BY seq").fetchall()
    # the log names the phone by a prefix of its token's digest, never by the token
    assert [tuple(r) for r in logged] == [("issued", phone(0).actor), ("cancelled", phone(0).actor)]
    assert phone(0).actor.startswith("phone:") and TOKENS[0] not in phone(0).actor


def test_the_view_shows_open_numbers_and_the_recently_finished(app, phones, clock):
    assert phones.view(None).tickets == ()
    served = phones.take(phone(), "social", rid(1))
    waiting = phones.take(phone(), "civil", rid(2))
    phones.take(phone(1), "hukou", rid(3))  # another phone's
    app.queue.call("1号窗口")
    app.queue.done(served.ticket_no)
    view = phones.view(phone())
    assert [t.ticket_no for t in view.tickets] == ["A001", "B001"]
    assert [t.ticket_no for t in view.open_tickets] == ["B001"]
    assert view.holding == {"civil"}
    lines = {line.service_code: line for line in view.lines}
    assert not view.can_take(lines["civil"]) and view.can_take(lines["social"])
    clock.advance(minutes=31)
    assert [t.ticket_no for t in phones.view(phone()).tickets] == [waiting.ticket_no]


def test_the_phone_shows_its_place_in_line_and_the_wait(app, phones):
    app.queue.take("social")  # a villager at the kiosk came first
    phones.take(phone(), "social", rid(1))
    mine = phones.view(phone()).tickets[0]
    assert (mine.ticket_no, mine.ahead, mine.estimated_wait_min) == ("A002", 1, 2)  # 4 min / 2
    app.queue.call("1号窗口")
    view = phones.view(phone())
    assert view.tickets[0].ahead == 0
    assert view.seq == app.queue.hall_view().seq  # the page is drawn as of the last change


def test_the_store_keeps_digests_not_tokens_or_addresses(app, phones, clock):
    phones.take(phone(), "social", rid(1))
    row = app.store.conn.execute("SELECT * FROM phone_ticket").fetchone()
    assert TOKENS[0] not in tuple(row) and HERE not in tuple(row)
    assert row["phone"] == phone().digest
    tomorrow = app.queue.local_day() + timedelta(days=1)
    assert phone().address_digest(tomorrow) != row["address"]  # days cannot be linked
    assert row["address"] == phone().address_digest(app.queue.local_day())


def test_tokens_have_one_shape():
    assert is_token("0" * 32) and not is_token("0" * 31) and not is_token("G" * 32)
    assert not is_token(None) and not is_token("")


def test_request_ids_have_one_shape():
    assert is_request_id("0" * 16) and is_request_id("f" * 64) and is_request_id(rid(7))
    assert not is_request_id("0" * 15) and not is_request_id("0" * 65)
    assert not is_request_id("A" * 32) and not is_request_id(None) and not is_request_id("")


def test_the_throttle_counts_a_sliding_minute_per_key():
    clock = ManualClock()
    throttle = Throttle(clock, limit=3, window_s=60)
    assert [throttle.allow("a") for _ in range(4)] == [True, True, True, False]
    assert throttle.allow("b")
    clock.advance(seconds=59)
    assert not throttle.allow("a")
    clock.advance(seconds=2)
    assert throttle.allow("a")

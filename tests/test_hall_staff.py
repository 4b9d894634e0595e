"""Hall staff accounts, PIN lock-out and counter sessions; the desk's buttons and actions."""

from __future__ import annotations

import pytest

from kiosk.core.hall import desk
from kiosk.core.hall.errors import LoginRefused, SessionEnded, StaffInvalid, StaffLocked
from kiosk.core.hall.sessions import CounterSessions
from kiosk.core.hall.staff import StaffDirectory
from kiosk.core.queue import CounterBusy
from tests.hall_fixtures import FAST_SCRYPT


@pytest.fixture
def staff(app):
    return StaffDirectory.for_services(app, FAST_SCRYPT)


def test_pins_are_kept_as_scrypt_hashes_and_names_sealed(app, staff):
    staff.add("1001", "王小红", "2468")
    row = app.store.conn.execute("SELECT name, pin FROM hall_staff").fetchone()
    assert b"\xe7\x8e\x8b" not in row["name"]  # 王 is not in the file in clear
    assert '"scheme": "scrypt"' in row["pin"] and "2468" not in row["pin"]
    assert staff.verify("1001", "2468").name == "王小红"
    for bad in [("10 01", "王", "2468"), ("1002", " ", "2468"), ("1003", "李", "12ab")]:
        with pytest.raises(StaffInvalid):
            staff.add(*bad)
    with pytest.raises(StaffInvalid):
        staff.add("1001", "又一个", "1357")


def test_wrong_pins_lock_the_account_for_a_while(app, staff, clock):
    staff.add("1001", "王小红", "2468")
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginRefused) as refused:
            staff.verify("1001", "0000")
        assert refused.value.params == {"attempts_left": left}
    with pytest.raises(StaffLocked) as locked:
        staff.verify("1001", "0000")
    assert locked.value.params == {"minutes": 15}
    with pytest.raises(StaffLocked):
        staff.verify("1001", "2468")  # even the right PIN waits
    clock.advance(minutes=16)
    assert staff.verify("1001", "2468").staff_id == "1001"
    with pytest.raises(LoginRefused) as unknown:
        staff.verify("nobody", "2468")
    assert unknown.value.key == "hall.login.refused" and unknown.value.params == {}


def test_sessions_keep_only_a_hash_expire_and_end_when_staff_are_disabled(app, staff, clock):
    staff.add("1001", "王小红", "2468")
    sessions = CounterSessions(app.store, staff, clock, app.config.hall)
    token, session = sessions.open(staff.verify("1001", "2468"), "1号窗口")
    assert sessions.find(token).counter == "1号窗口" and session.actor == "staff:1001"
    assert not app.store.conn.execute(
        "SELECT 1 FROM hall_session WHERE token_hash = ?", (token,)
    ).fetchone()
    clock.advance(hours=13)
    with pytest.raises(SessionEnded):
        sessions.find(token)
    token, _ = sessions.open(staff.get("1001"), "2号窗口")
    staff.set_active("1001", False)
    with pytest.raises(SessionEnded):
        sessions.find(token)
    with pytest.raises(SessionEnded):
        sessions.find(None)


def labels(view) -> dict[str, bool]:
    return {str(b.action): b.enabled for b in desk.buttons(view)}


def test_the_desk_buttons_follow_the_counters_ticket(app):
    idle = labels(app.queue.counter_view("1号窗口"))
    assert idle["call_next"] and not idle["serve"] and not idle["done"] and not idle["restore"]
    app.queue.take("social")
    app.queue.take("social")
    ticket = desk.perform(app.queue, "1号窗口", ["social"], "call_next", actor="staff:1001").ticket
    called = labels(app.queue.counter_view("1号窗口"))
    assert "call_next" not in called and called["recall"] and called["serve"] and called["no_show"]
    assert not called["call_back"] and not called["call_chosen"]
    with pytest.raises(CounterBusy):
        desk.perform(app.queue, "1号窗口", ["social"], "call_next")
    desk.perform(app.queue, "1号窗口", ["social"], "serve", ticket_no=ticket.ticket_no)
    serving = labels(app.queue.counter_view("1号窗口"))
    assert not serving["recall"] and serving["done"] and serving["hold"] and not serving["no_show"]
    desk.perform(app.queue, "1号窗口", ["social"], "hold", ticket_no=ticket.ticket_no)
    held = labels(app.queue.counter_view("1号窗口"))
    assert held["call_next"] and held["call_back"]
    outcome = desk.perform(app.queue, "1号窗口", ["social"], "pause_issuing")
    assert outcome.key == "hall.counter.done.pause_issuing"
    assert labels(app.queue.counter_view("1号窗口"))["resume_issuing"]
    desk.perform(app.queue, "1号窗口", ["social"], "pause")
    assert labels(app.queue.counter_view("1号窗口"))["resume"]
    done = desk.perform(app.queue, "1号窗口", ["social"], "call_back", ticket_no=ticket.ticket_no)
    assert done.params == {"ticket_no": "A001", "counter": "1号窗口", "service": "社保医保"}
    assert not app.queue.counter_view("1号窗口").paused  # calling ends the pause


def test_every_desk_button_and_outcome_has_words(app):
    from kiosk.core.messages import Messages

    messages = Messages(strict=True)
    for action in desk.DeskAction:
        assert f"hall.counter.action.{action}" in messages
        assert f"hall.counter.done.{action}" in messages
    for reason in desk.CHOSEN_CALL_REASONS:
        assert f"hall.counter.reason.{reason}" in messages


def test_staff_log_ins_wrong_pins_and_lock_outs_are_in_the_audit_log(app, staff):
    staff.add("1001", "王小红", "2468")
    staff.verify("1001", "2468")
    for _ in range(5):
        with pytest.raises((LoginRefused, StaffLocked)):
            staff.verify("1001", "0000")
    staff.set_active("1001", False)
    assert [(e.actor, e.action) for e in app.audit.entries()] == [
        ("shell", "hall_staff_added"),
        ("staff:1001", "hall_login"),
        *[("staff:1001", "hall_wrong_pin")] * 4,
        ("staff:1001", "hall_locked_out"),
        ("shell", "hall_staff_disabled"),
    ]
    assert app.audit.verify().ok

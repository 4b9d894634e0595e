"""Agents log in on a tablet offline: PIN against the platform's hash, lock-out after wrong
PINs, inactive accounts refused, the data key erased after too many, PIN resets."""

from __future__ import annotations

import pytest

from kiosk.core.agents import (
    AccountInactive,
    AgentLocked,
    KeyErased,
    PinChanged,
    UnknownAgent,
    WrongPin,
)
from tests.agent_fixtures import account, tablet  # noqa: F401
from tests.cases_fixtures import id_number


def test_the_right_pin_logs_in_and_opens_the_agents_key(tablet):  # noqa: F811
    session = tablet.login.log_in("A-0001", "135790")
    assert session.account.name == "李代办" and session.ref.agent_id == "A-0001"
    sealed = session.vault.seal("张桂英")
    assert tablet.services.vault.unseal(sealed) == "张桂英"  # the key ring opens it while logged in
    tablet.login.log_out(session)
    with pytest.raises(Exception, match="locked"):
        tablet.services.vault.unseal(sealed)
    # The second login opens the same key (the wrap made at the first).
    again = tablet.login.log_in("A-0001", "135790")
    assert again.vault.ring_id == session.vault.ring_id and again.vault.unseal(sealed) == "张桂英"


def test_five_wrong_pins_lock_the_account_for_fifteen_minutes(tablet):  # noqa: F811
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as wrong:
            tablet.login.log_in("A-0001", "000000")
        assert wrong.value.params["attempts_left"] == left and not wrong.value.warns_of_erase
    with pytest.raises(AgentLocked) as locked:
        tablet.login.log_in("A-0001", "000000")
    assert locked.value.params["minutes"] == 15
    # During the lock even the right PIN is refused, and the other agent is not affected.
    tablet.clock.advance(minutes=14)
    with pytest.raises(AgentLocked) as still:
        tablet.login.log_in("A-0001", "135790")
    assert still.value.params["minutes"] == 1
    assert tablet.login.state("A-0001").locked_minutes == 1
    tablet.login.log_in("A-0002", "246801")
    tablet.clock.advance(minutes=1)
    assert tablet.login.log_in("A-0001", "135790").agent_id == "A-0001"
    assert tablet.login.state("A-0001").failed == 0


def test_a_clock_set_back_does_not_stretch_the_lock(tablet):  # noqa: F811
    for _ in range(5):
        with pytest.raises((WrongPin, AgentLocked)):
            tablet.login.log_in("A-0001", "000000")
    tablet.clock.advance(days=-30)
    with pytest.raises(AgentLocked) as locked:
        tablet.login.log_in("A-0001", "135790")
    assert locked.value.params["minutes"] == 15


def test_ten_wrong_pins_erase_the_key_after_a_warning(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    desk.villagers.add_keyed(id_number(), "张桂英")
    tablet.login.log_out(desk.session)
    for _ in range(5):
        with pytest.raises((WrongPin, AgentLocked)):
            tablet.login.log_in("A-0001", "000000")
    tablet.clock.advance(minutes=15)
    # The last tries warn before the key goes.
    assert tablet.login.state("A-0001").erase_in == 5
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as wrong:
            tablet.login.log_in("A-0001", "000000")
        assert wrong.value.warns_of_erase and wrong.value.params["erase_in"] == left
    with pytest.raises(KeyErased):
        tablet.login.log_in("A-0001", "000000")
    # The right PIN does not bring the key back: the PIN must be reset online.
    with pytest.raises(KeyErased):
        tablet.login.log_in("A-0001", "135790")
    assert tablet.login.state("A-0001").erased
    assert tablet.services.store.conn.execute("SELECT count(*) FROM agent_key").fetchone()[0] == 0
    # What was kept stays sealed on the tablet, unreadable.
    assert (
        tablet.services.store.conn.execute("SELECT count(*) FROM agent_villager").fetchone()[0] == 1
    )
    # The county resets the PIN on the platform; after a sync the agent starts again.
    tablet.feed(account("A-0001", "李代办", "112233"))
    fresh = tablet.log_in("A-0001", "112233")
    assert fresh.vault.ring_id != desk.vault.ring_id and fresh.villagers.all() == []


def test_an_inactive_or_unknown_account_cannot_log_in(tablet):  # noqa: F811
    tablet.feed(account("A-0002", "罗代办", "246801", active=False))
    with pytest.raises(AccountInactive):
        tablet.login.log_in("A-0002", "246801")
    with pytest.raises(UnknownAgent):
        tablet.login.log_in("A-0404", "246801")
    # A session whose account is deactivated meanwhile cannot go on.
    session = tablet.login.log_in("A-0001", "135790")
    tablet.feed(account("A-0001", "李代办", "135790", active=False))
    with pytest.raises(AccountInactive):
        tablet.login.check(session)


def test_a_pin_reset_asks_once_for_the_old_pin(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    person = desk.villagers.add_keyed(id_number(), "张桂英")
    tablet.login.log_out(desk.session)
    tablet.feed(account("A-0001", "李代办", "864200"))
    with pytest.raises(PinChanged):
        tablet.login.log_in("A-0001", "864200")
    with pytest.raises(PinChanged) as wrong_old:
        tablet.login.log_in("A-0001", "864200", old_pin="000000")
    assert wrong_old.value.params["old_wrong"]
    again = tablet.log_in("A-0001", "864200", old_pin="135790")
    assert again.villagers.get(person.villager_id).name == "张桂英"
    tablet.login.log_out(again.session)
    # From now on the new PIN alone opens the same key; the old one is refused.
    assert tablet.log_in("A-0001", "864200").vault.ring_id == desk.vault.ring_id
    with pytest.raises(WrongPin):
        tablet.login.log_in("A-0001", "135790")


def test_starting_over_after_a_reset_leaves_the_old_work_sealed(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    desk.villagers.add_keyed(id_number(), "张桂英")
    tablet.feed(account("A-0001", "李代办", "864200"))
    fresh = tablet.desk(tablet.login.log_in("A-0001", "864200", start_over=True))
    assert fresh.vault.ring_id != desk.vault.ring_id and fresh.villagers.all() == []


def test_the_login_list_shows_agents_enrolled_on_this_tablet(tablet):  # noqa: F811
    assert tablet.login.enrolled() == []
    tablet.login.log_in("A-0002", "246801")
    assert [a.agent_id for a in tablet.login.enrolled()] == ["A-0002"]


def test_log_ins_wrong_pins_lock_outs_and_erasures_are_in_the_audit_log(tablet):  # noqa: F811
    tablet.login.log_in("A-0001", "135790")
    for _ in range(5):
        with pytest.raises((WrongPin, AgentLocked)):
            tablet.login.log_in("A-0001", "000000")
    entries = [(e.actor, e.action) for e in tablet.services.audit.entries()]
    assert entries == [("agent:A-0001", "agent_login")] + [
        ("agent:A-0001", "agent_wrong_pin")
    ] * 4 + [("agent:A-0001", "agent_locked_out")]
    assert tablet.services.audit.verify().ok
    pending = tablet.services.store.conn.execute(
        "SELECT count(*) FROM outbox WHERE kind = 'audit_event'"
    ).fetchone()[0]
    assert pending == len(entries)  # each goes to the platform like other records

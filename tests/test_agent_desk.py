"""A logged-in agent's desk: villagers found by name, pinyin initials or digits; the three
lists and reminders; agents sharing a tablet see only their own; authorisation checks."""

from __future__ import annotations

import pytest

from devices.idcard import load_cards
from kiosk.app import sample_cards
from kiosk.core.agents import CardNotApplicant, NotYourCase, ReminderKind, Worklist
from kiosk.core.forms import FormInvalid
from offline_sync.vault import VaultLocked
from tests.agent_fixtures import KIOSK_ONLY_ITEM, SIMPLE_ITEM, tablet  # noqa: F401
from tests.cases_fixtures import id_number

PEOPLE = [("张三丰", 1), ("曾小贤", 2), ("单田芳", 3), ("李秀英", 4), ("张桂英", 5)]


def _add_people(desk) -> dict[str, str]:
    numbers = {}
    for name, seq in PEOPLE:
        number = id_number(born="19520101", seq=seq)
        desk.villagers.add_keyed(number, name, phone=f"1390817{seq:04d}")
        numbers[name] = number
    return numbers


def _draft(desk, person) -> str:
    return desk.cases.new_draft(
        SIMPLE_ITEM,
        person.applicant(),
        channel="agent",
        agent=desk.session.ref,
        form={"phone": "13908170001", "address": "翠屏区李庄镇高石村3组"},
    )


def test_villagers_are_found_by_name_pinyin_initials_and_digits(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    numbers = _add_people(desk)

    def names(text: str) -> list[str]:
        return [v.name for v in desk.villagers.search(text)]

    assert names("张") == ["张桂英", "张三丰"]
    assert names("zsf") == ["张三丰"]
    assert names("ZGY") == ["张桂英"]
    assert names("zhangsan") == ["张三丰"]
    assert names("zxx") == ["曾小贤"] and names("cxx") == ["曾小贤"]  # either reading of 曾
    assert names("stf") == ["单田芳"] and names("dtf") == ["单田芳"]
    assert names(numbers["李秀英"][-4:]) == ["李秀英"]
    assert names("0003") == ["单田芳"]  # the phone's last digits
    assert names("王") == []
    assert len(desk.villagers.search("")) == 5


def test_a_villager_keyed_twice_is_one_person_and_a_card_wins(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    card = load_cards(sample_cards())[0]
    keyed = desk.villagers.add_keyed(card.id_number, "王建", phone="13908171234")
    read = desk.villagers.add_from_card(card)
    assert read.villager_id == keyed.villager_id and read.name == card.name
    assert read.from_card and read.phone == "13908171234" and desk.villagers.count() == 1
    # A later keyed entry does not overwrite what the card said.
    assert desk.villagers.add_keyed(card.id_number, "王建").name == card.name
    with pytest.raises(FormInvalid) as wrong:
        desk.villagers.add_keyed(card.id_number[:17] + "0", "王建国")
    assert wrong.value.fields == ["id_number"]
    with pytest.raises(FormInvalid) as no_name:
        desk.villagers.add_keyed(id_number(seq=9), "")
    assert no_name.value.fields == ["name"]


def test_agents_sharing_a_tablet_see_only_their_own(tablet):  # noqa: F811
    first = tablet.log_in("A-0001", "135790")
    person = first.villagers.add_keyed(id_number(), "张桂英")
    case_id = _draft(first, person)
    second = tablet.log_in("A-0002", "246801")
    assert second.villagers.all() == [] and second.lists.lines() == []
    assert second.villagers.find(person.id_number) is None
    with pytest.raises(NotYourCase):
        second.line(case_id)
    blob = tablet.services.store.conn.execute(
        "SELECT applicant FROM case_record WHERE case_id = ?", (case_id,)
    ).fetchone()[0]
    with pytest.raises(VaultLocked):
        second.vault.unseal_bytes(blob)
    assert first.line(case_id).applicant_name == "张桂英"


def test_the_three_lists_and_the_unsent_badge(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    person = desk.villagers.add_keyed(id_number(), "张桂英")
    drafts = [_draft(desk, person) for _ in range(3)]
    for case_id in drafts[:2]:
        desk.cases.check_material(case_id, "M01")
        desk.authorize(case_id, "signature", strokes=[[(0.1, 0.1), (0.5, 0.9), (0.9, 0.2)]])
        desk.cases.submit(case_id)
    assert [line.case_id for line in desk.lists.drafts()] == [drafts[2]]
    assert {line.case_id for line in desk.lists.unsent()} == set(drafts[:2])
    assert desk.lists.sent() == []
    assert desk.lists.counts() == {Worklist.DRAFTS: 1, Worklist.UNSENT: 2, Worklist.SENT: 0}
    with tablet.services.store.transaction() as conn:  # what the sync engine writes
        conn.execute(
            "UPDATE outbox SET state = 'dead', last_error = 'invalid: applicant.phone: bad'"
            " WHERE record_id = ?",
            (drafts[0],),
        )
        conn.execute(
            "UPDATE outbox SET state = 'delivered', result = '{\"case_no\": \"N-7\"}'"
            " WHERE record_id = ?",
            (drafts[1],),
        )
    (dead,) = desk.lists.unsent()
    assert dead.problem == "agent.dead.invalid" and "applicant.phone" in dead.detail
    (sent,) = desk.lists.sent()
    assert sent.case_no == "N-7" and sent.worklist is Worklist.SENT
    assert [line.case_id for line in desk.lists.of_person(person.id_number)][-1] == drafts[0]


def test_reminders_of_due_dates_and_old_drafts(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    person = desk.villagers.add_keyed(id_number(), "张桂英")
    stale = _draft(desk, person)
    submitted = _draft(desk, person)
    desk.cases.check_material(submitted, "M01")
    desk.authorize(submitted, "signature", strokes=[[(0.1, 0.1), (0.5, 0.9), (0.9, 0.2)]])
    desk.cases.submit(submitted)  # promised in 1 working day
    assert [r.kind for r in desk.reminders()] == [ReminderKind.DUE_SOON]
    tablet.clock.advance(days=4)
    kinds = {r.line.case_id: r.kind for r in desk.reminders()}
    assert kinds == {submitted: ReminderKind.OVERDUE, stale: ReminderKind.STALE_DRAFT}
    desk.cases.update_form(stale, {"phone": "13908170002"})  # touched: no longer stale
    assert [r.kind for r in desk.reminders()] == [ReminderKind.OVERDUE]


def test_id_card_present_needs_the_applicants_card(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    cards = load_cards(sample_cards())
    person = desk.villagers.add_from_card(cards[0])
    case_id = _draft(desk, person)
    with pytest.raises(CardNotApplicant):
        desk.authorize(case_id, "id_card_present", card=cards[1])
    desk.authorize(case_id, "id_card_present", card=cards[0])
    assert desk.cases.case(case_id).agent["authorization"]["method"] == "id_card_present"


def test_only_items_open_to_agents_are_offered(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    codes = {hit.code for hit in desk.items()}
    assert SIMPLE_ITEM in codes and KIOSK_ONLY_ITEM not in codes
    assert [hit.code for hit in desk.items("养老保险待遇领取资格")][:1] == [SIMPLE_ITEM]

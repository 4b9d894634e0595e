"""取号, 进度查询, 好差评, 办不成事 and 办事指南 as flows in core, and the visit that holds them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.flows import (
    CasesStep,
    Finished,
    IdEntryStep,
    PriorityStep,
    RatingStep,
    RatingTarget,
    TicketStep,
    UnsolvedStep,
    appointment_code,
)
from kiosk.core.queue import NotEligible, UnknownTicket
from kiosk.core.session import KioskSession
from tests.flows_fixtures import (  # noqa: F401
    ELDER,
    YOUNGER,
    flows_fixture,
    printer_fixture,
    refused,
    services_fixture,
    step,
)
from tests.test_flows_application import REFERRAL, REFERRAL_FORM, confirmed, fill

REPO = Path(__file__).resolve().parent.parent


# -- 取号 ----------------------------------------------------------------------------------------


def test_a_service_then_the_ordinary_queue_prints_the_ticket(flows, services, printer):
    flow = flows.take_number()
    assert step(flow.choose_service, services, "social") == PriorityStep(service_code="social")
    ticket = step(flow.choose_priority, services, None)
    assert isinstance(ticket, TicketStep) and ticket.printed.printed
    assert ticket.ticket.display_no == "A001"
    assert ticket.served == RatingTarget(
        "ticket", ticket.ticket.ticket_id, "A001", "社保医保", ticket.day
    )
    assert [line.text(flows.messages) for line in ticket.next_steps] == [
        "请到 1号窗口、2号窗口 前等候，叫到 A001 再去办理。"
    ]
    (job,) = printer.wait_for_jobs(1)
    assert "A001" in job.text


def test_the_age_channel_waits_for_the_card_and_checks_the_age(flows, services):
    flow = flows.take_number()
    step(flow.choose_service, services, "social")
    waiting = step(flow.choose_priority, services, "age")  # answered at once: no number yet
    assert waiting == PriorityStep(service_code="social", waiting_card=True)
    assert step(flow.card_cancelled, services) == PriorityStep(service_code="social")
    assert step(flow.card_read, services, ELDER) == PriorityStep(service_code="social")
    step(flow.choose_priority, services, "age")
    with pytest.raises(NotEligible):
        step(flow.card_read, services, YOUNGER)
    assert not flow.waiting_card and flow.issued is None
    step(flow.choose_priority, services, "age")
    green = step(flow.card_read, services, ELDER)
    assert green.ticket.display_no == "A001" and green.ticket.priority == "age"


def test_an_appointment_checks_in_by_its_six_digits(flows, services, clock):
    code = services.queue.book("civil", clock.now() + timedelta(minutes=10))
    flow = flows.take_number()
    assert refused(step(flow.check_in, services, "12")) == [("code", "请先输入预约码。")]
    assert refused(step(flow.check_in, services, "999999")) == [
        ("code", "没找到这个预约码，可能输错了，或者已经签过到了。请再看一下短信，或找工作人员。")
    ]
    assert step(flow.check_in, services, code).ticket.display_no == "B001"
    assert appointment_code(f"https://yuyue.example/b?c={code}\r\n") == code


# -- 进度查询 --------------------------------------------------------------------------------------


def submitted_case(flows, services, card=YOUNGER) -> str:
    flow, _phone = confirmed(flows, services, card=card)
    fill(flow, services, REFERRAL_FORM)
    step(flow.materials_done, services, {"M01"})
    return step(flow.submit, services).receipt.case_id


def test_progress_by_card_keyed_number_or_receipt_qr(flows, services):
    case_id = submitted_case(flows, services)
    confirmed(flows, services, card=YOUNGER)  # a draft of the same person: not listed
    flow = flows.progress()
    by_card = step(flow.card_read, services, YOUNGER)
    assert isinstance(by_card, CasesStep)
    [found] = by_card.cases
    assert found.summary.case_id == case_id and found.timeline[0].status == "submitted"
    assert step(flow.key_in, services) == IdEntryStep(purpose="progress")
    assert found.stage == "saved" and not found.promised_shown  # not on the platform yet
    assert refused(step(flow.keyed_id_number, services, "510722198603052621")) == [
        ("id_number", "身份证号码不对，请检查后重新输入。")
    ]
    assert step(flow.keyed_id_number, services, YOUNGER.id_number.lower()) == by_card
    assert step(flow.keyed_id_number, services, ELDER.id_number).cases == ()
    assert refused(step(flow.scanned, services, "https://example.org/x")) == [
        ("qr", "这个二维码不是受理回执上的，请扫描回执上的二维码。")
    ]
    assert step(flow.scanned, services, f"https://zwfw.example/progress/{case_id}") == by_card
    reference = found.summary.reference
    assert step(flow.scanned, services, reference) == by_card
    assert step(flow.keyed_reference, services, reference[3:].replace("-", "")) == by_card


# -- 好差评 ----------------------------------------------------------------------------------------


def clock_day(services):
    return services.queue.local_day()


def ratings(services):
    return [
        tuple(r)
        for r in services.store.conn.execute("SELECT target_type, level, reasons FROM rating")
    ]


def test_an_unhappy_rating_needs_a_reason_and_a_happy_one_none(flows, services):
    ticket = services.queue.take("social")
    target = RatingTarget(
        "ticket", ticket.ticket_id, ticket.ticket_no, ticket.service_name, clock_day(services)
    )
    flow = flows.rating(target)
    assert step(flow.choose_level, services, 2) == RatingStep(
        target=target, level=2, asking_reasons=True
    )
    assert refused(step(flow.submit, services, [])) == [("reasons", "请至少选一个原因。")]
    assert step(flow.submit, services, ["wait"]) == Finished(message_key="rating.thanks")
    assert step(flows.rating(target).choose_level, services, 5) == Finished(
        message_key="rating.thanks"
    )
    assert ratings(services) == [("ticket", 2, "wait"), ("ticket", 5, "")]


def test_a_rating_of_a_ticket_whose_number_is_typed_in(flows, services):
    services.queue.take("civil")
    flow = flows.rating()
    assert flow.current() == RatingStep(target=None)
    with pytest.raises(UnknownTicket):
        step(flow.find, services, "B009")
    faces = step(flow.find, services, "B001")
    assert faces.target.number == "B001" and not faces.asking_reasons
    assert (faces.target.name, faces.target.day) == ("民政救助", clock_day(services))


# -- 办不成事 --------------------------------------------------------------------------------------


def test_an_unsolved_report_gives_a_reference_and_checks_the_phone(flows, services):
    flow = flows.unsolved("511500-0201-03")
    assert step(flow.choose_kind, services, "trips") == UnsolvedStep(kind="trips")
    assert refused(step(flow.submit, services, "1390000111")) == [
        ("contact_phone", "“联系电话”请填写11位手机号码，或带区号的座机号码。")
    ]
    done = step(flow.submit, services, "13900001111")
    assert (done.kind, done.reference) == ("trips", "BC-1123-001")
    assert done.next_steps[0].key == "next.report"
    row = services.store.conn.execute("SELECT item_code, description FROM unsolved_report")
    item_code, sealed = row.fetchone()
    assert item_code == "511500-0201-03"
    assert services.vault.unseal(sealed) == "跑了几次没办成"


# -- 办事指南 --------------------------------------------------------------------------------------


def test_the_guide_from_themes_and_initials_to_a_printed_materials_list(flows, services, printer):
    flow = flows.guide()
    themes = step(flow.themes, services).themes
    assert "医疗保障" in [t.name for t in themes]
    in_theme = step(flow.open_theme, services, "医疗保障")
    assert "异地就医备案" in [h.name for h in in_theme.hits]
    assert step(flow.search, services, "").hits == ()
    found = step(flow.search, services, "YDJY")
    assert found.hits[0].name == "异地就医备案"
    assert flow.all_hits().hits == found.hits and flow.all_hits().heading == "YDJY"
    page = step(flow.open_item, services, found.hits[0].code)
    assert page.item.code == "511500-0201-03"
    assert step(flow.print_materials, services, page).printed
    (job,) = printer.wait_for_jobs(1)
    assert "居民身份证" in job.text


# -- the visit -------------------------------------------------------------------------------


def test_the_visit_rates_what_it_was_served_and_forgets_everything(flows, services):
    session = KioskSession(flows)
    assert not session.has_personal_data
    assert session.guide.personal is False  # browsing holds nothing personal
    assert not session.has_personal_data and session.rating.target is None
    session.clear()
    step(session.take_number.choose_service, services, "hukou")
    ticket = step(session.take_number.choose_priority, services, None)
    assert session.has_personal_data
    assert session.rating.target == ticket.served
    step(session.application.card_read, services, YOUNGER)
    assert "李秀芳" not in repr(session) and YOUNGER.id_number not in repr(session)
    assert "秀" not in repr(session.application.applicant)
    session.clear()
    assert not session.has_personal_data and session.rating.target is None


def test_no_screen_calls_another_screen():
    """Screens render a step and forward taps; navigation follows the step a flow returns."""
    screens = REPO / "kiosk" / "ui" / "screens"
    calls = re.compile(r"""app\.screen\(\s*["']""")
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted([*screens.glob("*.py"), *screens.glob("*.kv")])
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if calls.search(line)
    ]
    assert found == []


def test_every_message_key_a_flow_names_is_in_the_catalogue():
    from tests.flows_fixtures import MESSAGES

    literal = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
    sources = [*(REPO / "kiosk" / "core" / "flows").glob("*.py"), REPO / "kiosk/core/forms.py"]
    named = {key for path in sources for key in literal.findall(path.read_text("utf-8"))}
    assert len(named) > 15
    assert sorted(key for key in named if key not in MESSAGES) == []


def test_a_visit_rates_the_case_it_submitted_over_the_ticket_it_took(flows, services):
    session = KioskSession(flows)
    step(session.take_number.choose_service, services, "hukou")
    ticket = step(session.take_number.choose_priority, services, None)
    flow = session.application
    step(flow.choose_item, services, services.catalogue.item(REFERRAL))
    step(flow.card_read, services, YOUNGER)
    step(flow.confirm, services)
    fill(flow, services, REFERRAL_FORM)
    assert session.served() == ticket.served  # an application not yet submitted: the ticket
    step(flow.materials_done, services, {"M01"})
    receipt = step(flow.submit, services)
    assert session.served() == receipt.served != ticket.served
    assert session.rating.target == receipt.served

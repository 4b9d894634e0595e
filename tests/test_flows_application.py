"""我要办 as a flow in core, driven by a plain test the way the kiosk's screens drive it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.cases import AgentRef, Applicant, MaterialsMissing
from kiosk.core.flows import (
    ApplicantSource,
    AuthorizationStep,
    CardStep,
    Channel,
    ChooseApplicantStep,
    ConfirmStep,
    FieldStep,
    IdEntryStep,
    MaterialsStep,
    ReceiptStep,
    ReviewStep,
)
from tests.flows_fixtures import (  # noqa: F401
    ELDER,
    YOUNGER,
    card_of_kind,
    flows_fixture,
    printer_fixture,
    refused,
    services_fixture,
    step,
)

REFERRAL = "511500-0201-03"  # 异地就医备案: phone, kind (choice), destination (address), date
RETIREMENT = "511500-9002-01"  # 退休一件事: a bundle of three items
REIMBURSE = "511500-0201-05"  # 零星医疗费用报销: phone, bank_account, amount, treatment_date
FUNERAL = "511500-0101-04"  # 丧葬补助金: deceased_name (text), deceased_id_number, ...


def outbox_cases(services):
    return services.store.conn.execute(
        "SELECT record_id, revision FROM outbox WHERE kind = 'case' ORDER BY seq"
    ).fetchall()


def confirmed(flows, services, code=REFERRAL, card=YOUNGER):
    """An application for ``code`` by ``card``'s holder, at its first field."""
    flow = flows.application()
    step(flow.choose_item, services, services.catalogue.item(code))
    step(flow.card_read, services, card)
    return flow, step(flow.confirm, services)


def fill(flow, services, values: dict[str, str]):
    """Enter each value on its page; the step after the last."""
    result = None
    for name, value in values.items():
        result = step(flow.enter, services, name, value)
        assert not hasattr(result, "errors"), refused(result)
    return result


REFERRAL_FORM = {
    "phone": "13812345678",
    "kind": "异地转诊就医",
    "destination": "四川省绵阳市三台县",
    "start_date": "2026-11-24",
}


def tap_place(flow, name, *names):
    """Tap province, city and county on the place field ``name``."""
    shown = None
    for wanted in names:
        shown = shown or flow._field_step(flow._index(name))
        (region,) = [r for r in shown.places if r.name == wanted]
        shown = flow.pick_place(name, region)
    return shown


def test_an_application_by_card_from_item_to_printed_receipt(flows, services, printer):
    flow = flows.application()
    item = services.catalogue.item(REFERRAL)
    assert step(flow.choose_item, services, item) == CardStep(
        item_code=REFERRAL, item_name="异地就医备案", page=1, pages=8
    )
    confirm = step(flow.card_read, services, YOUNGER)
    assert confirm == ConfirmStep(
        name="李秀芳", id_number=YOUNGER.id_number, from_card=True, page=2, pages=8
    )
    assert flow.case_ids == {}  # no draft until 是我本人

    phone = step(flow.confirm, services)
    assert isinstance(phone, FieldStep) and (phone.index, phone.total) == (0, 4)
    assert (phone.page, phone.pages) == (3, 8)
    assert phone.field.name == "phone" and phone.entry.max_length == 12 and phone.value == ""
    kind = step(flow.enter, services, "phone", "13812345678")
    assert kind.field.type == "choice" and "异地转诊就医" in kind.options and kind.entry is None
    destination = step(flow.enter, services, "kind", "异地转诊就医")
    assert destination.picks_place and destination.options == () and destination.value == ""
    picked = tap_place(flow, "destination", "四川省", "绵阳市", "三台县")
    assert picked.value == "四川省绵阳市三台县"
    start = step(flow.enter, services, "destination", picked.value)
    assert start.field.type == "date" and start.value == ""  # nothing chosen for the villager
    assert start.today.isoformat() == "2026-11-23"  # where the picker starts, in Sichuan
    materials = step(flow.enter, services, "start_date", "2026-11-23")
    assert isinstance(materials, MaterialsStep) and (materials.page, materials.pages) == (7, 8)
    assert [(m.code, m.name, m.required) for m in materials.materials] == [
        ("M01", "居民身份证", True),
        ("M23", "医院诊断证明书", False),
    ]

    review = step(flow.materials_done, services, {"M01"})
    assert isinstance(review, ReviewStep) and (review.page, review.pages) == (8, 8)
    assert (review.applicant_name, review.id_number) == ("李秀芳", YOUNGER.id_number)
    assert [(line.label, line.value) for line in review.lines] == [
        ("联系电话", "13812345678"),
        ("备案类型", "异地转诊就医"),
        ("就医地（省市县）", "四川省绵阳市三台县"),
        ("备案开始日期", "2026-11-23"),
    ]
    assert review.materials == ("居民身份证",)

    receipt = step(flow.submit, services)
    assert isinstance(receipt, ReceiptStep) and receipt.printed.printed
    (case_id,) = flow.case_ids.values()
    assert receipt.receipt.case_id == case_id and receipt.served.kind == "case"
    assert [tuple(r) for r in outbox_cases(services)] == [(case_id, 1)]
    (job,) = printer.wait_for_jobs(1)
    assert "异地就医备案" in job.text and "李*" in job.text


class TickingClock:
    """A clock one second later at every reading, as if each step took a while."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()

    def sleep(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def test_the_receipt_carries_the_stored_submission_time_and_promise(tmp_path, printer):
    from kiosk.app import build_app
    from kiosk.config import load_config
    from kiosk.core.flows import Flows
    from tests.conftest import write_site
    from tests.flows_fixtures import MESSAGES

    host, port = printer.listen()
    site = write_site(tmp_path, f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n')
    clock = TickingClock()
    services = build_app(load_config(site), clock)
    try:
        flows = Flows(services.config, MESSAGES, clock)
        flow, _phone = confirmed(flows, services)
        fill(flow, services, REFERRAL_FORM)
        step(flow.materials_done, services, {"M01"})
        receipt = step(flow.submit, services).receipt
        (case_id,) = flow.case_ids.values()
        stored = services.cases.case(case_id).summary
    finally:
        services.close()
    assert receipt.submitted_at == datetime.fromisoformat(stored.submitted_at)
    assert receipt.submitted_at < clock.now() - timedelta(seconds=1)  # not a later reading
    assert receipt.reference == stored.reference and stored.reference.startswith("BM-1123-")
    # Not on the platform yet: no promised date, the promise counts from the sending.
    assert (receipt.stage, receipt.promised_days, receipt.promised_date) == ("saved", 1, None)


@pytest.mark.parametrize(
    ("code", "field", "value", "shown"),
    [
        (REFERRAL, "phone", "", "“联系电话”还没有填，请补上。"),
        (REFERRAL, "phone", "1381234", "“联系电话”还差 4 位"),
        (REFERRAL, "phone", "02812", "“联系电话”请填写11位手机号码，或带区号的座机号码。"),
        (REFERRAL, "kind", "出国旅游", "“备案类型”请从给出的选项中选一个。"),
        (REFERRAL, "destination", "成都", "“就医地（省市县）”请写清楚乡镇、村和组。"),
        (REFERRAL, "start_date", "2026-02-30", "“备案开始日期”请选择一个日期。"),
        (REIMBURSE, "amount", "12a", "“申请报销金额（元）”请填写数字。"),
        (
            FUNERAL,
            "deceased_id_number",
            "510722198603052621",
            "“逝者身份证号码”不是有效的身份证号码，请核对后重新输入。",
        ),
        (FUNERAL, "deceased_name", "王\x07", "“逝者姓名”里有不能用的字符，请重新填写。"),
    ],
)
def test_each_wrong_value_is_refused_with_a_sentence_before_the_store(
    flows, services, code, field, value, shown
):
    flow, _first = confirmed(flows, services, code)
    quick = flow.enter.answer(flow, field, value)  # answered at once, with no services
    [(name, sentence)] = refused(quick)
    assert name == field
    assert sentence == shown
    (case_id,) = flow.case_ids.values()
    assert services.cases.case(case_id).form == {}  # nothing stored


def test_a_keyed_number_needs_its_18_characters_and_the_right_check_character(flows, services):
    flow = flows.application()
    step(flow.choose_item, services, services.catalogue.item(REFERRAL))
    assert step(flow.key_in, services) == IdEntryStep(purpose="application", page=1, pages=8)
    assert refused(step(flow.keyed_id_number, services, "5107221986")) == [
        ("id_number", "还差 8 位")
    ]
    assert refused(step(flow.keyed_id_number, services, "510722198603052621")) == [
        ("id_number", "身份证号码不对，请检查后重新输入。")
    ]
    assert flow.applicant is None
    confirm = step(flow.keyed_id_number, services, "510722198603052620")
    assert confirm == ConfirmStep(  # no name is known until staff check the card
        name="", id_number="510722198603052620", from_card=False, page=2, pages=8
    )
    step(flow.confirm, services)
    (case_id,) = flow.case_ids.values()
    assert services.cases.case(case_id).applicant["name"] == "待窗口核实"  # for the platform


def test_not_me_and_previous_go_back_the_way_the_person_came(flows, services):
    flow = flows.application()
    step(flow.choose_item, services, services.catalogue.item(REFERRAL))
    step(flow.card_read, services, YOUNGER)
    assert step(flow.not_me, services) == CardStep(
        item_code=REFERRAL, item_name="异地就医备案", backwards=True, page=1, pages=8
    )
    step(flow.keyed_id_number, services, ELDER.id_number)
    assert step(flow.not_me, services) == IdEntryStep(
        purpose="application", backwards=True, page=1, pages=8
    )

    flow, phone = confirmed(flows, services)
    kind = step(flow.enter, services, "phone", "13812345678")
    back = step(flow.previous, services, kind.field.name)
    assert back.field.name == "phone" and back.value == "13812345678" and back.backwards
    assert step(flow.previous, services, "phone") == ConfirmStep(
        name="李秀芳", id_number=YOUNGER.id_number, from_card=True, backwards=True, page=2, pages=8
    )
    again = step(flow.confirm, services)  # 是我本人 once more: the same draft, as filled in
    assert again.field.name == "phone" and again.value == "13812345678"
    drafts = services.store.conn.execute("SELECT count(*) FROM case_record").fetchone()[0]
    assert drafts == 1


def test_review_edit_returns_to_the_first_field_with_the_stored_values(flows, services):
    flow, _phone = confirmed(flows, services)
    fill(flow, services, REFERRAL_FORM)
    step(flow.materials_done, services, {"M01", "M23"})
    first = step(flow.edit, services)
    assert first.index == 0 and first.value == "13812345678"


def test_a_required_material_left_unticked_stops_on_the_checklist(flows, services):
    flow, _phone = confirmed(flows, services)
    fill(flow, services, REFERRAL_FORM)
    again = step(flow.materials_done, services, set())  # nothing can be attached at a kiosk
    assert isinstance(again, MaterialsStep) and again.missing == ("居民身份证",)
    with pytest.raises(MaterialsMissing) as caught:  # and the case refuses it all the same
        step(flow.submit, services)
    assert caught.value.names == ("居民身份证",)
    assert outbox_cases(services) == []
    assert isinstance(step(flow.materials_done, services, {"M01"}), ReviewStep)


def test_a_bundle_is_one_form_one_checklist_and_a_receipt_per_item(flows, services, printer):
    flow, first = confirmed(flows, services, RETIREMENT, ELDER)
    names = [first.field.name]
    result = first
    values = {
        "phone": "13908171234",
        "address": ELDER.address,
        "bank_account": "6228480000000000000",
        "retire_month": "2026-11-23",
        "change": None,
        "new_value": "6228480000000000001",
    }
    while isinstance(result, FieldStep):
        field = result.field
        value = values[field.name] if values[field.name] is not None else field.options[0]
        result = step(flow.enter, services, field.name, value)
        if isinstance(result, FieldStep):
            names.append(result.field.name)
    assert names == ["phone", "address", "bank_account", "retire_month", "change", "new_value"]
    assert isinstance(result, MaterialsStep)
    assert [m.name for m in result.materials] == [
        "居民身份证",
        "居民户口簿",
        "本人社会保障卡或银行账户（一卡通）",
    ]
    review = step(flow.materials_done, services, {m.code for m in result.materials})
    assert review.item_name == "退休一件事" and len(review.materials) == 3
    assert dict((line.label, line.value) for line in review.lines)["联系电话"] == "13908171234"
    receipt = step(flow.submit, services)
    assert len(receipt.receipts) == 3 and all(p.printed for p in receipt.prints)
    assert {r.case_id for r in receipt.receipts} == set(flow.case_ids.values())
    assert len(outbox_cases(services)) == 3
    assert len(printer.wait_for_jobs(3)) == 3


@pytest.mark.parametrize("kind", ["J", "I", "Y"])
def test_a_residence_permit_or_foreign_card_applies_as_its_document_type(flows, services, kind):
    card = card_of_kind(kind)
    flow, _phone = confirmed(flows, services, REFERRAL, card)
    (case_id,) = flow.case_ids.values()
    stored = services.cases.case(case_id).applicant
    assert stored["id_type"] == {"J": "hk_mo_tw_residence"}.get(kind, "foreign_permanent")
    assert stored["name"] == card.name


def test_an_agents_application_chooses_its_applicant_and_needs_the_authorization(flows, services):
    from tests.cases_fixtures import id_number

    agent = AgentRef("A-0007", "李代办")
    with pytest.raises(ValueError, match="names its agent"):
        flows.application(Channel.AGENT)
    flow = flows.application(Channel.AGENT, ApplicantSource.CHOSEN, agent)
    chooser = step(flow.choose_item, services, services.catalogue.item(REFERRAL))
    assert chooser == ChooseApplicantStep(
        item_code=REFERRAL, item_name="异地就医备案", page=1, pages=8
    )
    person = Applicant(id_number(), name="王秀英", address="翠屏区李庄镇高石村3组")
    first = step(flow.choose_applicant, services, person)
    assert first.field.name == "phone"
    assert step(flow.previous, services, "phone") == ChooseApplicantStep(
        item_code=REFERRAL, item_name="异地就医备案", backwards=True, page=1, pages=8
    )
    fill(flow, services, REFERRAL_FORM)
    authorization = step(flow.materials_done, services, {"M01"})
    assert authorization == AuthorizationStep(item_name="异地就医备案", page=7, pages=8)
    assert isinstance(step(flow.authorize, services, "id_card_present"), ReviewStep)
    step(flow.submit, services)
    (seq,) = [r[0] for r in services.store.conn.execute("SELECT seq FROM outbox")]
    body = services.outbox.body(seq)
    assert body["channel"] == "agent" and body["agent"]["agent_id"] == "A-0007"
    assert body["agent"]["authorization"]["method"] == "id_card_present"

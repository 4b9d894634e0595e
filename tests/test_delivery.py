"""邮寄送达: the delivery choice in 我要办, from the catalogue's field through the draft, the
review and the paper receipt to the reference platform, and back as progress."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.cases import AgentRef, Applicant, PostNotOffered, ResultDelivery
from kiosk.core.cases.delivery import masked_address
from kiosk.core.catalogue import seed_dir
from kiosk.core.flows import (
    ApplicantSource,
    Channel,
    FieldStep,
    Flows,
    MaterialsStep,
    ReceiptStep,
    ReviewStep,
)
from kiosk.core.flows.delivery import ADDRESS, DETAIL, GROUP, HOUSE, METHOD, PHONE, PLACE
from kiosk.demo.platform import running_platform
from offline_sync.contract import CatalogueError, check_item, load_catalogue
from offline_sync.platform_server.validation import CaseRules, Invalid, check_case
from tests.clocks import ManualClock
from tests.conftest import write_site
from tests.flows_fixtures import (  # noqa: F401
    MESSAGES,
    YOUNGER,
    flows_fixture,
    printer_fixture,
    refused,
    services_fixture,
    step,
)
from tests.test_flows_application import confirmed

SOCIAL_CARD = "511500-0101-05"  # 社会保障卡申领: phone, address (the applicant's), bank; post
PENSION = "511500-0101-01"  # 城乡居民基本养老保险参保登记: no post
PHONE_NO = "13908171234"


def start(flows, services, code=SOCIAL_CARD):
    """An application for ``code`` by 李秀芳 (her card read), at its first field."""
    return confirmed(flows, services, code, YOUNGER)


def fill_form(flow, services, first: FieldStep) -> FieldStep:
    """The social card's form (the phone, the address offered first, the first bank); the
    page after it."""
    assert first.field.name == "phone"
    address = answer(flow, services, "phone", PHONE_NO)
    bank = answer(flow, services, "address", address.options[0])
    return answer(flow, services, "bank", bank.options[0])


def answer(flow, services, name, value):
    result = step(flow.enter, services, name, value)
    assert not hasattr(result, "errors"), refused(result)
    return result


def posted_to_a_picked_place(flow, services, page: FieldStep):
    """邮寄送达, 选省市县 四川省绵阳市三台县, 3组12号, the form's phone."""
    page = answer(flow, services, METHOD, page.options[1])
    assert page.field.name == ADDRESS
    page = answer(flow, services, ADDRESS, page.options[1])  # pick a place
    assert page.field.name == PLACE and page.picks_place
    for name in ("四川省", "绵阳市", "三台县"):
        region = next(r for r in page.places if r.name == name)
        page = step(flow.pick_place, services, PLACE, region)
    assert page.value == "四川省绵阳市三台县"
    page = answer(flow, services, PLACE, page.value)
    assert page.field.name == GROUP and page.entry.keys == "digits"
    page = answer(flow, services, GROUP, "3")
    assert page.field.name == HOUSE
    page = answer(flow, services, HOUSE, "12")
    assert page.field.name == PHONE and page.value == PHONE_NO  # the form's phone, offered
    return answer(flow, services, PHONE, PHONE_NO)


def test_the_catalogue_says_which_items_may_be_posted():
    items = {item["code"]: item for item in load_catalogue(seed_dir())}
    posted = sorted(code for code, item in items.items() if item.get("postal_delivery"))
    assert SOCIAL_CARD in posted and len(posted) >= 5
    assert "postal_delivery" not in items[PENSION]  # absent: not posted
    wrong = dict(items[SOCIAL_CARD], postal_delivery="yes")
    with pytest.raises(CatalogueError) as refused_item:
        check_item(wrong)
    assert refused_item.value.params["field"] == "postal_delivery"


def test_the_choice_is_asked_after_the_form_one_page_at_a_time(flows, services):
    flow, first = start(flows, services)
    pages_before = first.pages
    page = fill_form(flow, services, first)
    assert isinstance(page, FieldStep) and page.field.name == METHOD
    assert page.options == ("窗口自取：办好后到窗口来拿", "邮寄送达：寄给您，不用再跑一趟")
    assert page.field.label == "办好以后，结果怎么给您？" and page.page == 6
    assert page.pages == pages_before  # one page counted for it from the start
    chose_post = answer(flow, services, METHOD, page.options[1])
    assert chose_post.pages == pages_before + 2  # the address and the phone
    assert chose_post.options == (
        "寄到身份证上的地址：四川省绵阳市三台县芦溪镇工农村5组17号",
        "选省、市、县，再按几组几号",
        "地址现在说不清，以后到窗口补充",
    )
    back = step(flow.previous, services, ADDRESS)
    assert back.field.name == METHOD and back.backwards and back.value == page.options[1]
    back = step(flow.previous, services, METHOD)
    assert back.field.name == "bank" and back.backwards
    assert refused(step(flow.enter, services, METHOD, "寄给邻居")) == [(METHOD, "请点一个选项。")]


def test_a_posted_result_is_on_the_review_the_receipt_and_the_paper(flows, services, printer):
    flow, first = start(flows, services)
    page = fill_form(flow, services, first)
    materials = posted_to_a_picked_place(flow, services, page)
    assert isinstance(materials, MaterialsStep)
    assert materials.page == materials.pages - 1
    review = step(flow.materials_done, services, {m.code for m in materials.materials})
    assert isinstance(review, ReviewStep) and review.page == review.pages
    said = {line.label: line.value for line in review.lines}
    assert said["结果怎么给您"] == "邮寄到 四川省绵阳市三台县3组12号，电话 139 0817 1234"

    receipt_step = step(flow.submit, services)
    assert isinstance(receipt_step, ReceiptStep)
    receipt = receipt_step.receipt
    assert receipt.result_delivery == ResultDelivery(
        "post", "四川省绵阳市三台县3组12号", "picked", "510722", PHONE_NO
    )
    lines = [s.text(MESSAGES) for s in receipt.next_steps]
    assert "办好后邮寄给您，快递员会先打电话联系您。" in lines
    assert not any("领取结果" in line for line in lines)  # nothing to collect
    (job,) = printer.wait_for_jobs(1)
    paper = job.text
    assert "取件方式" in paper and "邮寄送达" in paper
    assert "四川省绵阳市三台县****" in paper and "3组12号" not in paper
    assert "139****1234" in paper and PHONE_NO not in paper


def test_the_card_address_and_the_counter_are_offered_too(flows, services, printer):
    flow, first = start(flows, services)
    page = answer(flow, services, METHOD, fill_form(flow, services, first).options[1])
    phone_page = answer(flow, services, ADDRESS, page.options[0])  # the card's address
    assert phone_page.field.name == PHONE
    assert refused(step(flow.enter, services, PHONE, "1390817")) == [
        (PHONE, "“收件电话（快递员会打这个电话）”还差 4 位")
    ]
    step(flow.enter, services, PHONE, "13800001111")
    case = services.cases.case(next(iter(flow.case_ids.values())))
    assert case.result_delivery.address == YOUNGER.address
    assert case.result_delivery.address_source == "id_card"
    assert case.summary.result_method == "post"
    # 上一步 back to the address: at the counter instead (nothing to pick, no address kept)
    step(flow.previous, services, PHONE)
    step(flow.enter, services, ADDRESS, page.options[2])
    materials = step(flow.enter, services, PHONE, "13800001111")
    review = step(flow.materials_done, services, {m.code for m in materials.materials})
    said = {line.label: line.value for line in review.lines}
    assert said["结果怎么给您"] == "邮寄，地址以后到窗口补充，电话 138 0000 1111"
    done = step(flow.submit, services)
    lines = [s.text(MESSAGES) for s in done.receipt.next_steps]
    assert "请带上身份证到 1号窗口、2号窗口 补充邮寄地址，办好后邮寄给您。" in lines
    (job,) = printer.wait_for_jobs(1)
    assert "到窗口补充" in job.text


def test_a_keyed_number_has_no_card_address_to_offer(flows, services):
    flow = flows.application()
    step(flow.choose_item, services, services.catalogue.item(SOCIAL_CARD))
    step(flow.keyed_id_number, services, YOUNGER.id_number)
    first = step(flow.confirm, services)
    method = fill_form(flow, services, first)  # the address: 到窗口向工作人员说明
    address = answer(flow, services, METHOD, method.options[1])
    assert address.options == ("选省、市、县，再按几组几号", "地址现在说不清，以后到窗口补充")


def test_window_pickup_is_kept_and_said_as_before(flows, services):
    flow, first = start(flows, services)
    page = fill_form(flow, services, first)
    materials = answer(flow, services, METHOD, page.options[0])
    assert isinstance(materials, MaterialsStep) and materials.pages == page.pages
    step(flow.materials_done, services, {m.code for m in materials.materials})
    receipt = step(flow.submit, services).receipt
    assert receipt.result_delivery == ResultDelivery("pickup")
    lines = [s.text(MESSAGES) for s in receipt.next_steps]
    assert any("领取结果" in line for line in lines)
    body = services.outbox.body(1)
    assert body["result_delivery"] == {"method": "pickup"}


def test_an_item_that_cannot_be_posted_asks_nothing(flows, services):
    flow, first = start(flows, services, PENSION)
    step(flow.enter, services, "phone", PHONE_NO)
    step(flow.enter, services, "address", YOUNGER.address)
    materials = step(flow.enter, services, "grade", "300元")
    assert isinstance(materials, MaterialsStep) and not flow.delivery_offered
    case_id = next(iter(flow.case_ids.values()))
    with pytest.raises(PostNotOffered):
        services.cases.set_result_delivery(
            case_id, ResultDelivery("post", YOUNGER.address, "id_card", None, PHONE_NO)
        )
    services.cases.check_material(case_id, "M01")
    services.cases.check_material(case_id, "M02")
    services.cases.submit(case_id)
    assert "result_delivery" not in services.outbox.body(1)


def test_a_bundle_is_posted_only_when_every_item_may_be(services):
    card = YOUNGER
    retirement = services.cases.start_bundle("511500-9002-01", {
        "name": card.name, "id_number": card.id_number, "address": card.address})  # fmt: skip
    posted = ResultDelivery("post", card.address, "id_card", None, PHONE_NO)
    with pytest.raises(PostNotOffered):
        services.cases.set_bundle_result_delivery(retirement.bundle_id, posted)
    pickup = services.cases.set_bundle_result_delivery(
        retirement.bundle_id, ResultDelivery("pickup")
    )
    assert pickup == ResultDelivery("pickup")
    methods = {services.cases.case(c).summary.result_method for c in retirement.case_ids.values()}
    assert methods == {"pickup"}


def agent_flow(services, clock):
    return Flows(services.config, MESSAGES, clock).application(
        Channel.AGENT, ApplicantSource.CHOSEN, AgentRef("A001", "李代办")
    )


def test_an_agent_picks_the_county_and_types_below_it(services, clock):
    flow = agent_flow(services, clock)
    step(flow.choose_item, services, services.catalogue.item(SOCIAL_CARD))
    person = Applicant(id_number=YOUNGER.id_number, name=YOUNGER.name, address=YOUNGER.address)
    page = fill_form(flow, services, step(flow.choose_applicant, services, person))
    assert page.field.name == METHOD and flow.delivery_offered
    page = answer(flow, services, METHOD, page.options[1])
    assert page.options == ("选省、市、县，再填详细地址", "地址现在说不清，以后到窗口补充")  # typed
    page = answer(flow, services, ADDRESS, page.options[0])
    for name in ("四川省", "宜宾市", "翠屏区"):
        page = step(
            flow.pick_place, services, PLACE, next(r for r in page.places if r.name == name)
        )
    page = answer(flow, services, PLACE, page.value)
    assert page.field.name == DETAIL and page.entry is None and page.field.required
    assert refused(step(flow.enter, services, DETAIL, " ")) == [
        (DETAIL, "“详细地址（乡镇、村、组、门牌号）”还没有填，请补上。")
    ]
    page = answer(flow, services, DETAIL, "李庄镇 高石村3组8号")
    assert page.field.name == PHONE
    assert refused(step(flow.enter, services, PHONE, "12")) == [
        (PHONE, "“收件电话（快递员会打这个电话）”还差 9 位")
    ]
    materials = answer(flow, services, PHONE, "139 0817 1234")
    assert isinstance(materials, MaterialsStep)
    stored = ResultDelivery(
        "post", "四川省宜宾市翠屏区李庄镇高石村3组8号", "picked", "511502", PHONE_NO
    )
    assert flow.delivery_choice == stored

    again = agent_flow(services, clock)  # the draft taken up again: the choice shows
    (case_id,) = flow.case_ids.values()
    assert isinstance(step(again.resume, services, case_id), MaterialsStep)
    page = step(again.edit, services)
    while page.field.name != METHOD:
        page = answer(again, services, page.field.name, page.value)
    assert page.value == page.options[1]
    page = answer(again, services, METHOD, page.value)
    assert page.value == "选省、市、县，再填详细地址"
    page = answer(again, services, ADDRESS, page.value)
    assert page.value == "四川省宜宾市翠屏区" and [r.name for r in page.place_path][-1] == "翠屏区"
    page = answer(again, services, PLACE, page.value)
    assert page.value == "李庄镇高石村3组8号"


def test_an_agent_draft_left_before_the_choice_asks_it_when_taken_up(services, clock):
    flow = agent_flow(services, clock)
    step(flow.choose_item, services, services.catalogue.item(SOCIAL_CARD))
    person = Applicant(id_number=YOUNGER.id_number, name=YOUNGER.name, address=YOUNGER.address)
    fill_form(flow, services, step(flow.choose_applicant, services, person))
    (case_id,) = flow.case_ids.values()
    page = step(agent_flow(services, clock).resume, services, case_id)
    assert isinstance(page, FieldStep) and page.field.name == METHOD


def test_the_platform_checks_the_extension():
    item = {"code": SOCIAL_CARD, "postal_delivery": True, "form": [], "materials": []}
    body = _case_body({"method": "post", "address": "四川省绵阳市三台县3组12号",
                       "address_source": "picked", "region_code": "510722", "phone": PHONE_NO})  # fmt: skip
    rules = CaseRules(lambda code, version: item, lambda number: True, lambda agent: False)
    check_case(body, rules)
    for change, field in [
        ({"method": "drone"}, "result_delivery.method"),
        ({"phone": "12345"}, "result_delivery.phone"),
        ({"address_source": "guessed"}, "result_delivery.address_source"),
        ({"address": ""}, "result_delivery.address"),
        ({"region_code": "5107"}, "result_delivery.region_code"),
        ({"address_source": "at_counter"}, "result_delivery.address"),  # an address given too
    ]:
        with pytest.raises(Invalid) as refused_body:
            check_case(_case_body({**body["result_delivery"], **change}), rules)
        assert refused_body.value.field == field
    item["postal_delivery"] = False
    with pytest.raises(Invalid, match="does not allow postal delivery"):
        check_case(body, rules)
    check_case(_case_body({"method": "pickup"}), rules)


def _case_body(delivery: dict) -> dict:
    return {
        "item_code": SOCIAL_CARD,
        "item_version": 1,
        "bundle_code": None,
        "channel": "kiosk",
        "applicant": {
            "name": "李秀芳",
            "id_type": "resident_id",
            "id_number": YOUNGER.id_number,
            "phone": None,
            "address": None,
        },  # fmt: skip
        "agent": None,
        "form": {},
        "attachments": [],
        "created_at": "2026-11-23T09:12:44+08:00",
        "submitted_at": "2026-11-23T09:15:02+08:00",
        "result_delivery": delivery,
    }


def test_addresses_on_paper_stop_at_the_county():
    assert masked_address("四川省宜宾市翠屏区李庄镇永胜村3组28号") == "四川省宜宾市翠屏区****"
    assert masked_address("重庆市渝中区解放碑街道1号") == "重庆市渝中区****"
    assert masked_address("四川省凉山彝族自治州昭觉县竹核乡") == "四川省凉山彝族自治州昭觉县****"
    assert masked_address("四川省绵阳市三台县") == "四川省绵阳市三台县"
    assert masked_address(None) == ""


def test_a_posted_case_reaches_the_platform_and_its_progress_says_so(tmp_path, printer):
    with running_platform(tmp_path / "platform", catalogue=seed_dir()) as platform:
        host, port = printer.listen()
        (tmp_path / "kiosk").mkdir()
        site = write_site(
            tmp_path / "kiosk",
            f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n' + platform.site_toml(),
        )
        clock = ManualClock(datetime.now(UTC))
        services = build_app(load_config(site), clock)
        engine = services.sync.engine(services.store)
        try:
            flows = Flows(services.config, MESSAGES, clock)
            flow, first = start(flows, services)
            materials = posted_to_a_picked_place(flow, services, fill_form(flow, services, first))
            step(flow.materials_done, services, {m.code for m in materials.materials})
            case_id = step(flow.submit, services).receipt.case_id
            assert engine.run_once(30, wait=False).complete
            (stored,) = platform.service.stored_records("case")
            assert stored["body"]["result_delivery"] == {
                "method": "post",
                "address": "四川省绵阳市三台县3组12号",
                "address_source": "picked",
                "region_code": "510722",
                "phone": PHONE_NO,
            }
            progress = flows.progress()
            before = step(progress.card_read, services, YOUNGER).cases[0]
            assert "办好后结果会邮寄给您。" in [s.text(MESSAGES) for s in before.next_steps]
            case_no = services.cases.case_no(case_id)
            for status in ("accepted", "completed"):
                platform.service.set_case_status(case_no, status)
            assert engine.run_once(30, wait=False).complete
            after = step(progress.card_read, services, YOUNGER).cases[0]
            lines = [s.text(MESSAGES) for s in after.next_steps]
            assert after.stage == "completed"
            assert lines[0] == "已经办好，结果邮寄给您，请留意快递员的电话。"
            assert not any("领取结果" in line for line in lines)
        finally:
            engine.close()
            services.close()

"""What an elderly villager tripped over (issue 13), one test per class of defect, in core:
each failed on the code before the second pass."""

from __future__ import annotations

from datetime import date

from devices.printer import Document
from devices.printer.paper import PAPER_80
from kiosk.core.appliers import appliers
from kiosk.core.cases.reference import parse_reference, typed_digits
from kiosk.core.flows import FieldStep
from kiosk.core.forms import is_applicant_address
from kiosk.core.line_breaks import break_lines, pieces
from kiosk.core.receipts import render_materials, render_receipt, render_ticket
from kiosk.core.wording import group_phone, long_date
from tests.conftest import bianmin
from tests.flows_fixtures import (  # noqa: F401
    MESSAGES,
    YOUNGER,
    flows_fixture,
    printer_fixture,
    services_fixture,
    step,
)
from tests.printer_fixtures import GREEN_TICKET_PAPER, MATERIALS, RECEIPT, SITE, TEXT
from tests.test_flows_application import REFERRAL, REFERRAL_FORM, confirmed, fill


def fields_of(services, code):
    return services.catalogue.item(code).form


def test_only_the_applicants_own_address_may_come_from_the_card(flows, services):
    flow, _ = confirmed(flows, services, "511500-0101-01")  # 养老保险参保: 现居住地址
    address = step(flow.enter, services, "phone", "13812345678")
    assert address.options == (YOUNGER.address, "到窗口向工作人员说明")
    assert address.value == ""  # offered, never chosen for them
    flow, _ = confirmed(flows, services, REFERRAL)  # 异地就医备案: 就医地 is a place
    step(flow.enter, services, "phone", "13812345678")
    place = step(flow.enter, services, "kind", "异地转诊就医")
    assert place.picks_place and YOUNGER.address not in place.options and place.value == ""
    assert place.places[0].name == "四川省"
    places = [f for item in ("511500-0101-03", "511500-0401-03") for f in fields_of(services, item)]
    assert not any(is_applicant_address(f) for f in places if f.type == "address")


def test_nothing_is_chosen_for_the_villager_a_date_starts_empty(flows, services):
    flow, _ = confirmed(flows, services)
    result = fill(flow, services, {k: v for k, v in REFERRAL_FORM.items() if k != "start_date"})
    assert isinstance(result, FieldStep) and result.field.type == "date" and result.value == ""


def test_offline_the_receipt_and_progress_tell_the_truth(flows, services, printer):
    flow, _ = confirmed(flows, services)
    fill(flow, services, REFERRAL_FORM)
    step(flow.materials_done, services, {"M01"})
    receipt = step(flow.submit, services).receipt
    assert receipt.stage == "saved" and receipt.promised_date is None
    assert [s.text(MESSAGES) for s in receipt.next_steps[:2]] == [
        "现在不用去窗口。",
        "本机联网后自动上报，上报后 1 个工作日内办好。",
    ]
    (job,) = printer.wait_for_jobs(1)
    text = job.text.replace("\n", "")
    assert "已保存，等待上报" in text and "受理" not in text and "已收材料" not in text
    with services.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'delivered'")
    assert services.cases.case(receipt.case_id).summary.stage == "sent"


def _platform_says(services, case_id, step_no, status, reason=None):
    with services.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'delivered'")
        appliers(services.vault)["case_status"](conn, {"case_id": case_id, "case_no": "N1",
            "step": step_no, "status": status, "reason": reason, "result": None,
            "at": "2026-11-23T15:00:00+08:00"})  # fmt: skip


def test_progress_says_what_to_do_next_at_every_stage_in_plain_words(flows, services):
    flow, _ = confirmed(flows, services)
    fill(flow, services, REFERRAL_FORM)
    step(flow.materials_done, services, {"M01"})
    receipt = step(flow.submit, services).receipt

    def look():
        (case,) = step(
            flows.progress().keyed_reference, services, typed_digits(receipt.reference)
        ).cases
        return case, [s.text(MESSAGES) for s in case.next_steps]

    steps = {}
    for n, status in enumerate(("accepted", "needs_correction", "completed", "rejected"), 1):
        _platform_says(
            services, receipt.case_id, n, status, "请补交医院诊断证明书。" if n == 2 else None
        )
        steps[status] = look()
    case, lines = steps["accepted"]
    assert lines[0].startswith("现在不用去窗口") and case.promised_shown  # waiting: say so
    case, lines = steps["needs_correction"]
    assert lines[:2] == [
        "工作人员说：请补交医院诊断证明书。",
        "请带上身份证和要补交的材料，到 1号窗口、2号窗口 补交。",
    ]
    case, lines = steps["completed"]
    assert "领取结果" in lines[0] and not case.promised_shown  # done: no promise left
    assert MESSAGES.get("case.status.completed") == MESSAGES.get("case.stage.completed") == "办好了"
    case, lines = steps["rejected"]
    assert "为什么" in lines[0] and MESSAGES.get("case.stage.rejected") == "没有办成"


def test_references_are_short_unique_and_found_typed_or_scanned(flows, services):
    references = []
    for _ in range(2):
        flow, _ = confirmed(flows, services)
        fill(flow, services, REFERRAL_FORM)
        step(flow.materials_done, services, {"M01"})
        references.append(step(flow.submit, services).receipt.reference)
    assert references == ["BM-1123-001", "BM-1123-002"]
    assert parse_reference("1123002") == (11, 23, 2)
    found = services.cases.find_reference("1123002")
    assert found.summary.reference == "BM-1123-002"
    assert services.cases.find("BM-1123-001").summary.reference == "BM-1123-001"


def test_the_rating_names_the_service_and_the_day(flows, services):
    services.queue.take("civil")
    faces = step(flows.rating().find, services, "B001")
    assert (faces.target.name, faces.target.day) == ("民政救助", services.queue.local_day())


def test_green_channel_keeps_its_number_on_paper_with_a_mark():
    out = render_ticket(Document(PAPER_80), GREEN_TICKET_PAPER, SITE, TEXT)
    assert b"VA013" not in out and b"A013" in out
    assert "绿色通道".encode("gb18030") in out


def test_printed_titles_are_never_emboldened_double_size():
    bold_big = b"\x1bE\x01"  # bold on
    for data in (
        render_receipt(Document(PAPER_80), RECEIPT, SITE, TEXT),
        render_materials(Document(PAPER_80), MATERIALS, SITE, TEXT),
    ):
        for size in (b"\x1d!\x11", b"\x1d!\x01"):  # double width+height, double height
            at = data.find(size)
            while at != -1:
                run = data[at : data.find(b"\n", at)]
                cjk = any(b >= 0x81 for b in run[3:])
                assert not (cjk and bold_big in data[max(0, at - 8) : at + 3]), run
                at = data.find(size, at + 1)


def test_the_materials_list_carries_the_guides_qr(flows, services, printer):
    guide = flows.guide()
    page = step(guide.open_item, services, REFERRAL)
    assert step(guide.print_materials, services, page).printed
    (job,) = printer.wait_for_jobs(1)
    assert [line.text for line in job.lines if line.kind == "qr"] == [page.qr_text]


def test_dates_phones_and_step_counts_read_the_same_everywhere(flows, services):
    assert long_date(date(2026, 11, 24), MESSAGES) == "2026年11月24日 星期二"
    assert group_phone("13812345678") == "138 1234 5678" and group_phone("1381") == "138 1"
    flow, first = confirmed(flows, services)
    assert (first.page, first.pages) == (3, 8)  # the card and 是我本人 count too
    short = flow.enter.answer(flow, "phone", "1381234")
    assert short.first.key == "form.short" and dict(short.first.values)["count"] == 4


def test_every_result_says_what_to_do_next(flows, services):
    flow = flows.take_number()
    step(flow.choose_service, services, "hukou")
    issued = step(flow.choose_priority, services, None)
    assert (
        issued.next_steps[0].text(MESSAGES) == "请到 3号窗口、4号窗口 前等候，叫到 C001 再去办理。"
    )
    report = flows.unsolved()
    step(report.choose_kind, services, "other")
    done = step(report.submit, services, None)
    assert done.next_steps and "找工作人员" in done.next_steps[0].text(MESSAGES)


def test_call_staff_raises_the_help_wanted_alert(services):
    services.alerts.raise_alert("help_wanted", "form")
    assert [(a.kind, a.detail) for a in services.alerts.raised()] == [("help_wanted", "form")]
    assert services.alerts.clear("help_wanted") and services.alerts.raised() == []


def test_the_guide_opens_on_popular_items_and_life_events(flows, services):
    start = step(flows.guide().themes, services)
    assert len(start.popular) == 6
    assert {"birth", "old_age", "disability", "death"} <= {e.key for e in start.events}
    items = step(flows.guide().open_event, services, "death")
    assert "死亡人员户口注销" in [h.name for h in items.hits]


def test_every_mainland_province_can_be_picked_the_sites_own_city_first(flows, services):
    flow, _ = confirmed(flows, services)
    step(flow.enter, services, "phone", "13812345678")
    place = step(flow.enter, services, "kind", "异地转诊就医")
    assert len(place.places) == 31 and {"广东省", "浙江省", "北京市"} <= {
        p.name for p in place.places
    }
    sichuan = flow.pick_place("destination", place.places[0])
    assert sichuan.places[0].name == "宜宾市"  # the site (511502, 翠屏区) is in 宜宾
    guangdong = next(p for p in place.places if p.name == "广东省")
    cities = flow.pick_place("destination", guangdong)
    dongguan = next(c for c in cities.places if c.name == "东莞市")
    chosen = flow.pick_place("destination", dongguan)  # a city with no counties of its own
    assert chosen.value == "广东省东莞市"


def test_chinese_lines_break_after_a_pause_never_inside_a_word():
    sentence = "请到 1号窗口、2号窗口 前等候，叫到 A001 再去办理。"
    assert pieces(sentence) == ["请到 1号窗口、", "2号窗口 前等候，", "叫到 A001 再去办理。"]
    within = break_lines(sentence, lambda line: len(line) <= 12)
    assert within.lines[:2] == ("请到 1号窗口、", "2号窗口 前等候，") and not within.splits_a_word
    word = break_lines("找工作人员", lambda line: len(line) <= 3)  # a box too small for it
    assert word.splits_a_word
    name = break_lines("事实无人抚养儿童认定", lambda line: len(line) <= 7)
    assert name.lines == ("事实无人抚", "养儿童认定") and not name.splits_a_word  # even, no widow


def test_staff_alerts_show_in_status_and_doctor_and_are_cleared(services, tmp_path):
    site_file = tmp_path / "site.toml"  # the services' own site
    services.alerts.raise_alert("help_wanted", "form")
    assert "help_wanted since" in bianmin("status", site_file=site_file).stdout
    assert "WARN  staff_alerts" in bianmin("doctor", "staff_alerts", site_file=site_file).stdout
    assert bianmin("alerts", "clear", "help_wanted", site_file=site_file).exit_code == 0
    assert "no open alerts" in bianmin("alerts", site_file=site_file).stdout
    assert bianmin("alerts", "clear", "help_wanted", site_file=site_file).exit_code == 1

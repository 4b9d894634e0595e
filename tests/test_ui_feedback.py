"""进度查询, 好差评 and 办不成事 by touch, with the records they leave behind."""

from __future__ import annotations

from tests.test_ui_apply import find_item_by_initials
from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

LI = "510722198603052620"  # 李秀芳, card 1 of the simulator


def submit_case_for(kiosk, id_number: str) -> str:
    """A submitted case of item 异地就医备案 for this person, made through the services."""

    def submit(services):
        case_id = services.cases.new_draft(
            "511500-0201-03",
            {"name": "李秀芳", "id_type": "resident_id", "id_number": id_number},
            form={
                "phone": "13812345678",
                "kind": "临时外出就医",
                "destination": "四川省成都市武侯区",
                "start_date": "2026-12-01",
            },
        )
        services.cases.check_material(case_id, "M01")
        services.cases.submit(case_id)
        return case_id

    return kiosk.app.call(submit).result(timeout=10)


def test_progress_by_card_tells_truly_where_the_case_stands(kiosk, reader):
    submit_case_for(kiosk, LI)
    kiosk.tap(id="progress")
    assert kiosk.shows("请放身份证")
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.shows("您共有 1 件申请"), what="the case list")
    assert kiosk.shows("异地就医备案") and kiosk.shows("已保存，等待上报")
    assert not kiosk.shows("承诺") and not kiosk.shows("受理")  # not on the platform yet
    kiosk.app.go_home()
    assert kiosk.app.screen("progress").cases == []


def test_progress_by_typed_id_number_for_someone_with_no_case(kiosk):
    kiosk.tap(id="progress")
    kiosk.tap(id="manual")
    pad = kiosk.keys("pad")
    for ch in "11010519491231002X":
        kiosk.tap(pad[ch])
    kiosk.tap(id="ok")
    kiosk.wait_until(lambda: kiosk.shows("没有找到您的申请记录"), what="no cases")


def test_rating_the_ticket_just_taken_needs_a_reason_when_unhappy(kiosk, printer):
    kiosk.tap(id="take_number")
    kiosk.tap("社保医保")
    kiosk.tap(id="ordinary")
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket")
    kiosk.app.go("rating")
    assert kiosk.shows("为 2026年11月23日 星期一 社保医保（A001 号）的服务打分")
    kiosk.tap(id="level_1")
    kiosk.tap(id="submit")
    assert kiosk.shows("请至少选一个原因")
    kiosk.tap("服务态度不好")
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.shows("谢谢您的评价"), what="thanks")
    assert kiosk.screen.name == "home" and not kiosk.app.session.has_personal_data
    rows = kiosk.app.call(
        lambda s: s.store.conn.execute("SELECT level, reasons, target_type FROM rating").fetchall()
    ).result(timeout=10)
    assert [tuple(r) for r in rows] == [(1, "attitude", "ticket")]


def test_rating_from_home_by_typing_the_ticket_number(kiosk, printer):
    kiosk.app.call(lambda s: s.queue.take("civil")).result(timeout=10)
    kiosk.tap(id="rating")
    pad = kiosk.keys("ticket_pad")
    kiosk.tap("B")
    for ch in "001":
        kiosk.tap(pad[ch])
    kiosk.tap(id="find_ticket")
    kiosk.wait_until(lambda: kiosk.shows("民政救助（B001 号）"), what="the faces")
    kiosk.tap(id="level_5")
    kiosk.wait_until(lambda: kiosk.shows("谢谢您的评价"), what="thanks")


def test_unsolved_report_with_a_phone_gives_a_reference_number(kiosk, printer):
    kiosk.tap(id="unsolved")
    kiosk.tap(id="kind_trips")
    pad = kiosk.keys("pad")
    for digit in "1390000111":
        kiosk.tap(pad[digit])
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.find(id="problem").text, what="the short number refused")
    kiosk.tap(pad["1"])
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.shows("BC-1123-001"), what="the reference number")
    kiosk.tap(id="done")
    assert kiosk.screen.name == "home"


def test_idle_reset_in_the_middle_of_an_application_wipes_the_applicant(kiosk, reader, clock):
    find_item_by_initials(kiosk, "YDJY")
    kiosk.tap(id="apply")
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    assert kiosk.find(id="name").text == "李秀芳"
    clock.advance(seconds=kiosk.app.site.ui.idle_s)
    kiosk.wait_until(lambda: kiosk.shows("您还要接着办吗"), what="the countdown")
    clock.advance(seconds=kiosk.app.site.ui.countdown_s)
    kiosk.wait_until(lambda: kiosk.screen.name == "home", what="home")
    assert not kiosk.app.session.has_personal_data
    assert kiosk.app.screen("confirm").name_text == ""
    assert not any("李秀芳" in text for text in kiosk.texts())

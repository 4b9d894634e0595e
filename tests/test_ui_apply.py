"""我要办 by touch: find the item, card from the simulator, form, materials, submit, receipt."""

from __future__ import annotations

from tests.test_ui_home import small_touch_targets
from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

ITEM = "异地就医备案"


def find_item_by_initials(kiosk, letters: str) -> None:
    kiosk.tap(id="guide")
    kiosk.tap(id="search")
    for letter in letters:
        kiosk.tap(letter)
    kiosk.wait_until(lambda: kiosk.shows(ITEM), what="the search result")
    kiosk.tap(ITEM)
    kiosk.wait_until(lambda: kiosk.shows("所需材料"), what="the item page")


def test_apply_with_a_card_from_the_simulator_and_get_a_receipt(kiosk, printer, reader):
    find_item_by_initials(kiosk, "YDJY")
    kiosk.tap(id="next_page")
    assert kiosk.shows("四川各地都能办")  # the guide's second page
    kiosk.tap(id="apply")
    assert kiosk.screen.name == "apply"
    assert kiosk.shows("请把身份证平放在屏幕下方亮灯的地方")
    reader.simulator.place(1)  # 李秀芳
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    assert kiosk.find(id="name").text == "李秀芳"
    assert kiosk.find(id="number").text == "5107**********2620"
    kiosk.tap(id="me")
    kiosk.wait_until(lambda: kiosk.screen.name == "form" and kiosk.shows("联系电话"))

    keys = kiosk.keys("pad_place")
    for digit in "13812345678":
        kiosk.tap(keys[digit])
    assert kiosk.find(id="shown").text == "138 1234 5678"
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案类型"), what="the choice page")
    kiosk.tap("异地转诊就医")
    assert small_touch_targets(kiosk) == []
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("就医地"), what="the place page")
    assert not kiosk.shows(reader.simulator.cards[1].address)  # a place, not the home address
    for place in ("四川省", "绵阳市", "三台县"):
        kiosk.tap(place)
        kiosk.wait_until(lambda p=place: p in kiosk.find(id="shown").text, what=place)
    assert kiosk.find(id="shown").text == "四川省绵阳市三台县"
    assert small_touch_targets(kiosk) == []
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案开始日期"), what="the date page")
    assert kiosk.find(id="shown").text == "先点“今天”，再往前或往后调"  # nothing chosen for her
    kiosk.tap(id="today")
    assert kiosk.find(id="shown").text == "2026年11月23日 星期一"
    assert small_touch_targets(kiosk) == []
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "materials", what="the materials page")
    kiosk.tap("居民身份证")
    assert small_touch_targets(kiosk) == []
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "review", what="the review page")
    assert kiosk.shows("138 1234 5678") and kiosk.shows("异地转诊就医")
    assert small_touch_targets(kiosk) == []
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.screen.name == "receipt", what="the receipt")
    assert kiosk.shows("请取走回执") and kiosk.shows("已保存，等待上报")
    assert kiosk.find(id="reference").text.startswith("BM-1123-")
    assert small_touch_targets(kiosk) == []
    (job,) = printer.wait_for_jobs(1)
    assert ITEM in job.text and "李*" in job.text
    kiosk.tap(id="done")
    assert not kiosk.app.session.has_personal_data


def test_a_bad_read_says_what_to_do_and_a_second_placement_works(kiosk, printer, reader):
    from devices.idcard.simulator import Fault

    find_item_by_initials(kiosk, "YDJY")
    kiosk.tap(id="apply")
    reader.simulator.inject(Fault.SAM_ERROR, count=reader.read_attempts)
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.find(id="card_state").text == "没有读出身份证", what="error")
    assert kiosk.shows("请把身份证拿开，再平放在感应区")  # what to do next
    reader.simulator.remove()
    kiosk.wait_until(lambda: kiosk.app.reader_state == "waiting", what="the card taken away")
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")


def test_manual_id_entry_checks_the_check_digit(kiosk, printer, reader):
    find_item_by_initials(kiosk, "YDJY")
    kiosk.tap(id="apply")
    kiosk.tap(id="manual")
    pad = kiosk.keys("pad")
    for ch in "510722198603052621":
        kiosk.tap(pad[ch])
    kiosk.tap(id="ok")
    assert kiosk.shows("身份证号码不对")
    kiosk.tap(pad["backspace"])  # 删一个
    kiosk.tap(pad["0"])
    kiosk.tap(id="ok")
    assert kiosk.screen.name == "confirm"
    assert (
        kiosk.find(id="name").text == "没有读身份证，名字到窗口再核对"
    )  # no name in the name slot
    assert kiosk.shows("这个号码是您的吗？")

"""邮寄送达 by touch at the kiosk: after the form, 窗口自取 or 邮寄送达; the address from the
card, or picked 省 → 市 → 县 with 组 and 号 on the digit pad; the phone; said on the review
and the receipt. ``BIANMIN_SHOTS=DIR`` keeps a picture of each page to look at."""

from __future__ import annotations

import os
from pathlib import Path

from tests.test_ui_home import small_touch_targets
from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

ITEM = "社会保障卡申领"


def shot(kiosk, name: str) -> None:
    if os.environ.get("BIANMIN_SHOTS"):
        kiosk.screenshot(Path(os.environ["BIANMIN_SHOTS"]) / f"delivery-{name}.png")


def key_in(kiosk, digits: str) -> None:
    keys = kiosk.keys("pad_place")
    for digit in digits:
        kiosk.tap(keys[digit])


def next_page(kiosk, shows: str) -> None:
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows(shows), what=shows)


def test_a_result_posted_to_a_picked_place_from_the_kiosk(kiosk, printer, reader):
    kiosk.tap(id="guide")
    kiosk.tap(id="search")
    for letter in "SHBZKSL":
        kiosk.tap(letter)
    kiosk.wait_until(lambda: kiosk.shows(ITEM), what="the search result")
    kiosk.tap(ITEM)
    kiosk.wait_until(lambda: kiosk.shows("所需材料"), what="the item page")
    kiosk.tap(id="apply")
    reader.simulator.place(1)  # 李秀芳
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    kiosk.tap(id="me")
    kiosk.wait_until(lambda: kiosk.screen.name == "form" and kiosk.shows("联系电话"))
    key_in(kiosk, "13812345678")
    next_page(kiosk, "现居住地址")
    kiosk.tap(reader.simulator.cards[1].address)
    next_page(kiosk, "合作发卡银行")
    kiosk.tap("农业银行")
    shot(kiosk, "bank")

    next_page(kiosk, "办好以后，结果怎么给您？")
    assert kiosk.shows("窗口自取：办好后到窗口来拿")
    kiosk.tap("邮寄送达：寄给您，不用再跑一趟")
    assert small_touch_targets(kiosk) == []
    shot(kiosk, "method")
    next_page(kiosk, "寄到哪里？")
    assert kiosk.shows("寄到身份证上的地址：四川省绵阳市三台县芦溪镇工农村5组17号")
    kiosk.tap("选省、市、县，再按几组几号")
    shot(kiosk, "address")
    next_page(kiosk, "寄到哪个县（区）？")
    for place in ("四川省", "绵阳市", "三台县"):
        kiosk.tap(place)
        kiosk.wait_until(lambda p=place: p in kiosk.find(id="shown").text, what=place)
    assert small_touch_targets(kiosk) == []
    shot(kiosk, "place")
    next_page(kiosk, "村民小组：第几组？")
    key_in(kiosk, "3")
    shot(kiosk, "group")
    next_page(kiosk, "门牌：几号？")
    key_in(kiosk, "12")
    next_page(kiosk, "收件电话")
    assert kiosk.find(id="shown").text == "138 1234 5678"  # the form's phone, offered
    shot(kiosk, "phone")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "materials", what="the materials page")
    kiosk.tap("居民身份证")
    kiosk.tap("近期免冠彩色证件照片（2寸）")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "review", what="the review page")
    assert kiosk.shows("邮寄到 四川省绵阳市三台县3组12号，电话 138 1234 5678")
    shot(kiosk, "review")
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.screen.name == "receipt", what="the receipt")
    assert kiosk.shows("办好后邮寄给您")
    shot(kiosk, "receipt")
    (job,) = printer.wait_for_jobs(1)
    assert "邮寄送达" in job.text and "四川省绵阳市三台县****" in job.text
    if os.environ.get("BIANMIN_SHOTS"):
        (Path(os.environ["BIANMIN_SHOTS"]) / "delivery-paper.txt").write_text(job.text)

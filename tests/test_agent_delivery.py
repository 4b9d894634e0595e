"""邮寄送达 on the agent's tablet: below the form, the kiosk's delivery pages on one page (窗口自取
or 邮寄送达, where to, 省 → 市 → 县 as drop-downs, the detail typed, the phone), answered
through the same flow; kept with the draft as the kiosk's choice is."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.core.cases import ResultDelivery
from tests.agent_ui_fixtures import log_in, tablet_ui_fixture  # noqa: F401
from tests.cases_fixtures import id_number
from tests.test_agent_ui import _desk, _has_row, _row, _rows

ITEM = "社会保障卡申领"


def test_an_agent_chooses_the_post_and_types_the_address(tablet_ui):
    driver = tablet_ui
    log_in(driver)
    _desk(driver, lambda desk: desk.villagers.add_keyed(id_number(), "张桂英", phone="13908171234"))
    driver.tap(id="new")
    driver.wait_until(lambda: _has_row(driver, "张桂英"))
    driver.tap(_row(driver, "张桂英"))
    driver.wait_until(lambda: driver.app.current == "items")
    driver.find(id="query").text = ITEM
    driver.wait_until(lambda: [r.title for r in _rows(driver)][:1] == [ITEM])
    driver.tap(_row(driver, ITEM))
    driver.wait_until(
        lambda: driver.app.current == "form" and driver.shows("办好以后，结果怎么给您？")
    )
    form = driver.app.screen("form")
    inputs = form._inputs
    inputs["address"].text = "翠屏区李庄镇高石村3组"
    inputs["bank"].text = inputs["bank"].values[0]
    assert inputs["delivery.phone"].text == "13908171234"  # the villager's, offered
    driver.tap(id="next")
    driver.wait_until(lambda: form.message == "请点一个选项。", what="the missing choice")
    assert inputs["delivery.method"].error
    assert inputs["delivery.detail"].disabled  # nothing to fill for 窗口自取

    inputs["delivery.method"].text = "邮寄送达：寄给您，不用再跑一趟"
    inputs["delivery.address"].text = "选省、市、县，再填详细地址"
    assert not inputs["delivery.detail"].disabled
    province, city, county = form._delivery.levels
    assert (province.text, city.values) == ("省", [])
    province.text = "四川省"
    if os.environ.get("BIANMIN_SHOTS"):
        form.ids.fields.parent.parent.scroll_y = 0  # the delivery rows at the bottom
        driver.pump(2)
        driver.screenshot(Path(os.environ["BIANMIN_SHOTS"]) / "agent-delivery.png")
    assert "宜宾市" in city.values and county.text == "县（区）"
    city.text = "宜宾市"
    county.text = "翠屏区"
    driver.tap(id="next")
    driver.wait_until(lambda: "详细地址" in form.message, what="the missing detail")
    assert inputs["delivery.detail"].error
    inputs["delivery.detail"].text = "李庄镇高石村3组8号"
    driver.tap(id="next")
    driver.wait_until(lambda: driver.app.current == "materials", what="the materials")
    case = _desk(driver, lambda desk: desk.cases.case(driver.app.case_id))
    assert case.result_delivery == ResultDelivery(
        "post", "四川省宜宾市翠屏区李庄镇高石村3组8号", "picked", "511502", "13908171234"
    )

    driver.app.back()  # the form again: the choice as made
    driver.wait_until(lambda: driver.app.current == "form" and form._delivery is not None)
    assert form._inputs["delivery.detail"].text == "李庄镇高石村3组8号"
    assert [level.text for level in form._delivery.levels] == ["四川省", "宜宾市", "翠屏区"]

    driver.app.go("case")  # the draft's page says how the result comes, to tell the villager
    said = "结果怎么给您：邮寄到 四川省宜宾市翠屏区李庄镇高石村3组8号，电话 139 0817 1234"
    driver.wait_until(lambda: said in driver.app.screen("case").body, what="the delivery line")

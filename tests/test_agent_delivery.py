"""邮寄送达 on the agent's tablet: below the form, 窗口自取 or 邮寄送达 with the address typed
(the villager's offered) and the phone; kept with the draft as the kiosk's choice is."""

from __future__ import annotations

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

    inputs["delivery.method"].text = "邮寄送达：寄给您，不用再跑一趟"
    inputs["delivery.address"].text = "四川省宜宾市翠屏区李庄镇高石村3组8号"
    driver.tap(id="next")
    driver.wait_until(lambda: driver.app.current == "materials", what="the materials")
    case = _desk(driver, lambda desk: desk.cases.case(driver.app.case_id))
    chosen = case.result_delivery
    assert (chosen.method, chosen.address_source, chosen.phone) == ("post", "typed", "13908171234")
    assert chosen.address == "四川省宜宾市翠屏区李庄镇高石村3组8号"

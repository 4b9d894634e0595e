"""The agent's tablet on a real offscreen window, by touch: login and lock-out, villagers by
card and by keyed number, an application with two photos and a signature, offline; idle lock."""

from __future__ import annotations

from kiosk.core.agents import Worklist
from tests.agent_ui_fixtures import log_in, tablet_ui_fixture  # noqa: F401
from tests.cases_fixtures import id_number

SIGNATURE = [(0.1, 0.3), (0.2, 0.7), (0.3, 0.4), (0.4, 0.6), (0.5, 0.35), (0.6, 0.65), (0.8, 0.5)]


def _type_pin(driver, pin: str) -> None:
    for digit in pin:
        driver.tap(digit)
    if len(pin) != 6:
        driver.tap(id="submit")


def _desk(driver, work):
    """Run ``work(desk)`` where the app runs it, and give its result."""
    return driver.app.services.submit(lambda _s: work(driver.app.desk)).result(timeout=10)


def test_log_in_and_the_work_lists(tablet_ui):
    log_in(tablet_ui)
    assert tablet_ui.shows("李代办 的工作台")
    assert tablet_ui.shows("未发送 0")
    for tab in ("提醒", "草稿", "待发送", "已发送"):
        assert tablet_ui.shows(tab)


def test_wrong_pins_lock_the_account_and_warn_before_the_key_goes(tablet_ui):
    driver = tablet_ui
    driver.find(id="agent_input").text = "A-0001"
    for left in (4, 3, 2, 1):
        _type_pin(driver, "000000")
        driver.wait_until(lambda left=left: driver.shows(f"还可以再试{left}次"))
    _type_pin(driver, "000000")
    driver.wait_until(lambda: driver.shows("请15分钟后再试"))
    assert driver.shows("再输错5次")  # the warning before the last tries
    _type_pin(driver, "135790")  # even the right PIN waits out the lock
    driver.wait_until(lambda: driver.shows("分钟后再试"))
    assert driver.app.current == "login"


def test_villagers_added_by_card_and_by_keyed_number(tablet_ui):
    driver = tablet_ui
    log_in(driver)
    driver.tap("村民")
    driver.wait_until(lambda: driver.app.current == "villagers")
    driver.app.front_end.devices.reader.simulator.place(1)  # 李秀芳's card
    driver.wait_until(lambda: driver.app.current == "villager", what="the person's page")
    driver.wait_until(lambda: driver.shows("李秀芳"))
    assert driver.shows("5107**********2620")  # the number masked on screen
    driver.app.front_end.devices.reader.simulator.remove()
    driver.app.back()
    driver.wait_until(lambda: driver.app.current == "villagers")
    driver.tap(id="add")
    driver.wait_until(lambda: driver.app.current == "villager_add")
    good = id_number()
    driver.find(id="id_number").text = good[:17] + ("1" if good[-1] != "1" else "2")  # wrong check
    driver.find(id="name").text = "张桂英"
    driver.tap(id="save")
    driver.wait_until(lambda: driver.shows("身份证号码不正确"), what="the refusal")
    assert driver.find(id="id_number").error
    driver.find(id="id_number").text = id_number()
    driver.tap(id="save")
    driver.wait_until(lambda: driver.app.current == "villager")
    driver.app.back()
    driver.wait_until(lambda: driver.app.current == "villagers")
    driver.find(id="query").text = "zgy"
    driver.wait_until(lambda: driver.shows("张桂英") and not driver.shows("李秀芳"))


def apply_with_two_photos(driver, name: str) -> None:
    """新办一件 for the villager ``name``: the pension item, its form, two photographed
    materials, a signature drawn with a finger, the review, 提交."""
    driver.tap(id="new")
    driver.wait_until(lambda: _has_row(driver, name))
    driver.tap(_row(driver, name))
    driver.wait_until(lambda: driver.app.current == "items")
    driver.find(id="query").text = "养老保险参保登记"
    title = "城乡居民基本养老保险参保登记"
    driver.wait_until(lambda: driver.app.screen("items").shown == "养老保险参保登记")
    driver.wait_until(lambda: [r.title for r in _rows(driver)][:1] == [title])
    driver.tap(_row(driver, title))
    driver.wait_until(lambda: driver.app.current == "form" and driver.shows("联系电话"))
    form = driver.app.screen("form")
    typed = {"phone": "13908171234", "address": "翠屏区李庄镇高石村3组"}
    for field in driver.app.flow.fields:
        widget = form._inputs[field.name]
        if getattr(widget, "values", None):
            widget.text = widget.values[0]
        elif not widget.text:
            widget.text = typed.get(field.type, "")
    driver.tap(id="next")
    driver.wait_until(lambda: driver.app.current == "materials", what="the materials")
    for _ in range(2):
        take_photo(driver)
    driver.tap(id="next")
    driver.wait_until(lambda: driver.app.current == "authorize")
    driver.tap(id="sign")  # nothing signed yet
    driver.wait_until(lambda: driver.shows("还没有签字"))
    driver.stroke(driver.find(id="pad"), SIGNATURE)
    driver.tap(id="sign")
    driver.wait_until(lambda: driver.app.current == "review", what="the review")
    driver.wait_until(lambda: driver.shows("申请人已签字"))
    driver.tap(id="submit")
    close_notice(driver, "有信号时自动发送")


def take_photo(driver) -> None:
    """拍照 for the first material without a photo, with the simulated camera."""
    driver.wait_until(lambda: _without_photo(driver))
    before = len(_without_photo(driver))
    driver.tap(_without_photo(driver)[0])
    driver.wait_until(lambda: driver.app.current == "camera")
    driver.wait_until(lambda: driver.find(id="finder").texture is not None, what="the viewfinder")
    driver.tap(id="shoot")
    driver.wait_until(
        lambda: driver.app.current == "materials" and len(_without_photo(driver)) == before - 1
    )


def _without_photo(driver) -> list:
    """The 拍照 buttons of materials that have no photo yet."""
    shoot = [w for w in driver.visible_widgets() if getattr(w, "text", "") == "拍照"]
    return [w for w in shoot if "还没有照片" in _row_text(w)]


def close_notice(driver, fragment: str) -> None:
    """Wait for the notice saying ``fragment``; a touch closes it."""
    driver.wait_until(lambda: driver.overlays() and driver.shows(fragment), what=fragment)
    driver.tap_at(*driver.overlays()[0].center)
    driver.wait_until(lambda: not driver.overlays())


def test_an_application_with_two_photos_and_a_signature_offline(tablet_ui):
    driver = tablet_ui
    log_in(driver)
    _desk(driver, lambda desk: desk.villagers.add_keyed(id_number(), "张桂英", phone="13908171234"))
    apply_with_two_photos(driver, "张桂英")
    driver.wait_until(lambda: driver.app.current == "home" and driver.shows("未发送 1"))
    (line,) = _desk(driver, lambda desk: desk.lists.unsent())
    assert line.applicant_name == "张桂英"
    counts = _desk(driver, lambda desk: desk.lists.counts())
    assert counts[Worklist.UNSENT] == 1 and counts[Worklist.DRAFTS] == 0
    case = _desk(driver, lambda desk: desk.cases.case(line.case_id))
    assert sorted(a.material_code for a in case.attachments) == ["AUTH", "M01", "M02"]
    driver.tap("待发送")
    driver.wait_until(lambda: _has_row(driver, "城乡居民基本养老保险参保登记"))


def test_the_tablet_locks_when_idle_and_on_suspend(tablet_ui, clock):
    driver = tablet_ui
    log_in(driver)
    clock.advance(seconds=301)
    driver.app._check_idle()
    driver.wait_until(lambda: driver.app.current == "login")
    assert driver.app.desk is None and not driver.shows("李代办 的工作台")
    log_in(driver)
    driver.app.dispatch("on_pause")
    driver.wait_until(lambda: driver.app.current == "login")


def _row_text(button) -> str:
    parent = button.parent
    return " ".join(getattr(w, "text", "") for w in parent.children) if parent else ""


def _rows(driver):
    from kiosk.agent.widgets import AgentRow

    return [w for w in driver.visible_widgets() if isinstance(w, AgentRow)]


def _has_row(driver, title: str) -> bool:
    return any(r.title == title for r in _rows(driver))


def _row(driver, title: str):
    return next(r for r in _rows(driver) if r.title == title)

"""The phone page (扫码取号) in a real browser the size of a phone (headless Chromium, 390×844)."""

from __future__ import annotations

import time

import pytest

from kiosk.core.queue.phone import Phone
from kiosk.demo.browser import chromium, missing
from tests.hall_fixtures import running_hall

if missing():
    pytest.skip(missing(), allow_module_level=True)

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 15
PHONE = (390, 844)


@pytest.fixture(scope="module")
def driver():
    with chromium(*PHONE) as browser:
        yield browser


def wait(driver, condition, timeout: float = WAIT_S):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition())


def text(driver, css: str) -> str:
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css
    )


def open_phone_page(driver, hall) -> None:
    driver.get(hall.url + "/m")
    wait(driver, lambda: driver.execute_script("return document.documentElement.dataset.link"))


def tap(driver, css: str) -> None:
    """Tap the element (found again when the page redrew it meanwhile)."""

    def tapped() -> bool:
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            return True
        except StaleElementReferenceException:
            return False

    wait(driver, tapped)


def tap_service(driver, code: str) -> None:
    if driver.find_elements(By.CSS_SELECTOR, "#services.folded"):
        tap(driver, "#take-more")
    tap(driver, f'button.service[data-service="{code}"]')


def tickets(hall) -> int:
    store = hall.services.store
    return hall.hall.submit(
        lambda: store.conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    ).result()


def test_a_number_taken_on_the_phone_is_called_within_two_seconds(driver, tmp_path):
    with running_hall(tmp_path) as hall:
        for _ in range(2):
            hall.queue(lambda q: q.take("social"))  # two people took numbers at the kiosk
        open_phone_page(driver, hall)
        assert driver.execute_script("return innerWidth") == PHONE[0]
        tap_service(driver, "social")
        wait(driver, lambda: text(driver, "#message") == "取号成功：社保医保 A003")
        assert text(driver, ".ticket .number") == "A003"
        assert text(driver, ".ticket .ahead") == "前面还有 2 人"
        tap(driver, "#remind")  # the tap that lets the page ring later
        assert text(driver, "#remind") == "已开启：叫号时响铃提醒"

        hall.queue(lambda q: q.call("1号窗口"))  # A001: the count follows without a touch
        wait(driver, lambda: text(driver, ".ticket .ahead") == "前面还有 1 人")
        hall.queue(lambda q: q.call("2号窗口"))
        hall.queue(lambda q: q.done("A001"))
        called = hall.queue(lambda q: q.call("1号窗口"))
        started = time.monotonic()
        wait(driver, lambda: text(driver, ".ticket.called .number") == "A003")
        elapsed = time.monotonic() - started
        assert called.ticket_no == "A003" and elapsed < 2.0, f"the phone took {elapsed:.2f} s"
        assert text(driver, ".ticket.called .go") == "请到\n1号窗口"
        assert text(driver, ".ticket.called .called-title") == "到您了！"
        assert driver.execute_script("return document.body.dataset.alerts") == "1"
        assert "A003" in driver.title
        assert not text(driver, "#message")  # the old 取号成功 gave way to the call
        hall.queue(lambda q: q.recall("A003"))  # 重呼 rings again
        wait(driver, lambda: driver.execute_script("return document.body.dataset.alerts") == "2")
        hall.queue(lambda q: q.serve("A003"))
        wait(driver, lambda: text(driver, ".ticket .status") == "正在 1号窗口 办理")


def test_a_reload_finds_the_same_number_and_never_issues_a_second(driver, tmp_path):
    with running_hall(tmp_path) as hall:
        open_phone_page(driver, hall)
        tap_service(driver, "civil")
        wait(driver, lambda: text(driver, "#message") == "取号成功：民政救助 B001")
        driver.refresh()  # a reload, or the browser reopened after the screen went off
        wait(driver, lambda: driver.execute_script("return document.documentElement.dataset.link"))
        assert text(driver, ".ticket .number") == "B001" and tickets(hall) == 1

        # A take whose answer was lost: the number was issued, the page never heard of it.
        token = driver.execute_script("return JSON.parse(localStorage['bianmin.phone']).token")
        lost = "ab" * 16
        hall.hall.write(lambda: hall.hall.phone.take(Phone(token, "127.0.0.1"), "hukou", lost))
        driver.execute_script(
            "const s = JSON.parse(localStorage['bianmin.phone']);"
            "s.pending = {service: 'hukou', request_id: arguments[0], at: Date.now()};"
            "localStorage['bianmin.phone'] = JSON.stringify(s);",
            lost,
        )
        driver.refresh()  # the page asks again with the same request id
        wait(driver, lambda: text(driver, "#message") == "取号成功：户籍办理 C001")
        assert tickets(hall) == 2  # B001 and C001, nothing more
        numbers = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".ticket .number")]
        assert numbers == ["C001", "B001"]


def test_the_limits_refuse_with_a_reason(driver, tmp_path):
    with running_hall(tmp_path) as hall:
        hall.queue(lambda q: q.pause_phone_issuing(actor="staff:1001"))
        open_phone_page(driver, hall)
        wait(driver, lambda: text(driver, "#phone-paused"))
        assert text(driver, "#phone-paused") == "手机取号暂停了。请到自助机或窗口取号。"
        buttons = driver.find_elements(By.CSS_SELECTOR, "button.service")
        assert buttons and not any(b.is_enabled() for b in buttons)
        hall.queue(lambda q: q.resume_phone_issuing(actor="staff:1001"))
        wait(driver, lambda: not text(driver, "#phone-paused"))  # live, without a reload

        for n, code in enumerate(("social", "civil", "hukou")):
            tap_service(driver, code)
            wait(driver, lambda n=n: len(driver.find_elements(By.CSS_SELECTOR, ".ticket")) == n + 1)
        tap(driver, "#take-more")
        held = driver.find_element(By.CSS_SELECTOR, 'button.service[data-service="social"]')
        assert not held.is_enabled() and "已取号" in held.text  # one number a service
        # another phone on the same address (a fresh browser profile): a fourth open number
        # from one address is refused, and the page says why
        driver.delete_all_cookies()
        driver.execute_script("localStorage.clear()")
        open_phone_page(driver, hall)
        tap_service(driver, "civil")
        wait(driver, lambda: "还没有办完" in text(driver, "#message"))
        assert text(driver, "#message") == (
            "这部手机已经取了 3 个号，还没有办完。请先办完，或到自助机取号。"
        )
        assert "error" in driver.find_element(By.ID, "message").get_attribute("class")
        assert tickets(hall) == 3 and not driver.find_elements(By.CSS_SELECTOR, ".ticket")


def test_giving_a_number_up_asks_first(driver, tmp_path):
    with running_hall(tmp_path) as hall:
        open_phone_page(driver, hall)
        tap_service(driver, "hukou")
        wait(driver, lambda: text(driver, "#message") == "取号成功：户籍办理 C001")
        tap(driver, ".ticket .cancel")
        assert text(driver, ".ticket .confirm p") == "确定不要 C001 这个号了吗？"
        tap(driver, ".ticket .cancel-no")  # 继续排队: nothing happens
        assert hall.queue(lambda q: q.get("C001")).state == "waiting"
        tap(driver, ".ticket .cancel")
        tap(driver, ".ticket .cancel-yes")
        wait(driver, lambda: text(driver, "#message") == "已取消 C001。")
        assert hall.queue(lambda q: q.get("C001")).state == "cancelled"
        assert text(driver, ".ticket .status") == "已取消排队。"
        enabled = driver.find_element(By.CSS_SELECTOR, 'button.service[data-service="hukou"]')
        assert enabled.is_displayed() and enabled.is_enabled()  # a new number can be taken

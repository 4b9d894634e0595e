"""The counter page and the board in a real browser (headless Chromium, selenium)."""

from __future__ import annotations

import time

import pytest

from kiosk.demo.browser import chromium, missing
from tests.hall_fixtures import STAFF_ID, STAFF_PIN, running_hall, start_hall, stop_hall

if missing():
    pytest.skip(missing(), allow_module_level=True)

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 15


@pytest.fixture(scope="module")
def driver():
    with chromium(1920, 1080) as browser:
        yield browser


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with running_hall(tmp_path_factory.mktemp("browser")) as running:
        yield running


def wait(driver, condition, timeout: float = WAIT_S):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition())


def text(driver, css: str) -> str:
    """The visible text of the first element matching ``css`` ("" when there is none).

    Read in one script call: the page replaces its panel after each press.
    """
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css
    )


def click(driver, css: str) -> None:
    """Click the element once it is there and enabled (found again if the panel was redrawn)."""

    def clicked() -> bool:
        try:
            element = driver.find_element(By.CSS_SELECTOR, css)
            if not element.is_enabled():
                return False
            element.click()
            return True
        except (NoSuchElementException, StaleElementReferenceException):
            return False

    wait(driver, clicked)


def message(driver) -> str:
    return text(driver, "#message")


def log_in(driver, hall, counter: str) -> None:
    driver.get(hall.url + "/counter")
    driver.find_element(By.ID, "staff_id").send_keys(STAFF_ID)
    driver.find_element(By.ID, "pin").send_keys(STAFF_PIN)
    driver.find_element(By.XPATH, f"//label[span[text()='{counter}']]").click()
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda: text(driver, "#desk-counter") == counter)


def test_a_counter_is_driven_by_clicks_and_keys(driver, hall):
    for _ in range(3):
        hall.queue(lambda q: q.take("social"))
    log_in(driver, hall, "1号窗口")
    assert "王小红" in text(driver, ".desk-staff")
    assert text(driver, "#waiting-here") == "本窗口等候 3 人"

    click(driver, "#act-call_next")
    wait(driver, lambda: text(driver, "#current-no") == "A001")
    assert message(driver) == "已呼叫 A001 到 1号窗口"
    assert driver.find_element(By.ID, "act-recall").is_enabled()  # 呼叫下一位 became 重呼
    click(driver, "#act-serve")
    wait(driver, lambda: "正在办理" in text(driver, "#current"))
    driver.find_element(By.TAG_NAME, "body").send_keys("3")  # 办结 by keyboard
    wait(driver, lambda: message(driver) == "A001 已办结")
    assert text(driver, "#current-no") == "—"

    # a double tap calls one ticket, and the second tap does not turn into 重呼
    driver.execute_script(
        "const b = document.getElementById('act-call_next'); b.click(); b.click();"
    )
    wait(driver, lambda: text(driver, "#current-no") == "A002")
    assert hall.queue(lambda q: q.get("A003")).state == "waiting"
    assert hall.queue(lambda q: q.get("A002")).state == "called"
    store = hall.services.store  # the log says: one call of A002, no recall
    actions = hall.hall.submit(
        lambda: [r[0] for r in store.conn.execute(
            "SELECT action FROM queue_log WHERE ticket_no = 'A002'"
        )]
    ).result()  # fmt: skip
    assert actions == ["issued", "called"]

    click(driver, "#act-transfer")  # 转移 opens its choice
    wait(driver, lambda: driver.find_element(By.ID, "choose-transfer").is_displayed())
    driver.find_element(
        By.XPATH, "//dialog[@id='choose-transfer']//button[text()='民政救助']"
    ).click()
    wait(driver, lambda: message(driver).startswith("A002 已转到 民政救助"))

    click(driver, "#act-call_chosen")  # 指定叫号 with a reason
    chosen = driver.find_element(By.ID, "chosen-no")
    wait(driver, chosen.is_displayed)
    chosen.send_keys("a003")
    driver.find_element(By.XPATH, "//label[contains(., '补交材料后回来')]/input").click()
    driver.find_element(By.ID, "chosen-submit").click()
    wait(driver, lambda: text(driver, "#current-no") == "A003")
    assert message(driver) == "已指定呼叫 A003"

    driver.find_element(By.TAG_NAME, "body").send_keys("4")  # 过号
    wait(driver, lambda: message(driver) == "A003 已过号")
    click(driver, "#act-restore")
    driver.find_element(By.XPATH, "//dialog[@id='choose-restore']//button[text()='A003']").click()
    wait(driver, lambda: message(driver) == "A003 已恢复排队")
    assert text(driver, "#waiting-here") == "本窗口等候 1 人"

    click(driver, "#act-pause")
    wait(driver, lambda: driver.find_elements(By.ID, "desk-paused"))
    # another kiosk takes a number: the count on the page follows without a press
    hall.queue(lambda q: q.take("social"))
    wait(driver, lambda: text(driver, "#waiting-here") == "本窗口等候 2 人")
    driver.find_element(By.ID, "logout").click()
    wait(driver, lambda: driver.find_elements(By.ID, "login-submit"))


def test_a_locked_account_is_told_to_wait(driver, hall):
    driver.delete_all_cookies()
    for _ in range(5):
        driver.get(hall.url + "/counter")
        driver.find_element(By.ID, "staff_id").send_keys(STAFF_ID)
        driver.find_element(By.XPATH, "//label[span[text()='2号窗口']]").click()
        driver.find_element(By.ID, "pin").send_keys("0000" + Keys.ENTER)
        wait(driver, lambda: driver.find_elements(By.ID, "login-error"))
    assert "分钟后再试" in text(driver, "#login-error")
    hall.hall.write(lambda: hall.hall.staff.set_active(STAFF_ID, True))  # an admin unlocks


def link(driver) -> str | None:
    """The page's event stream: "open", "down", or None before it first tried."""
    return driver.execute_script("return document.documentElement.dataset.link || null")


def board_shows(driver, ticket_no: str, counter: str) -> bool:
    return (
        text(driver, "#call-number") == ticket_no
        and counter in text(driver, "#call-counter")
        and ticket_no in text(driver, "#recent")
    )


def test_the_board_shows_a_call_within_two_seconds(driver, tmp_path):
    with running_hall(tmp_path) as hall:
        hall.queue(lambda q: q.take("hukou", "disability"))
        driver.get(hall.url + "/board")
        wait(driver, lambda: link(driver) == "open")
        called = hall.queue(lambda q: q.call("4号窗口"))
        started = time.monotonic()
        wait(driver, lambda: board_shows(driver, called.display_no, "4号窗口"))
        elapsed = time.monotonic() - started
        assert elapsed < 2.0, f"the board took {elapsed:.2f} s"
        call = driver.find_element(By.ID, "call").get_attribute("class")
        assert "green" in call and "highlight" in call  # the green channel, highlighted
        assert not driver.find_element(By.ID, "offline").is_displayed()
        # a second counter calls at once: the first keeps its 5 s, the list shows both now
        hall.queue(lambda q: q.take("civil"))
        second = hall.queue(lambda q: q.call("3号窗口"))
        wait(driver, lambda: second.display_no in text(driver, "#recent"), 2.0)
        assert text(driver, "#call-number") == called.display_no
        wait(driver, lambda: board_shows(driver, second.display_no, "3号窗口"), 10)


def test_the_board_marks_a_lost_server_and_recovers_by_itself(driver, tmp_path):
    with running_hall(tmp_path / "first") as first:
        site, port = first.site, first.server.port
        driver.get(first.url + "/board")
        wait(driver, lambda: link(driver) == "open")
        first.queue(lambda q: q.take("civil"))
    # the server is gone (stopped with its store closed): the TV shows the mark
    wait(driver, lambda: driver.find_element(By.ID, "offline").is_displayed())
    assert text(driver, "#offline") == "连接中断"
    again = start_hall(site, port=port)
    try:
        wait(driver, lambda: not driver.find_element(By.ID, "offline").is_displayed())
        called = again.queue(lambda q: q.call("3号窗口"))
        wait(driver, lambda: board_shows(driver, called.display_no, "3号窗口"))
    finally:
        stop_hall(again)


def test_the_board_polls_when_its_event_stream_is_blocked(driver, tmp_path):
    """A proxy or an old set-top browser that will not stream: the board polls instead."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/events*"]})
    try:
        with running_hall(tmp_path) as hall:
            driver.get(hall.url + "/board")
            wait(driver, lambda: link(driver) == "down")
            hall.queue(lambda q: q.take("social"))
            called = hall.queue(lambda q: q.call("2号窗口"))
            wait(driver, lambda: board_shows(driver, called.display_no, "2号窗口"), 8)
            assert not driver.find_element(By.ID, "offline").is_displayed()  # the server is there
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})

"""``bianmin hall tour``: the counter page, the display board and the phone page in headless
Chromium, as PNGs.

A demo hall is served on 127.0.0.1 with a morning's queue; a member of staff logs in
at 1号窗口 and calls, serves and transfers; a villager takes a number on a phone
(390×844), follows it and is called, and is refused a fourth number; the board is drawn
at 1920×1080 (with the phone page's QR) while a green-channel call is highlighted, with
issuing paused, and after its server went away.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.app import build_app, open_store
from kiosk.config import load_config
from kiosk.core.hall.service import HallService
from kiosk.core.notices import apply_notice
from kiosk.demo.browser import chromium, resize
from kiosk.demo.site import write_demo_site
from kiosk.hall.server import HallServer

HALL_TABLE = '[hall]\nkey = "{key}"\nspeaker = false\npublic_url = "{public_url}"\n'
PUBLIC_URL = "http://192.168.1.10:8470"  # what the QR says: the hall's address on its Wi-Fi
PHONE = (390, 844)  # a common phone's viewport (CSS pixels)
TOUR_KEY = "7e" * 32
STAFF = ("1001", "王小红", "2468")
NOTICE = {
    "id": "hall-tour-1",
    "title": "医保缴费提醒",
    "text": "2027年度城乡居民医保集中缴费截至12月31日，可在社保医保窗口或自助机办理",
    "valid_from": "2026-11-01",
}


def run_tour(out: Path) -> list[Path]:
    """Write the hall's screenshots into ``out``; their paths, in the order taken."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bianmin-hall-tour-") as tmp:
        table = HALL_TABLE.format(key=TOUR_KEY, public_url=PUBLIC_URL)
        config = load_config(write_demo_site(Path(tmp), table))
        services = build_app(config)
        _morning(services)  # before the server starts: the board opens on a quiet moment
        hall = HallService.from_services(services, lambda: open_store(config))
        server = HallServer(hall)
        url = server.start()
        shots: list[Path] = []
        try:
            do = hall.write  # everything on the server's store thread, as its requests
            with chromium(1366, 768) as driver:
                shots += _counter(driver, url, out, do)
                resize(driver, *PHONE)
                shots += _phone(driver, url, out, do, server)
                resize(driver, 1920, 1080)
                shots += _board(driver, url, out, do, server)
        finally:
            server.stop()
            services.close()
        return shots


def _morning(services) -> None:
    """Staff, a notice, and a queue that has been running for a while."""
    from kiosk.core.hall.staff import StaffDirectory

    StaffDirectory.for_services(services).add(*STAFF)
    with services.store.transaction() as conn:
        apply_notice(conn, NOTICE)
    q = services.queue
    for service, count in (("social", 7), ("civil", 3), ("hukou", 2), ("general", 4)):
        for _ in range(count):
            q.take(service)
    for counter in ("2号窗口", "3号窗口", "4号窗口", "5号窗口", "2号窗口"):
        ticket = q.call(counter)
        q.serve(ticket.ticket_no)
        q.done(ticket.ticket_no)


def _wait(condition: Callable[[], object], what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"hall tour: {what} did not appear within {timeout_s:.0f} s")
        time.sleep(0.05)


def _text(driver, css: str) -> str:
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css
    )


def _shot(driver, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def _counter(driver, url: str, out: Path, do) -> list[Path]:
    from selenium.webdriver.common.by import By

    shots = []
    driver.get(url + "/counter")
    driver.find_element(By.ID, "staff_id").send_keys(STAFF[0])
    driver.find_element(By.ID, "pin").send_keys(STAFF[2])
    driver.find_element(By.XPATH, "//label[span[text()='1号窗口']]").click()
    shots.append(_shot(driver, out, "hall-counter-login"))
    driver.find_element(By.ID, "login-submit").click()
    _wait(lambda: _text(driver, "#desk-counter") == "1号窗口", "the counter page")
    shots.append(_shot(driver, out, "hall-counter-idle"))
    driver.find_element(By.ID, "act-call_next").click()
    _wait(lambda: "已呼叫" in _text(driver, "#message"), "the call")
    shots.append(_shot(driver, out, "hall-counter-called"))
    driver.find_element(By.ID, "act-serve").click()
    _wait(lambda: "正在办理" in _text(driver, "#current"), "serving")
    driver.find_element(By.ID, "act-transfer").click()
    _wait(lambda: driver.find_element(By.ID, "choose-transfer").is_displayed(), "the choice")
    shots.append(_shot(driver, out, "hall-counter-transfer"))
    driver.find_element(By.CSS_SELECTOR, "#choose-transfer .close").click()
    resize(driver, 1280, 800)  # a tablet on the counter
    shots.append(_shot(driver, out, "hall-counter-tablet"))
    resize(driver, 1366, 768)
    driver.find_element(By.ID, "act-done").click()
    _wait(lambda: "已办结" in _text(driver, "#message"), "done")
    return shots


def _board(driver, url: str, out: Path, do, server: HallServer) -> list[Path]:
    shots = []
    driver.get(url + "/board")
    _wait(lambda: driver.execute_script("return document.documentElement.dataset.link") == "open",
          "the board's event stream")  # fmt: skip
    showing = server.hall.hub.showing  # the phone's calls had their turns on the board first
    _wait(lambda: not (showing().highlighted or showing().pending), "a quiet board", 60)
    do(lambda: server.hall.queue.take("hukou", "disability"))
    called = do(lambda: server.hall.queue.call("4号窗口"))
    _wait(lambda: _text(driver, "#call-number") == called.display_no, "the green-channel call")
    time.sleep(0.6)  # half-way through the highlight's first flash
    shots.append(_shot(driver, out, "hall-board-call"))
    do(lambda: server.hall.queue.pause_issuing())
    _wait(lambda: _text(driver, "#issuing-paused"), "the 暂停取号 banner")
    shots.append(_shot(driver, out, "hall-board-issuing-paused"))
    do(lambda: server.hall.queue.resume_issuing())
    _wait(lambda: not _text(driver, "#issuing-paused"), "issuing again")
    server.stop()
    _wait(lambda: _text(driver, "#offline"), "the 连接中断 mark")
    shots.append(_shot(driver, out, "hall-board-offline"))
    return shots


def _phone(driver, url: str, out: Path, do, server: HallServer) -> list[Path]:
    from selenium.webdriver.common.by import By

    queue = server.hall.queue
    shots = []
    driver.get(url + "/m")
    _wait(lambda: driver.execute_script("return document.documentElement.dataset.link") == "open",
          "the phone page's event stream")  # fmt: skip
    shots.append(_shot(driver, out, "hall-phone-choose"))
    driver.find_element(By.CSS_SELECTOR, 'button.service[data-service="general"]').click()
    _wait(lambda: "取号成功" in _text(driver, "#message"), "the phone's number")
    driver.find_element(By.ID, "remind").click()
    shots.append(_shot(driver, out, "hall-phone-waiting"))
    number = _text(driver, ".ticket .number")
    for _ in range(10):  # the counters call the people before, then this number
        called = do(lambda: queue.call("1号窗口", "general"))
        if called.ticket_no == number:
            break
        do(lambda called=called: queue.done(called.ticket_no))
    _wait(lambda: _text(driver, ".ticket.called .number") == number, "the call on the phone")
    time.sleep(0.4)
    shots.append(_shot(driver, out, "hall-phone-called"))
    do(lambda: queue.serve(number))
    for service in ("social", "civil"):  # two more numbers: three is this phone's limit
        driver.find_element(By.ID, "take-more").click()
        driver.find_element(By.CSS_SELECTOR, f'button.service[data-service="{service}"]').click()
        _wait(lambda: "取号成功" in _text(driver, "#message"), "another number")
    driver.find_element(By.ID, "take-more").click()
    driver.find_element(By.CSS_SELECTOR, 'button.service[data-service="hukou"]').click()
    _wait(lambda: "还没有办完" in _text(driver, "#message"), "the refusal")
    shots.append(_shot(driver, out, "hall-phone-refused"))
    do(lambda: queue.pause_phone_issuing(actor="tour"))
    driver.delete_all_cookies()  # another villager's phone, one that holds no number
    driver.execute_script("localStorage.clear()")
    driver.get(url + "/m")
    _wait(lambda: _text(driver, "#phone-paused"), "手机取号暂停")
    shots.append(_shot(driver, out, "hall-phone-paused"))
    do(lambda: queue.resume_phone_issuing(actor="tour"))
    return shots

"""A client kiosk's 取号 through the hall server, and 取号暂停 while the server is away."""

from __future__ import annotations

import pytest

from tests.hall_fixtures import HALL_KEY, client_toml, free_port, server_toml, start_hall, stop_hall
from tests.ui_fixtures import kiosk_fixture, printer_fixture, spoken_fixture  # noqa: F401

PORT = free_port()
URL = f"http://127.0.0.1:{PORT}"


@pytest.mark.parametrize("kiosk", [client_toml(URL, HALL_KEY, timeout_s=1.0)], indirect=True)
def test_the_kiosk_takes_numbers_from_the_hall_and_says_paused_while_it_is_away(
    kiosk, printer, clock, tmp_path
):
    from tests.conftest import write_site

    (tmp_path / "server").mkdir()
    site = write_site(tmp_path / "server", server_toml())
    hall = start_hall(site, clock, port=PORT)
    try:
        hall.queue(lambda q: q.take("social"))  # another kiosk took A001
        kiosk.tap(id="take_number")
        kiosk.wait_until(lambda: kiosk.shows("等候 1 人"), what="the hall's waiting count")
        kiosk.tap("社保医保")
        kiosk.tap(id="ordinary")
        kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket screen")
        assert kiosk.find(id="number").text == "A002"  # numbered by the hall server
        kiosk.tap(id="done")
    finally:
        stop_hall(hall)
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.shows("取号暂停"), what="取号暂停")
    assert kiosk.shows("请到窗口找工作人员") and kiosk.shows("正在自动重试")
    assert kiosk.find("社保医保").disabled  # no number is made up meanwhile
    assert kiosk.find(id="appointment").disabled
    hall = start_hall(site, clock, port=PORT)  # the server is back: the screen sees it by itself
    try:
        hall.queue(lambda q: q.pause_issuing(["civil"]))  # and staff paused one service
        kiosk.wait_until(lambda: kiosk.shows("等候 2 人"), timeout=20, what="the screen back")
        assert not kiosk.shows("取号暂停") and kiosk.find("民政救助").disabled
        assert kiosk.shows("暂停取号")
        kiosk.tap("社保医保")
        kiosk.tap(id="ordinary")
        kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket screen")
        assert kiosk.find(id="number").text == "A003"
    finally:
        stop_hall(hall)

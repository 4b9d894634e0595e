"""The kiosk's 取号 screen shows a QR of the hall's phone page (扫码取号) when the site says
where phones reach the hall (``[hall] public_url``), and none otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui_fixtures import kiosk_fixture, printer_fixture, spoken_fixture  # noqa: F401

PUBLIC = '\n[hall]\npublic_url = "http://192.168.1.10:8470"\n'


@pytest.mark.parametrize("kiosk", [PUBLIC], indirect=True)
def test_the_queue_screen_shows_the_phone_pages_qr(kiosk):
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.shows("等候"), what="waiting counts")
    qr = kiosk.find(id="phone_qr")
    assert qr.texture is not None and qr.opacity == 1 and qr.width > 0
    assert kiosk.shows("用手机扫码")
    assert kiosk.app.site.hall.phone_url == "http://192.168.1.10:8470/m"
    if os.environ.get("BIANMIN_SHOTS"):  # a picture to look at: BIANMIN_SHOTS=DIR
        kiosk.screenshot(Path(os.environ["BIANMIN_SHOTS"]) / "queue-phone-qr.png")


def test_no_public_url_no_qr(kiosk):
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.shows("等候"), what="waiting counts")
    qr = kiosk.find(id="phone_qr")
    assert qr.texture is None and qr.opacity == 0

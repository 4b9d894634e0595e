"""Kiosk lock-down: the window refuses to close, a technician leaves only with the PIN
(which opens the technician menu; 退出程序 is on it)."""

from __future__ import annotations

import pytest

from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

LOCKED = '[ui]\nkiosk_lock = true\ntechnician_pin = "2468"\n'


def corner_taps(kiosk, count: int = 5) -> None:
    from kivy.core.window import Window

    for _ in range(count):
        kiosk.tap_at(Window.width - 5, Window.height - 5)


@pytest.mark.parametrize("kiosk", [LOCKED], indirect=True)
def test_locked_kiosk_refuses_to_close_and_exits_only_with_the_pin(kiosk, monkeypatch):
    from kivy.core.window import Window

    assert Window.dispatch("on_request_close") is True  # Esc or the window's close: refused
    stopped = []
    monkeypatch.setattr(kiosk.app, "stop", lambda *args: stopped.append(True))
    corner_taps(kiosk)
    assert kiosk.shows("请输入维护密码")
    pad = {key.value: key for key in kiosk.overlays()[0].walk() if hasattr(key, "value")}
    for digit in "1357":
        kiosk.tap(pad[digit])
    assert kiosk.shows("密码不对") and not stopped
    for digit in "2468":
        kiosk.tap(pad[digit])
    kiosk.wait_until(lambda: kiosk.screen.name == "tech_menu", what="the technician menu")
    assert not stopped and Window.dispatch("on_request_close") is True
    kiosk.tap(id="exit")  # 退出程序
    assert stopped == [True]
    assert not Window.dispatch("on_request_close")  # the technician is leaving
    audited = kiosk.app.services.submit(lambda s: [(e.actor, e.action) for e in s.audit.entries()])
    assert audited.result(timeout=10) == [
        ("technician", "kiosk.technician_pin_refused"),
        ("technician", "kiosk.technician_exit"),
    ]


def test_an_unlocked_kiosk_closes_normally_and_has_no_pin_pad(kiosk):
    from kivy.core.window import Window

    assert not Window.dispatch("on_request_close")
    corner_taps(kiosk)
    assert not kiosk.overlays()

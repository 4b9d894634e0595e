"""systemd supervises the kiosk: READY=1 once the home screen is drawn, then watchdog pings
from the Kivy main loop (a frozen screen stops them), STOPPING=1 on the way out."""

from __future__ import annotations

import socket

from kiosk.app import assemble_front_end
from kiosk.config import load_config
from kiosk.core.voice import Voice
from tests.conftest import write_site
from tests.ui_fixtures import KioskApp, KioskDriver, spoken_fixture  # noqa: F401


def test_the_kiosk_says_ready_when_home_is_drawn_pings_and_says_stopping(
    tmp_path, clock, spoken, monkeypatch
):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "notify"))
    listener.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping every 0.1 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    received: list[str] = []

    def heard(message: str) -> bool:
        while True:
            try:
                received.append(listener.recv(4096).decode())
            except BlockingIOError:
                return any(message in m for m in received)

    config = load_config(write_site(tmp_path))
    voice = Voice(tmp_path / "voice", player=None, synthesiser=spoken.synthesise)
    app = KioskApp(assemble_front_end(config, clock, voice=voice, background=False))
    driver = KioskDriver(app)
    driver.start()
    try:
        driver.wait_until(lambda: heard("READY=1"), what="READY=1")
        assert driver.screen.name == "home"
        ready = next(m for m in received if "READY=1" in m)
        assert "STATUS=home screen shown" in ready
        received.clear()
        driver.wait_until(lambda: heard("WATCHDOG=1"), what="a watchdog ping")
    finally:
        driver.stop()
    assert heard("STOPPING=1")
    listener.close()

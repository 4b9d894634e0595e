"""The technicians' screens behind the PIN, on a real offscreen window with simulated devices:
each set-up step lists what is there, tests under a time limit, says how it went, and saves
only what worked; a saved change takes effect with no restart, and a bad edit of the site
file keeps the kiosk on its last good configuration, with the reason shown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.idcard.cards_file import load_cards
from devices.idcard.simulator import SimulatedReader
from kiosk.app import assemble_front_end, sample_cards
from kiosk.config import load_config
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.voice import Voice
from tests.conftest import write_site
from tests.ui_fixtures import (  # noqa: F401
    KioskApp,
    KioskDriver,
    printer_fixture,
    spoken_fixture,
)

PIN = "2468"
SITE_EXTRA = f'\n[ui]\nkiosk_lock = true\ntechnician_pin = "{PIN}"\n'


@dataclass
class Bench:
    """The kiosk with a new reader plugged in beside its own, and a port that answers nothing."""

    kiosk: KioskDriver
    site: Path
    new_reader: SimulatedReader
    silent: str

    @property
    def app(self) -> KioskApp:
        return self.kiosk.app


@pytest.fixture(name="bench")
def bench_fixture(tmp_path, clock, spoken, printer):
    host, port = printer.listen()
    site = write_site(
        tmp_path,
        f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n'
        f'\n[devices.idcard]\nport = "sim"\npoll_interval_s = 0.05\n{SITE_EXTRA}',
    )
    master, slave = os.openpty()
    new_reader = SimulatedReader(load_cards(sample_cards())).start()
    none = tmp_path / "no-links"
    ports = PortListing((new_reader.path, os.ttyname(slave)), none, none)
    voice = Voice(tmp_path / "voice", player=None, synthesiser=spoken.synthesise)
    front_end = assemble_front_end(
        load_config(site), clock, voice=voice, background=False, ports=ports
    )
    driver = KioskDriver(KioskApp(front_end))
    driver.start()
    yield Bench(driver, site, new_reader, os.ttyname(slave))
    driver.stop()
    new_reader.close()
    os.close(master)
    os.close(slave)


def open_menu(kiosk) -> None:
    from kivy.core.window import Window

    for _ in range(5):
        kiosk.tap_at(Window.width - 5, Window.height - 5)
    pad = {key.value: key for key in kiosk.overlays()[0].walk() if hasattr(key, "value")}
    for digit in PIN:
        kiosk.tap(pad[digit])
    kiosk.wait_until(lambda: kiosk.screen.name == "tech_menu", what="the technician menu")


def open_step(kiosk, title: str) -> None:
    open_menu(kiosk)
    kiosk.wait_until(lambda: kiosk.shows(title), what=f"the {title} tile")
    tile = next(w for w in kiosk.visible_widgets() if getattr(w, "title", "") == title)
    kiosk.tap(tile)
    kiosk.wait_until(lambda: kiosk.screen.name == "tech_setup", what="the set-up screen")


def candidate(kiosk, port: str):
    kiosk.wait_until(
        lambda: any(
            getattr(w, "group", "") == "setup-candidate" and w.value == port
            for w in kiosk.visible_widgets()
        ),
        what=f"{port} in the list",
    )
    return next(
        w
        for w in kiosk.visible_widgets()
        if getattr(w, "group", "") == "setup-candidate" and w.value == port
    )


def test_a_new_reader_is_found_read_saved_and_used_without_a_restart(bench):
    kiosk, app = bench.kiosk, bench.app
    open_step(kiosk, "身份证阅读器")
    screen = kiosk.screen
    assert app.front_end.devices.reader is None  # the kiosk's own reader let go of its port
    kiosk.tap(candidate(kiosk, bench.new_reader.path))
    assert not screen.can_save
    kiosk.tap(id="test")
    kiosk.wait_until(lambda: "请放一张身份证" in screen.progress_text, what="the probe")
    bench.new_reader.place(0)
    kiosk.wait_until(lambda: screen.state == "passed", timeout=20, what="the test read")
    assert "读卡成功" in screen.result_text and "**********" in screen.result_text
    assert "baud" in screen.detail_text
    assert screen.can_save
    kiosk.tap(id="save")
    kiosk.wait_until(lambda: screen.state == "saved", what="the save")
    assert "无需重启" in screen.result_text
    assert load_config(bench.site).devices.idcard.port == bench.new_reader.path
    kiosk.tap("返回")
    kiosk.wait_until(lambda: kiosk.screen.name == "tech_menu", what="the menu")
    reader = app.front_end.devices.reader
    assert reader is not None and reader.port == bench.new_reader.path
    bench.new_reader.remove()
    kiosk.wait_until(lambda: app.reader_state == "waiting", what="the new reader waiting")
    app.go_home()
    kiosk.tap(id="progress")
    kiosk.wait_until(lambda: kiosk.screen.name == "progress", what="进度查询")
    bench.new_reader.place(1)
    kiosk.wait_until(lambda: app.screen("progress").searched, what="the card read by the kiosk")

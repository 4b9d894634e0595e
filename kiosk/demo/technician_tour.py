"""The tour's technician pass: the PIN, the menu, every set-up step, the doctor, and a
site file edited badly while the kiosk runs.

Beside the kiosk's own devices, a technician's bench is laid out: a new ID card reader
(the simulator on a pty) and a port where nothing answers, a QR scanner (simulated), the
demo site's reference platform. :func:`technician_bench` makes it before the kiosk is
built (its ports go into ``assemble_front_end``); :func:`play_technician` plays the pass.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from devices.idcard.cards_file import load_cards
from devices.idcard.simulator import SimulatedReader
from devices.scanner import SimulatedScanner
from kiosk.app import sample_cards
from kiosk.core.upkeep.ports import PortListing

if TYPE_CHECKING:
    from kiosk.demo.tour import Tour

PIN = "2468"
SITE_TOML = f'[ui]\ntechnician_pin = "{PIN}"\n'
TECH_CORNER = 5  # px from the top-right corner of the window
WRONG_SECRET = "0123456789abcdef" * 4


@dataclass
class Bench:
    """What lies on the technician's bench beside the kiosk."""

    reader: SimulatedReader
    scanner: SimulatedScanner
    silent_port: str
    ports: PortListing


def technician_bench(stack: ExitStack, folder: Path) -> Bench:
    """A new reader, a scanner and a silent port, closed with ``stack``."""
    reader = stack.enter_context(SimulatedReader(load_cards(sample_cards())))
    scanner = SimulatedScanner()
    stack.callback(scanner.unplug)
    master, slave = os.openpty()
    stack.callback(os.close, master)
    stack.callback(os.close, slave)
    silent = os.ttyname(slave)
    none = folder / "no-serial-links"
    return Bench(
        reader, scanner, silent, PortListing((reader.path, silent, scanner.path), none, none)
    )


def play_technician(tour: Tour, bench: Bench) -> None:
    """The technician's pass, one picture per state."""
    d, app = tour.driver, tour.app
    tour.home()
    from kivy.core.window import Window

    for _ in range(5):
        d.tap_at(Window.width - TECH_CORNER, Window.height - TECH_CORNER)
    tour.wait(lambda: d.overlays(), "the PIN pad")
    pad = {key.value: key for key in d.overlays()[0].walk() if hasattr(key, "value")}
    for digit in PIN[:2]:
        d.tap(pad[digit])
    tour.shot("tech-pin")
    for digit in PIN[2:]:
        d.tap(pad[digit])
    tour.on("tech_menu")
    tour.wait(lambda: d.shows("身份证阅读器"), "the set-up tiles")
    tour.shot("tech-menu")

    # The ID card reader: a port where nothing answers, then the new reader and a card.
    _open(tour, "身份证阅读器")
    setup = d.screen
    _choose(tour, bench.silent_port)
    d.tap(id="test")
    tour.wait(lambda: setup.state == "failed", "no reader on the silent port")
    tour.shot("tech-reader-no-answer")
    _choose(tour, bench.reader.path)
    d.tap(id="test")
    tour.wait(lambda: "请放一张身份证" in setup.progress_text, "the reader found")
    tour.shot("tech-reader-place-card")
    bench.reader.place(0)
    tour.wait(lambda: setup.state == "passed", "the test read")
    tour.shot("tech-reader-read")
    d.tap(id="save")
    tour.wait(lambda: setup.state == "saved", "the reader saved")
    tour.shot("tech-reader-saved")
    bench.reader.remove()
    app.back()

    # The printer in use: its status and the test page (on the paper pictures too).
    _open(tour, "小票打印机")
    tour.wait(lambda: setup.chosen, "the printer in use chosen")
    d.tap(id="test")
    tour.wait(lambda: setup.state == "passed", "the test page")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.shot("tech-printer-test-page")
    app.back()

    # The scanner: what a test scan delivered.
    _open(tour, "扫码器")
    _choose(tour, bench.scanner.path)
    d.tap(id="test")
    tour.wait(lambda: "扫一个二维码" in setup.progress_text, "the scanner listening")
    bench.scanner.scan("https://zwfw.sc.gov.cn/q/511502-0001")
    tour.wait(lambda: setup.state == "passed", "the scan")
    tour.shot("tech-scanner-scanned")
    app.back()

    # The platform link: a wrong secret typed on the keyboard, refused; the right one kept.
    _open(tour, "省平台连接")
    d.tap(_field(d, "设备密钥"))
    tour.wait(lambda: d.overlays(), "the keyboard")
    keyboard = d.overlays()[0]
    keys = {w.value: w for w in keyboard.walk() if getattr(w, "value", "") and len(w.value) == 1}
    for character in WRONG_SECRET[:20]:
        d.tap(keys[character])
    tour.shot("tech-keyboard")
    keyboard.text = WRONG_SECRET  # the rest as from a USB keyboard
    d.tap(keyboard.ids.done)
    d.tap(id="test")
    tour.wait(lambda: setup.state == "failed", "the secret refused")
    tour.shot("tech-platform-refused")
    _field(d, "设备密钥").value = ""
    setup.set("secret", "")
    d.tap(id="test")
    tour.wait(lambda: setup.state == "passed", "the link accepted")
    tour.shot("tech-platform-accepted")
    app.back()

    # Sound, then the hall: this box keeps the queue (its hall server not started here).
    _open(tour, "声音")
    d.tap(id="test")
    tour.wait(lambda: setup.state in ("passed", "failed"), "the test sentence")
    tour.shot("tech-sound")
    app.back()
    _open(tour, "大厅叫号")
    tour.wait(lambda: setup.chosen == "server", "the role in force chosen")
    d.tap(id="test")
    tour.wait(lambda: setup.state == "passed", "the hall's answer")
    tour.shot("tech-hall")
    app.back()

    # 体检: every doctor check, worst first.
    d.tap(id="doctor")
    tour.on("tech_doctor")
    tour.wait(lambda: not d.screen.running, "the doctor's checks")
    tour.shot("tech-doctor")
    app.back()

    # The site file edited badly while the kiosk runs: it goes on, and says why.
    site = Path(app.front_end.config.source)
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace("[devices.printer]\n", "[devices.printer]\npaper_mm = 76\n"))
    app.site_reload.poll()
    tour.wait(lambda: app.config_problem, "the bad edit noticed")
    tour.shot("tech-menu-bad-site-file")
    d.tap(id="restore")
    tour.wait(lambda: not app.config_problem, "the last good configuration restored")
    tour.shot("tech-menu-restored")
    d.tap(id="ok")
    tour.home()


def _open(tour: Tour, title: str) -> None:
    d = tour.driver
    tile = next(w for w in d.visible_widgets() if getattr(w, "title", "") == title)
    d.tap(tile)
    tour.on("tech_setup")
    tour.wait(lambda: d.screen.title == title and d.screen.in_force, f"the {title} step")


def _choose(tour: Tour, port: str) -> None:
    d = tour.driver

    def choice():
        for widget in d.visible_widgets():
            if getattr(widget, "group", "") == "setup-candidate" and widget.value == port:
                return widget
        return None

    tour.wait(choice, f"{port} in the list")
    found = choice()
    found.parent.parent.scroll_to(found, padding=0, animate=False)  # as a finger would scroll
    d.tap(found)


def _field(d, label: str):
    return next(w for w in d.visible_widgets() if getattr(w, "label", "").startswith(label))

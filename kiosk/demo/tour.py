"""The tour: the real kiosk, offscreen, driven by touch through every screen and state.

It builds a demo site in a temporary folder (its own store, a virtual ESC/POS printer on
127.0.0.1, the ID card simulator on a pty), plays a villager's visits and writes one PNG
per state into ``out/`` plus the virtual printer's paper into ``out/paper/``. Run it with
``bianmin ui tour --out DIR``; Kivy must have been set up (``kivy_env.prepare``) first.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devices.idcard.simulator import Fault
from devices.printer import PrinterState
from devices.printer.virtual import VirtualPrinter
from kiosk.app import assemble_front_end
from kiosk.config import Config
from kiosk.core.notices import apply_notice
from kiosk.core.voice import Voice, espeak_synthesiser
from kiosk.demo.driver import DriverTimeout, KioskDriver
from kiosk.demo.site import open_demo_site
from kiosk.demo.technician_tour import SITE_TOML, play_technician, technician_bench
from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

ELDER, YOUNGER = 0, 1  # 王建国 (1958) and 李秀芳 (1986) in the sample cards
ITEM = "异地就医备案"


class TourClock:
    """Wall time from a fixed morning; monotonic time the tour can move ahead (idle countdown)."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._began = time.monotonic()
        self._offset = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.monotonic() - self._began)

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def advance(self, seconds: float) -> None:
        """Move time ahead without waiting."""
        self._offset += seconds


@dataclass
class Tour:
    """One run of the tour: the driver, the devices, and the pictures taken."""

    out: Path
    driver: KioskDriver
    printer: VirtualPrinter
    reader: object
    clock: TourClock
    shots: list[Path] = field(default_factory=list)

    @property
    def app(self) -> KioskApp:
        return self.driver.app

    def shot(self, name: str) -> Path:
        """Save the screen as ``NN-name.png``."""
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.driver.screenshot(path)
        self.shots.append(path)
        log.info("tour: %s", path.name)
        return path

    def wait(self, condition: Callable[[], object], what: str) -> None:
        """Wait for ``what``; if it never comes, keep a picture of the screen as it was."""
        try:
            self.driver.wait_until(condition, timeout=20, what=what)
        except DriverTimeout:
            self.driver.screenshot(self.out / "tour-stopped-here.png")
            raise

    def on(self, screen: str) -> None:
        self.wait(lambda: self.driver.screen.name == screen, f"the {screen} screen")

    def home(self) -> None:
        self.app.go_home()
        self.driver.pump(2)

    def place_card(self, index: int) -> None:
        """Put a sample card on the simulated reader (after taking any card away)."""
        self.reader.simulator.remove()
        self.wait(lambda: self.app.reader_state == "waiting", "the reader to be free")
        self.reader.simulator.place(index)


def run_tour(out: Path, *, size: tuple[int, int]) -> list[Path]:
    """Play the tour; the PNGs written (screens, then paper), in order."""
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-tour-"))
    paper = out / "paper"
    shutil.rmtree(paper, ignore_errors=True)
    # 09:30 in Sichuan on a Monday.
    clock = TourClock(datetime(2026, 11, 23, 1, 30, tzinfo=UTC))
    stack = ExitStack()
    site = open_demo_site(
        workdir,
        platform=True,
        printer=True,
        paper_dir=paper,
        reader=True,
        extra=SITE_TOML,
        clock=clock,
    )
    stack.callback(site.close)
    bench = technician_bench(stack, workdir)
    config = site.config
    voice = Voice(config.data_dir / "voice", player=None, synthesiser=_synthesiser())
    front_end = assemble_front_end(config, clock, voice=voice, background=False, ports=bench.ports)
    driver = KioskDriver(KioskApp(front_end))
    driver.start()
    tour = Tour(out, driver, site.printer, front_end.devices.reader, clock)
    try:
        _play(tour, config)
        play_technician(tour, bench)
    finally:
        driver.stop()
        stack.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return tour.shots + sorted(paper.glob("*.png"))


def _synthesiser():
    """Real espeak-ng when installed (the WAV cache fills as a side effect), else silence."""
    if shutil.which("espeak-ng"):
        return espeak_synthesiser()
    return lambda _pinyin, wav: wav.write_bytes(b"")


def _play(tour: Tour, config: Config) -> None:
    d, app = tour.driver, tour.app

    def notices(services):
        with services.store.transaction() as conn:
            apply_notice(
                conn,
                {
                    "id": "n1",
                    "title": "医保缴费提醒",
                    "text": "2027年度城乡居民医保集中缴费截至12月31日",
                    "valid_from": "2026-11-01",
                },
            )
        return services.queue.book("social", tour.clock.now() + timedelta(minutes=20))

    appointment = app.call(notices).result(timeout=30)
    app.poll_status()
    tour.wait(lambda: app.notices, "the notice")
    tour.shot("home")

    # 取号: three taps, a printed ticket.
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("等候"), "waiting counts")
    tour.shot("queue-services")
    d.tap("社保医保")
    tour.on("priority")
    tour.shot("queue-priority")
    d.tap(id="ordinary")
    tour.on("ticket")
    tour.printer.wait_for_jobs(1)
    tour.shot("queue-ticket-printed")

    # The green channel for a villager over 65, by ID card.
    tour.home()
    d.tap(id="take_number")
    d.tap("民政救助")
    d.tap(id="age")
    tour.wait(lambda: d.overlays(), "the card prompt")
    tour.shot("queue-priority-card")
    tour.place_card(ELDER)
    tour.on("ticket")
    tour.shot("queue-ticket-green-channel")

    # Out of paper: the number and a QR on screen.
    tour.printer.state = PrinterState.PAPER_OUT
    tour.home()
    d.tap(id="take_number")
    d.tap("户籍办理")
    d.tap(id="ordinary")
    tour.on("ticket")
    tour.shot("queue-ticket-out-of-paper-qr")
    tour.printer.state = PrinterState.READY

    # Appointment check-in on the numeric pad.
    tour.home()
    d.tap(id="take_number")
    d.tap(id="appointment")
    tour.on("appointment")
    pad = {key.value: key for key in d.find(id="pad").children}
    for digit in "9" * 6:
        d.tap(pad[digit])
    d.tap(id="check_in")
    tour.wait(lambda: d.find(id="problem").text, "the refusal of a wrong code")
    tour.shot("appointment-wrong-code")
    d.tap(pad["clear"])
    for digit in appointment:
        d.tap(pad[digit])
    tour.shot("appointment-pad")
    d.tap(id="check_in")
    tour.on("ticket")
    tour.shot("appointment-ticket")

    # 办事指南: themes, a theme's items, search by initials, an item page.
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    tour.wait(lambda: d.shows("社会保障"), "the themes")
    tour.shot("guide-themes")
    d.tap("医疗保障")
    tour.on("items")
    tour.wait(lambda: d.shows(ITEM), "the items")
    tour.shot("guide-items")
    d.tap(id="previous")  # disabled on the first page: nothing happens
    app.back()
    tour.on("guide")
    d.tap(id="search")
    tour.on("search")
    tour.shot("guide-search-keyboard")
    for letter in "YDJY":
        d.tap(letter)
    tour.wait(lambda: d.shows(ITEM), "the search result")
    tour.shot("guide-search-results")
    d.tap(ITEM)
    tour.on("item")
    tour.wait(lambda: d.shows("所需材料"), "the item page")
    tour.shot("guide-item")
    d.tap(id="print_materials")
    tour.wait(lambda: d.overlays(), "the printed message")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.shot("guide-item-materials-printed")
    d.tap(id="ok")

    # 我要办: the card (waiting, reading, error), confirm, the form, materials, review, receipt.
    d.tap(id="apply")
    tour.on("apply")
    tour.shot("apply-card-waiting")
    tour.reader.simulator.inject(Fault.SAM_ERROR, count=tour.reader.read_attempts)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "error", "the read error")
    tour.shot("apply-card-error")
    tour.reader.simulator.inject(Fault.SLOW, delay_s=2.0)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "reading", "the card being read")
    tour.shot("apply-card-reading")
    tour.on("confirm")
    tour.shot("apply-confirm")
    d.tap(id="me")
    tour.on("form")
    tour.wait(lambda: d.shows("联系电话"), "the phone page")
    keys = {key.value: key for key in d.find(id="editor").children[0].children}
    for digit in "1381234":
        d.tap(keys[digit])
    d.tap(id="next")
    tour.wait(lambda: d.find(id="problem").text, "the phone number refused")
    tour.shot("apply-form-phone-invalid")
    for digit in "5678":
        d.tap(keys[digit])
    tour.shot("apply-form-phone-pad")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    d.tap("异地转诊就医")
    tour.shot("apply-form-choice")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the address page")
    d.tap("四川省")
    tour.shot("apply-form-address-from-card")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    picker = d.find(id="editor").children[0]
    d.tap(picker.ids.day.children[-1])  # + one day
    tour.shot("apply-form-date-picker")
    d.tap(id="next")
    tour.on("materials")
    d.tap("居民身份证")
    tour.shot("apply-materials")
    d.tap(id="next")
    tour.on("review")
    tour.shot("apply-review")
    d.tap(id="submit")
    tour.on("receipt")
    tour.shot("apply-receipt")

    # 好差评 for the case just submitted: five faces, reasons at 1-2.
    d.tap(id="rate")
    tour.on("rating")
    tour.shot("rating-faces")
    d.tap(id="level_2")
    tour.shot("rating-reasons")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("rating").problem, "a reason asked for")
    tour.shot("rating-reason-required")
    d.tap("等待时间太长")
    d.tap(id="submit")
    tour.on("home")
    tour.shot("rating-thanks")
    d.tap(id="ok")

    # Manual ID entry with the check digit, then 进度查询 by card.
    d.tap(id="progress")
    tour.on("progress")
    tour.shot("progress-prompt")
    d.tap(id="manual")
    tour.on("id_entry")
    pad = {key.value: key for key in d.find(id="pad").children}
    for ch in "510722198603052621":
        d.tap(pad[ch])
    d.tap(id="ok")
    tour.shot("id-entry-check-digit-wrong")
    d.tap(pad["backspace"])
    d.tap(pad["0"])
    d.tap(id="ok")
    tour.on("progress")
    tour.wait(lambda: app.screen("progress").searched, "the cases")
    tour.shot("progress-cases")

    # 办不成事: the problem, a phone number, a reference number.
    tour.home()
    d.tap(id="unsolved")
    tour.on("unsolved")
    tour.shot("unsolved-kinds")
    d.tap(id="kind_materials")
    pad = {key.value: key for key in d.find(id="pad").children}
    for digit in "13900001111":
        d.tap(pad[digit])
    tour.shot("unsolved-phone")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("unsolved").reference, "the reference number")
    tour.shot("unsolved-reference")

    # Idle: the countdown, then home with everything wiped.
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.place_card(YOUNGER)
    tour.on("confirm")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown")
    tour.shot("idle-countdown")
    tour.clock.advance(config.ui.countdown_s)
    tour.wait(lambda: d.screen.name == "home" and not d.overlays(), "the wipe")
    tour.shot("idle-wiped-home")

    # 大字模式: large text, high contrast.
    d.tap(id="large_font")
    tour.shot("large-font-home")
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("等候"), "waiting counts")
    tour.shot("large-font-queue")
    d.tap("社保医保")
    tour.shot("large-font-priority")
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    d.tap(id="search")
    for letter in "SB":
        d.tap(letter)
    tour.wait(lambda: app.screen("search").hits, "results")
    tour.shot("large-font-search")
    tour.home()
    d.tap(id="large_font")
    tour.reader.simulator.remove()

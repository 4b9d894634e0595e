"""The tour: the real kiosk, offscreen, driven by touch through every screen and state.

It builds a demo site in a temporary folder (its own store, a virtual ESC/POS printer on
127.0.0.1, the ID card simulator on a pty), plays a villager's visits and writes one PNG
per state into ``out/`` plus the virtual printer's paper into ``out/paper/``. Run it with
``bianmin ui tour --out DIR``; Kivy must have been set up (``kivy_env.prepare``) first.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devices.idcard.frames import Command
from devices.idcard.simulator import Fault
from devices.printer import PrinterState
from devices.printer.virtual import VirtualPrinter
from kiosk.app import assemble_front_end
from kiosk.config import Config, Hours
from kiosk.core.notices import apply_notice
from kiosk.core.voice import Voice, espeak_synthesiser
from kiosk.demo.driver import DriverTimeout, KioskDriver
from kiosk.demo.fit import misfits
from kiosk.demo.site import open_demo_site
from kiosk.demo.technician_tour import SITE_TOML, play_technician, technician_bench
from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

ELDER, YOUNGER, RESIDENCE_PERMIT = 0, 1, 4  # 王建国 (1958), 李秀芳 (1986), 陈家明 (居住证)
OFFICE_HOURS = Hours(open="08:30", close="17:30", days=[1, 2, 3, 4, 5])
ITEM = "异地就医备案"
OVERFLOW_REPORT = "text-overflow.txt"  # texts that do not fit their box, per picture (none: empty)


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
    overflows: list[str] = field(default_factory=list)

    @property
    def app(self) -> KioskApp:
        return self.driver.app

    def shot(self, name: str) -> Path:
        """Save the screen as ``NN-name.png``."""
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.driver.screenshot(path)
        self.shots.append(path)
        top = self.driver.overlays()
        for problem in misfits(top[0] if top else self.driver.screen):
            self.overflows.append(f"{path.name}: {problem}")
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
    # 09:30 in Sichuan on a Monday; the platform keeps the same time (its signatures).
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
    # A working week's hours, so the tour can end after closing time.
    config = dataclasses.replace(site.config, hours=OFFICE_HOURS)
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
        report = "".join(f"{line}\n" for line in tour.overflows)
        (out / OVERFLOW_REPORT).write_text(report, encoding="utf-8")
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

    # 取号: three taps, a printed ticket that says where to wait.
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

    # The green channel for a villager over 65, by ID card: B001 with a green mark.
    tour.home()
    d.tap(id="take_number")
    d.tap("民政救助")
    d.tap(id="age")
    tour.wait(lambda: d.overlays(), "the card prompt")
    tour.shot("queue-priority-card")
    tour.place_card(ELDER)
    tour.on("ticket")
    tour.shot("queue-ticket-green-channel")

    # The printer: paper near its end (still prints; staff are told), cover open, out of
    # paper (the number stays, said and shown, 重新打印), and the fault on staff's list.
    for state, name in (
        (PrinterState.PAPER_NEAR_END, "queue-ticket-paper-near-end"),
        (PrinterState.COVER_OPEN, "queue-ticket-cover-open"),
        (PrinterState.PAPER_OUT, "queue-ticket-out-of-paper"),
    ):
        tour.printer.state = state
        tour.home()
        d.tap(id="take_number")
        d.tap("户籍办理")
        d.tap(id="ordinary")
        tour.on("ticket")
        tour.shot(name)
    tour.printer.state = PrinterState.READY
    jobs = len(tour.printer.jobs)
    d.tap(id="reprint")
    tour.printer.wait_for_jobs(jobs + 1)
    tour.wait(lambda: d.shows("请取走小票"), "the reprint")
    tour.shot("queue-ticket-reprinted")

    # Appointment check-in on the numeric pad.
    tour.home()
    d.tap(id="take_number")
    d.tap(id="appointment")
    tour.on("appointment")
    pad = d.keys("pad")
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

    # 办事指南: 常办事项 and life events, a list and its second page, search, an item's pages.
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    tour.wait(lambda: d.shows("养老"), "the guide's life events")
    tour.shot("guide-start")
    d.tap(id="show_themes")
    tour.shot("guide-themes")
    d.tap("医疗保障")
    tour.on("items")
    tour.wait(lambda: d.shows(ITEM), "the items")
    tour.shot("guide-items")
    d.tap(id="next")
    tour.shot("guide-items-page-2")
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    d.tap("养老")
    tour.on("items")
    tour.shot("guide-life-event-old-age")
    tour.home()
    d.tap(id="guide")
    d.tap(id="search")
    tour.on("search")
    tour.shot("guide-search-keyboard")
    for letter in "QQX":
        d.tap(letter)
    tour.wait(lambda: d.shows("没有找到"), "no results")
    tour.shot("guide-search-no-results")
    d.tap(d.keys("letters")["clear"])
    for letter in "YDJY":
        d.tap(letter)
    tour.wait(lambda: d.shows(ITEM), "the search result")
    tour.shot("guide-search-results")
    d.tap(ITEM)
    tour.on("item")
    tour.wait(lambda: d.shows("所需材料"), "the item page")
    tour.shot("guide-item")
    d.tap(id="next_page")
    tour.shot("guide-item-page-2")
    d.tap(id="print_materials")
    tour.wait(lambda: d.overlays(), "the printed message")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.shot("guide-item-materials-printed")
    d.tap(id="ok")

    # 我要办: the card (waiting, reading, error), confirm, 不是我, the form, materials, review.
    d.tap(id="apply")
    tour.on("apply")
    tour.shot("apply-card-waiting")
    tour.reader.simulator.inject(Fault.SAM_ERROR, count=tour.reader.read_attempts)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "error", "the read error")
    tour.shot("apply-card-error")
    tour.place_card(RESIDENCE_PERMIT)
    tour.on("confirm")
    tour.shot("apply-confirm-residence-permit")
    d.tap(id="not_me")
    tour.on("apply")
    tour.shot("apply-not-me")
    tour.reader.simulator.inject(Fault.SLOW, target=Command.READ_TEXT_PHOTO, delay_s=1.2)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "reading", "the card being read")
    tour.shot("apply-card-reading")
    tour.on("confirm")
    tour.shot("apply-confirm")
    d.tap(id="me")
    tour.on("form")
    tour.wait(lambda: d.shows("联系电话"), "the phone page")
    d.tap(id="next")
    tour.wait(lambda: d.find(id="problem").text, "the empty field refused")
    tour.shot("apply-form-required-empty")
    keys = d.keys("pad_place")
    for digit in "1381234":
        d.tap(keys[digit])
    d.tap(id="next")
    tour.wait(lambda: d.find(id="problem").text, "the short phone number refused")
    tour.shot("apply-form-phone-short")
    for digit in "5678":
        d.tap(keys[digit])
    tour.shot("apply-form-phone-pad")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    d.tap("异地转诊就医")
    tour.shot("apply-form-choice")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    tour.shot("apply-form-place-provinces")
    d.tap("四川省")
    tour.wait(lambda: d.shows("绵阳市"), "the cities")
    tour.shot("apply-form-place-cities")
    d.tap("绵阳市")
    tour.wait(lambda: d.shows("三台县"), "the counties")
    d.tap("三台县")
    tour.shot("apply-form-place-chosen")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    tour.shot("apply-form-date-empty")
    d.tap(id="today")
    d.tap(id="later_day")
    tour.shot("apply-form-date-picked")
    d.tap(id="next")
    tour.on("materials")
    d.tap("居民身份证")
    tour.shot("apply-materials")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown over the form")
    tour.shot("idle-countdown-over-a-form")
    d.tap(id="keep")
    d.tap(id="next")
    tour.on("review")
    tour.shot("apply-review")
    # Printing fails: the reference stays on the screen, 重新打印, staff are told.
    tour.printer.state = PrinterState.PAPER_OUT
    d.tap(id="submit")
    tour.on("receipt")
    tour.shot("apply-receipt-not-printed")
    tour.printer.state = PrinterState.READY
    jobs = len(tour.printer.jobs)
    d.tap(id="reprint")
    tour.printer.wait_for_jobs(jobs + 1)
    tour.wait(lambda: d.shows("请取走回执"), "the reprinted receipt")
    tour.shot("apply-receipt")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown over the receipt")
    tour.shot("idle-countdown-over-the-receipt")
    d.tap(id="keep")

    # 好差评 for the case just submitted: named by the service and the day; reasons at 1-2.
    d.tap(id="rate")
    tour.on("rating")
    tour.shot("rating-faces")
    d.tap(id="level_2")
    tour.shot("rating-reasons")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("rating").problem, "a reason asked for")
    tour.shot("rating-reason-required")
    d.tap("等候时间太长")
    d.tap(id="submit")
    tour.on("home")
    tour.shot("rating-thanks")
    d.tap(id="ok")

    # 好差评 of a ticket typed in on the pad.
    d.tap(id="rating")
    tour.on("rating")
    d.tap("A")
    for digit in "001":
        d.tap(d.keys("ticket_pad")[digit])
    tour.shot("rating-ticket-typed")
    d.tap(id="find_ticket")
    tour.wait(lambda: app.screen("rating").has_target, "the faces of the ticket")
    tour.shot("rating-ticket-faces")

    # A required material left unticked is told plainly; manual ID entry to the receipt.
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    d.tap(id="manual")
    tour.on("id_entry")
    pad = d.keys("pad")
    for ch in "510722198603052621":
        d.tap(pad[ch])
    d.tap(id="ok")
    tour.shot("id-entry-check-digit-wrong")
    d.tap(pad["backspace"])
    d.tap(pad["0"])
    d.tap(id="ok")
    tour.on("confirm")
    tour.shot("id-entry-confirm-unverified")
    d.tap(id="me")
    tour.on("form")
    for digit in "13912345678":
        d.tap(d.keys("pad_place")[digit])
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    d.tap("临时外出就医")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    d.tap("重庆市")
    tour.wait(lambda: d.shows("渝中区"), "the districts")
    tour.shot("apply-form-place-municipality")
    d.tap("渝中区")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    d.tap(id="today")
    d.tap(id="next")
    tour.on("materials")
    d.tap(id="next")  # a required paper not ticked: told on the checklist, what to do
    tour.wait(lambda: app.screen("materials").problem, "the missing material")
    tour.shot("apply-materials-missing")
    d.tap("居民身份证")
    d.tap(id="next")
    tour.on("review")
    d.tap(id="submit")
    tour.on("receipt")
    tour.shot("id-entry-receipt")

    # 进度查询: none, then a person's cases as the platform moved them on.
    tour.home()
    d.tap(id="progress")
    tour.on("progress")
    tour.shot("progress-prompt")
    d.tap(id="manual")
    pad = d.keys("pad")
    for ch in "11010519491231002X":
        d.tap(pad[ch])
    d.tap(id="ok")
    tour.on("progress")
    tour.wait(lambda: app.screen("progress").searched, "no cases")
    tour.shot("progress-none")
    app.call(lambda s: _platform_moves_on(s, tour.clock)).result(timeout=30)
    tour.home()
    d.tap(id="progress")
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("progress").searched, "the cases")
    tour.shot("progress-cases")
    if app.screen("progress").pages > 1:
        d.tap(id="next_page")
        tour.shot("progress-cases-page-2")
    tour.home()
    d.tap(id="progress")
    d.tap(id="reference")
    tour.on("id_entry")
    pad = d.keys("pad")
    for ch in "1123001":
        d.tap(pad[ch])
    tour.shot("progress-reference-typed")
    d.tap(id="ok")
    tour.on("progress")
    tour.shot("progress-by-reference")

    # 办不成事: the problem, a phone number, a reference number and what happens next.
    tour.home()
    d.tap(id="unsolved")
    tour.on("unsolved")
    tour.shot("unsolved-kinds")
    d.tap(id="kind_materials")
    pad = d.keys("pad")
    for digit in "13900001111":
        d.tap(pad[digit])
    tour.shot("unsolved-phone")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("unsolved").reference, "the reference number")
    tour.shot("unsolved-reference")

    # 找工作人员 from any screen: staff are told, the villager where to find them.
    d.tap(id="call_staff")
    tour.wait(lambda: d.overlays(), "the help message")
    tour.shot("call-staff")
    d.tap(id="ok")

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

    # 字大一点: large text and high contrast on the main screens, forms, pads and results.
    d.tap(id="large_font")
    tour.shot("large-font-home")
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("等候"), "waiting counts")
    tour.shot("large-font-queue")
    d.tap("社保医保")
    tour.shot("large-font-priority")
    d.tap(id="disability")
    tour.on("ticket")
    tour.shot("large-font-ticket")
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    tour.shot("large-font-guide")
    d.tap(id="search")
    for letter in "SB":
        d.tap(letter)
    tour.wait(lambda: app.screen("search").hits, "results")
    tour.shot("large-font-search")
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.place_card(YOUNGER)
    tour.on("confirm")
    tour.shot("large-font-confirm")
    d.tap(id="me")
    tour.on("form")
    tour.wait(lambda: d.shows("联系电话"), "the phone page")
    tour.shot("large-font-form-keypad")
    for digit in "13812345678":
        d.tap(d.keys("pad_place")[digit])
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    tour.shot("large-font-form-choice")
    d.tap("异地转诊就医")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    tour.shot("large-font-form-place")
    for place, then in (("四川省", "绵阳市"), ("绵阳市", "三台县"), ("三台县", "")):
        d.tap(place)
        if then:
            tour.wait(lambda t=then: d.shows(t), then)
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    d.tap(id="today")
    tour.shot("large-font-form-date")
    d.tap(id="next")
    tour.on("materials")
    d.tap("居民身份证")
    tour.shot("large-font-materials")
    d.tap(id="next")
    tour.on("review")
    tour.shot("large-font-review")
    d.tap(id="submit")
    tour.on("receipt")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.wait(lambda: d.shows("请取走回执"), "the receipt printed")
    tour.shot("large-font-receipt")
    d.tap(id="rate")
    tour.on("rating")
    tour.shot("large-font-rating-faces")
    tour.home()
    d.tap(id="rating")
    tour.on("rating")
    tour.shot("large-font-rating-pad")
    tour.home()
    d.tap(id="large_font")
    tour.reader.simulator.remove()

    # The card reader unplugged: the card screen says so and offers the pad.
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.on("apply")
    tour.reader.simulator.unplug()
    tour.wait(lambda: app.screen("apply").card_state == "offline", "the reader offline")
    tour.shot("apply-reader-offline")
    tour.reader.simulator.replug()
    tour.wait(lambda: app.reader_state == "waiting", "the reader back")

    # The platform reached: the home screen online, the cases sent.
    tour.home()
    app.call(lambda services: services.sync.engine(services.store).run_once(30)).result(60)
    app.poll_status()
    tour.wait(lambda: app.link_state == "up", "the link up")
    tour.shot("home-online")
    d.tap(id="progress")
    tour.on("progress")
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("progress").searched, "her cases")
    tour.shot("progress-online")
    tour.reader.simulator.remove()

    # After closing time: 取号 says so before a tap.
    tour.home()
    tour.clock.advance(9 * 3600)  # 18:30
    app.status.tick()
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("现在不是办公时间"), "the queue closed")
    tour.shot("queue-outside-hours")
    tour.home()


def _platform_moves_on(services, clock) -> None:
    """The platform's word on 李秀芳's cases (as its change feed brings it): one completed,
    one to correct, one refused; and two more applications saved on the kiosk."""
    from kiosk.core.cases import apply_case_status

    cases = services.cases.cases_of_person("510722198603052620")
    moves = [
        ("completed", None),
        ("needs_correction", "请补交医院诊断证明书"),
        ("rejected", "不符合备案条件"),
    ]
    with services.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'delivered' WHERE kind = 'case'")
        for step, (summary, (status, reason)) in enumerate(zip(cases, moves, strict=False), 1):
            apply_case_status(
                conn,
                {
                    "case_id": summary.case_id,
                    "case_no": f"SC511502-2026-{step:05d}",
                    "step": step,
                    "status": status,
                    "reason": reason,
                    "result": None,
                    "at": clock.now().isoformat(timespec="seconds"),
                },
                vault=services.vault,
            )

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

from devices.printer.virtual import VirtualPrinter
from kiosk.app import assemble_front_end
from kiosk.config import Config, Hours
from kiosk.core.voice import Voice, espeak_synthesiser
from kiosk.demo import tour_scenes, tour_scenes_late
from kiosk.demo.driver import DriverTimeout, KioskDriver
from kiosk.demo.fit import misfits
from kiosk.demo.site import open_demo_site
from kiosk.demo.technician_tour import SITE_TOML, play_technician, technician_bench
from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

OFFICE_HOURS = Hours(open="08:30", close="17:30", days=[1, 2, 3, 4, 5])
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
    front_end = assemble_front_end(
        config, clock, voice=voice, background=False, ports=bench.ports, sound=bench.sound
    )
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
    """The villager's visits, scene by scene, in the order of the pictures."""
    appointment = tour_scenes.home_with_notice(tour)
    tour_scenes.take_a_number(tour)
    tour_scenes.green_channel(tour)
    tour_scenes.printer_faults(tour)
    tour_scenes.appointment_check_in(tour, appointment)
    tour_scenes.service_guide(tour)
    tour_scenes.apply_card(tour)
    tour_scenes.apply_form(tour)
    tour_scenes.apply_submit(tour, config)
    tour_scenes.rate_the_case(tour)
    tour_scenes.rate_a_ticket(tour)
    tour_scenes.manual_id_entry(tour)
    tour_scenes_late.progress(tour)
    tour_scenes_late.unsolved(tour)
    tour_scenes_late.call_staff(tour)
    tour_scenes_late.idle_wipe(tour, config)
    tour_scenes_late.large_text_queue_and_guide(tour)
    tour_scenes_late.large_text_application(tour)
    tour_scenes_late.reader_unplugged(tour)
    tour_scenes_late.online(tour)
    tour_scenes_late.after_closing_time(tour)

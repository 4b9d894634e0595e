"""The technicians' screens behind the PIN, on a real offscreen window with simulated devices:
each set-up step lists what is there, tests under a time limit, says how it went, and saves
only what worked; a saved change takes effect with no restart, and a bad edit of the site
file keeps the kiosk on its last good configuration, with the reason shown."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.idcard.cards_file import load_cards
from devices.idcard.simulator import SimulatedReader
from devices.printer import PAPER_58
from devices.printer.paper import char_columns
from devices.printer.virtual import VirtualPrinter
from kiosk.app import assemble_front_end, sample_cards
from kiosk.config import load_config
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup import Finding, SetupStep, SiteFile
from kiosk.core.voice import Voice
from tests.clocks import ManualClock
from tests.conftest import write_site
from tests.platform_fixtures import running_platform
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
    printer: VirtualPrinter

    @property
    def app(self) -> KioskApp:
        return self.kiosk.app


@contextmanager
def kiosk_bench(tmp_path, clock, spoken, printer, extra: str = "") -> Iterator[Bench]:
    """The kiosk on its simulated reader and virtual printer, a new reader and a silent
    port beside it; ``extra`` is more TOML for the site file."""
    host, port = printer.listen()
    site = write_site(
        tmp_path,
        f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n'
        f'\n[devices.idcard]\nport = "sim"\npoll_interval_s = 0.05\n{SITE_EXTRA}{extra}',
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
    try:
        yield Bench(driver, site, new_reader, os.ttyname(slave), printer)
    finally:
        driver.stop()
        new_reader.close()
        os.close(master)
        os.close(slave)


@pytest.fixture(name="bench")
def bench_fixture(tmp_path, clock, spoken, printer):
    with kiosk_bench(tmp_path, clock, spoken, printer) as bench:
        yield bench


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


def field(kiosk, label: str):
    return next(w for w in kiosk.visible_widgets() if getattr(w, "label", "").startswith(label))


def columns(line) -> int:
    """How many half-width columns a printed line takes."""
    return sum(char_columns(c) for c in line.text) * line.width


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
    kiosk.tap(id="back")
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


def test_a_reader_that_answers_nothing_leaves_the_old_setting(bench):
    kiosk, app = bench.kiosk, bench.app
    before = bench.site.read_text(encoding="utf-8")
    open_step(kiosk, "身份证阅读器")
    screen = kiosk.screen
    kiosk.tap(candidate(kiosk, bench.silent))
    kiosk.tap(id="test")
    assert screen.state == "testing" and not screen.can_test
    kiosk.wait_until(lambda: screen.state == "failed", timeout=20, what="no answer")
    assert "没有阅读器应答" in screen.result_text and "no answer" in screen.detail_text
    assert not screen.can_save
    kiosk.tap(id="save")  # disabled: nothing happens
    assert bench.site.read_text(encoding="utf-8") == before
    kiosk.tap(id="back")
    kiosk.wait_until(lambda: kiosk.screen.name == "tech_menu", what="the menu")
    reader = app.front_end.devices.reader
    assert reader is not None and reader.simulator is not None  # the old one, "sim", again
    kiosk.wait_until(lambda: app.reader_state == "waiting", what="the old reader back")


@pytest.fixture(name="platform_bench")
def platform_bench_fixture(tmp_path, spoken, printer):
    """The bench with the link to a reference platform (on the kiosk's clock) in force."""
    clock = ManualClock()
    with (
        running_platform(tmp_path / "platform", clock=clock) as platform,
        kiosk_bench(tmp_path, clock, spoken, printer, platform.site_toml()) as bench,
    ):
        yield bench, platform


def test_a_platform_that_refuses_the_secret_keeps_the_old_link(platform_bench):
    bench, platform = platform_bench
    kiosk = bench.kiosk
    before = bench.site.read_text(encoding="utf-8")
    open_step(kiosk, "省平台连接")
    screen = kiosk.screen
    kiosk.wait_until(lambda: screen.in_force.startswith(platform.url), what="the link")
    assert screen.can_test  # the link in force, nothing to choose
    secret = field(kiosk, "设备密钥")
    kiosk.tap(secret)
    keyboard = kiosk.overlays()[0]
    keys = {w.value: w for w in keyboard.walk() if len(getattr(w, "value", "")) == 1}
    for character in "0f":
        kiosk.tap(keys[character])
    assert "0f" in keyboard.ids.typed.text
    keyboard.text = "0f" * 32  # the rest from a USB keyboard
    kiosk.tap(keyboard.ids.done)
    assert secret.value == "0f" * 32 and "64" in secret.text and "0f0f" not in secret.text
    kiosk.tap(id="test")
    kiosk.wait_until(lambda: screen.state == "failed", timeout=20, what="the refusal")
    assert "设备密钥不对" in screen.result_text and "bad_signature" in screen.detail_text
    assert not screen.can_save
    assert bench.site.read_text(encoding="utf-8") == before
    secret.value = ""  # empty: keep the secret in force
    secret.dispatch("on_change", "")
    kiosk.tap(id="test")
    kiosk.wait_until(lambda: screen.state == "passed", timeout=20, what="accepted")
    assert "平台连接正常" in screen.result_text and screen.can_save


def test_a_bad_edit_of_the_site_file_keeps_the_last_good_configuration_and_says_why(bench):
    kiosk, app = bench.kiosk, bench.app
    edit(bench.site, "[devices.printer]\n", "[devices.printer]\npaper_mm = 76\n")
    app.site_reload.poll()
    assert "devices.printer.paper_mm = 76" in app.config_problem
    assert app.front_end.config.devices.printer.paper_mm == 80  # still running on the old
    kiosk.tap(id="take_number")  # villagers notice nothing
    kiosk.wait_until(lambda: kiosk.shows("社保医保"), what="the services")
    open_menu(kiosk)
    assert kiosk.shows("站点配置文件有错误") and kiosk.shows("paper_mm = 76")
    kiosk.tap(id="restore")
    kiosk.wait_until(lambda: not app.config_problem, what="the last good one put back")
    assert kiosk.overlays() and kiosk.shows("已恢复上次可用的配置")
    assert "paper_mm = 76" not in bench.site.read_text(encoding="utf-8")


def test_a_good_edit_waits_for_the_villager_and_then_takes_effect_without_a_restart(bench):
    kiosk, app = bench.kiosk, bench.app
    kiosk.tap(id="progress")
    kiosk.tap(id="manual")
    kiosk.wait_until(lambda: kiosk.screen.name == "id_entry", what="the ID pad")
    edit(bench.site, "[devices.printer]\n", "[devices.printer]\npaper_mm = 58\n")
    edit(bench.site, "[ui]\n", "[ui]\nidle_s = 90\n")
    app.site_reload.poll()
    assert app.site_reload.pending is not None and app.site.ui.idle_s == 60  # not in a visit
    app.go_home()
    app.site_reload.poll()
    assert app.site.ui.idle_s == 90 and app.idle.timer.idle_s == 90
    paper = app.call(lambda services: services.printer.paper.mm).result(timeout=10)
    assert paper == 58  # the services were rebuilt on their thread
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.shows("社保医保"), what="the services")
    kiosk.tap("社保医保")
    kiosk.tap(id="ordinary")
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket")
    (job,) = bench.printer.wait_for_jobs(1)
    widest = max(columns(line) for line in job.lines if line.kind == "text")
    assert widest <= PAPER_58.columns  # laid out for the new 58 mm roll


class Hanging(SetupStep):
    """A step whose device never answers (its test blocks until the test lets it go)."""

    name = "hanging"
    title_key = "setup.scanner.title"
    pick = False

    def __init__(self, site: SiteFile) -> None:
        super().__init__(site)
        self.release = threading.Event()

    @property
    def limit_s(self) -> float:
        return 3.0

    def test(self, candidate_id: str, progress=None, **options) -> Finding:
        self.release.wait(30)
        return Finding(True, "setup.scanner.scanned", {"text": "late", "length": 4})


def test_a_test_that_never_answers_is_given_up_after_its_limit(bench, clock):
    kiosk, app = bench.kiosk, bench.app
    open_menu(kiosk)
    step = Hanging(SiteFile(bench.site))
    app.screen("tech_setup").render(step)  # as the menu's tile does
    app.go("tech_setup")
    screen = kiosk.screen
    try:
        kiosk.tap(id="test")
        assert screen.state == "testing" and kiosk.shows("最多3秒")
        clock.advance(seconds=step.limit_s + 10)
        kiosk.wait_until(lambda: screen.state == "failed", what="the test given up")
        assert "超过3秒没有结果" in screen.result_text and not screen.can_save
        assert screen.can_test  # the technician may try again
    finally:
        step.release.set()
    kiosk.pump(5)
    assert screen.state == "failed"  # the late answer of an abandoned test is ignored


def test_the_doctor_lists_every_check_worst_first_and_the_kiosks_reader_as_in_use(bench):
    kiosk, app = bench.kiosk, bench.app
    edit(bench.site, 'port = "sim"', f'port = "{bench.new_reader.path}"')
    app.site_reload.poll()
    kiosk.wait_until(lambda: app.reader_state == "waiting", what="the kiosk on the new reader")
    open_menu(kiosk)
    kiosk.tap(id="doctor")
    screen = kiosk.screen
    assert screen.name == "tech_doctor" and screen.running
    kiosk.wait_until(lambda: not screen.running, timeout=60, what="the checks")
    rows = list(reversed(screen.ids.results.children))
    assert len(rows) == 17 and kiosk.shows("共17项")
    order = ["crash", "fail", "warn", "ok"]
    assert [order.index(r.status) for r in rows] == sorted(order.index(r.status) for r in rows)
    reader = next(r for r in rows if r.name == "idcard")
    assert reader.title == "身份证阅读器" and reader.status == "ok"
    assert "in use by this kiosk" in reader.detail  # the doctor does not fight the kiosk


def test_a_platform_link_typed_in_is_saved_and_syncs_without_a_restart(tmp_path, spoken, printer):
    clock = ManualClock()
    with (
        running_platform(tmp_path / "platform", clock=clock) as platform,
        kiosk_bench(tmp_path, clock, spoken, printer) as bench,
    ):
        kiosk, app = bench.kiosk, bench.app
        assert not app.call(lambda services: services.sync.configured).result(timeout=10)
        open_step(kiosk, "省平台连接")
        screen = kiosk.screen
        for label, value in (
            ("平台地址", platform.url),
            ("设备编号", platform.device_id),
            ("设备密钥", platform.device_secret),
        ):
            typed = field(kiosk, label)
            typed.value = value
            typed.dispatch("on_change", value)
        kiosk.tap(id="test")
        kiosk.wait_until(lambda: screen.state == "passed", timeout=20, what="accepted")
        kiosk.tap(id="save")
        kiosk.wait_until(lambda: screen.state == "saved", what="the save")
        assert platform.device_secret in bench.site.read_text(encoding="utf-8")
        linked = app.call(lambda services: (services.sync.configured, services.config.platform))
        configured, link = linked.result(timeout=30)  # the services rebuilt on their thread
        assert configured and link.url == platform.url and link.device_id == platform.device_id

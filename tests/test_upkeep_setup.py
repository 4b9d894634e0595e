"""Set-up steps with simulated devices: list, test under a timeout, save only what worked.

A reader that answers nothing and a platform that refuses the secret leave the old setting
in force; every sentence a step produces is in the message catalogue."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from devices.printer import PAPER_58, PrinterState
from devices.printer.virtual import VirtualPrinter
from devices.scanner import SimulatedScanner
from kiosk.core.messages import Messages
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup import (
    HallSetup,
    IdCardSetup,
    PlatformSetup,
    PrinterSetup,
    ScannerSetup,
    SetupError,
    SiteFile,
    SoundSetup,
    setup_steps,
)
from offline_sync.clock import SystemClock
from tests.clocks import ManualClock
from tests.conftest import write_site
from tests.hall_fixtures import HALL_KEY, WRONG_KEY, running_hall
from tests.idcard_fixtures import (  # noqa: F401
    shared_sim_process_fixture,
    sim_process_fixture,
)
from tests.platform_fixtures import platform, shared_platform  # noqa: F401

TEXT = Messages("zh_CN", strict=True)
OLD_PORT = "/dev/serial/by-id/usb-old-reader"


def said(finding) -> str:
    """The finding as the screen shows it (raises when a key is missing from the catalogue)."""
    lines = [TEXT(finding.key, **finding.params)]
    return "\n".join(lines + [TEXT(key, **params) for key, params in finding.notes])


class Lines:
    """A progress listener that keeps what the screen would show."""

    def __init__(self, on=None) -> None:
        self.keys: list[str] = []
        self.on = on or {}

    def __call__(self, key, params) -> None:
        TEXT(key, **params)
        self.keys.append(key)
        if key in self.on:
            self.on[key]()


@pytest.fixture(name="site")
def site_fixture(tmp_path):
    path = write_site(tmp_path, f'\n[devices.idcard]\nport = "{OLD_PORT}"  # set up last year\n')
    return SiteFile(path)


def test_reader_found_by_its_stable_name_read_and_saved(tmp_path, site, sim_process):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    stable = by_id / "usb-1a86_USB_Serial-if00-port0"
    stable.symlink_to(sim_process.path)
    ports = PortListing((sim_process.path,), by_id, tmp_path / "none")
    step = IdCardSetup(site, ports, card_wait_s=10)
    (candidate,) = [c for c in step.candidates() if c.detail == sim_process.path]
    assert candidate.id == str(stable) and not candidate.current
    lines = Lines({"setup.idcard.found": lambda: sim_process.command("place 0")})
    finding = step.test(candidate.id, lines)
    assert finding.ok, finding.detail
    assert lines.keys == ["setup.idcard.probing", "setup.idcard.found"]
    assert "**********" in finding.params["number"] and "*" in finding.params["name"]
    assert finding.settings == {"devices.idcard.port": str(stable), "devices.idcard.baud": 115200}
    assert "读卡成功" in said(finding)
    config = step.save(finding)
    assert config.devices.idcard.port == str(stable)
    assert f'port = "{stable}"  # set up last year' in site.path.read_text(encoding="utf-8")
    assert OLD_PORT in site.previous_path.read_text(encoding="utf-8")


def test_a_reader_that_answers_nothing_leaves_the_old_setting(site):
    master, slave = os.openpty()
    try:
        step = IdCardSetup(site, card_wait_s=1)
        finding = step.test(os.ttyname(slave))
    finally:
        os.close(master)
        os.close(slave)
    assert not finding.ok and finding.key == "setup.idcard.no_reader"
    assert "no answer at" in finding.detail and "没有阅读器应答" in said(finding)
    with pytest.raises(SetupError):
        step.save(finding)
    assert site.load().devices.idcard.port == OLD_PORT
    assert not site.previous_path.exists()


def test_a_reader_with_no_card_placed_is_not_saved(site, sim_process):
    step = IdCardSetup(site, PortListing((sim_process.path,)))
    finding = step.test(sim_process.path, card_wait_s=0.3)
    assert not finding.ok and finding.key == "setup.idcard.no_card" and "SAM" in finding.detail
    assert "0秒内没有放卡" in said(finding)


def test_serial_printer_found_at_its_speed_prints_the_test_page(tmp_path, site):
    clock = ManualClock()
    with VirtualPrinter(PAPER_58) as vp:
        path = vp.open_pty()
        step = PrinterSetup(site, clock, PortListing((path,)), sysfs=tmp_path / "sys")
        assert f"serial://{path}" in [c.id for c in step.candidates()]
        finding = step.test(f"serial://{path}", Lines(), paper_mm=58)
        assert finding.ok, finding.detail
        (job,) = vp.wait_for_jobs(1)
        assert job.cut
        assert finding.settings == {
            "devices.printer.url": f"serial://{path}?baud=9600",
            "devices.printer.paper_mm": 58,
        }
        assert "58毫米" in said(finding)
        vp.state = PrinterState.PAPER_OUT
        refused = step.test(f"serial://{path}?baud=9600")
        assert not refused.ok and "缺纸" in said(refused)
        assert step.save(finding).devices.printer.paper_mm == 58


def test_network_printer_that_does_not_answer(site):
    step = PrinterSetup(site, ManualClock())
    finding = step.test("tcp://127.0.0.1:9")
    assert not finding.ok and finding.key == "setup.printer.offline"
    assert "Connection refused" in finding.detail and "没有连上" in said(finding)


def test_usb_printers_are_listed_from_sysfs(tmp_path, site):
    device = tmp_path / "sys" / "1-2"  # as /sys/bus/usb/devices lists them: side by side
    interface = tmp_path / "sys" / "1-2:1.0"
    device.mkdir(parents=True)
    interface.mkdir()
    (interface / "bInterfaceClass").write_text("07\n")
    (device / "idVendor").write_text("0416\n")
    (device / "idProduct").write_text("5011\n")
    (device / "product").write_text("POS58 Printer\n")
    step = PrinterSetup(site, ManualClock(), sysfs=tmp_path / "sys")
    assert step.candidates()[0].id == "usb://0x0416:0x5011"
    assert step.candidates()[0].label == "POS58 Printer"


def test_a_test_scan_is_shown_and_saved(site):
    with SimulatedScanner() as sim:
        step = ScannerSetup(site, PortListing((sim.path,)))
        lines = Lines({"setup.scanner.waiting": lambda: sim.scan("https://zwfw.example/q/7")})
        finding = step.test(sim.path, lines, scan_wait_s=5)
        assert finding.ok and finding.params["text"] == "https://zwfw.example/q/7"
        assert finding.settings["devices.scanner.port"] == sim.path
        silent = step.test(sim.path, scan_wait_s=0.2)
        assert not silent.ok and silent.key == "setup.scanner.nothing"
        said(silent)
        sim.unplug()
        gone = step.test(sim.path, scan_wait_s=0.2)
        assert not gone.ok and gone.key == "setup.scanner.cannot_open"


def test_platform_accepted_is_saved_with_a_word_on_the_clock(site, platform):  # noqa: F811
    behind = ManualClock(platform.service.clock.now() - timedelta(minutes=3))
    step = PlatformSetup(site, behind)
    finding = step.test(
        url=platform.url + "/", device_id=platform.device_id, secret=platform.device_secret
    )
    assert finding.ok and finding.key == "setup.platform.accepted"
    assert "相差约3.0分钟" in said(finding)
    config = step.save(finding)
    assert config.platform.url == platform.url
    assert config.platform.device_secret == platform.device_secret


def test_a_platform_that_refuses_the_secret_leaves_the_old_link(tmp_path, platform):  # noqa: F811
    site = SiteFile(write_site(tmp_path, platform.site_toml()))
    before = site.path.read_text(encoding="utf-8")
    step = PlatformSetup(site, ManualClock(platform.service.clock.now()))
    finding = step.test(secret="ab" * 32)
    assert not finding.ok and finding.key == "setup.platform.bad_signature"
    assert "密钥不对" in said(finding) and finding.settings == {}
    with pytest.raises(SetupError):
        step.save(finding)
    assert site.path.read_text(encoding="utf-8") == before
    malformed = step.test(secret="not hex")
    assert malformed.key == "setup.platform.bad_secret_format"
    unknown = step.test(device_id="511502-K-999999")
    assert unknown.key == "setup.platform.unknown_device"
    said(unknown)


def test_sound_plays_the_test_sentence_and_reports_a_silent_card(tmp_path, site):
    played = []

    def synthesise(pinyin, wav):
        wav.write_bytes(b"RIFF" + pinyin.encode())

    cards = tmp_path / "cards"
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    step = SoundSetup(
        site, cards, lambda dev, wav: played.append((dev, wav.read_bytes())), synthesise
    )
    assert [c.id for c in step.candidates()] == ["default", "hw:0"]
    finding = step.test("hw:0")
    assert finding.ok and finding.settings == {"ui.voice": True}
    assert played[0][0] == "hw:0" and b"ce4 shi4" in played[0][1]

    def broken(dev, wav):
        raise OSError("no such device")

    failed = SoundSetup(site, cards, broken, synthesise).test("hw:0")
    assert not failed.ok and "没有播放出声音" in said(failed)


def test_hall_client_is_saved_only_when_the_hall_server_accepts_its_key(tmp_path, site):
    clock = SystemClock()
    with running_hall(tmp_path / "hall", clock) as hall:
        step = setup_steps(site, clock)["hall"]
        assert isinstance(step, HallSetup)
        assert [c.id for c in step.candidates() if c.current] == ["server"]
        lines = Lines()
        accepted = step.test("client", lines, url=hall.url + "/", key=HALL_KEY)
        assert accepted.ok and lines.keys == ["setup.hall.asking"]
        assert accepted.settings == {"hall.url": hall.url, "hall.key": HALL_KEY}
        assert "已连上大厅服务器" in said(accepted)
        refused = step.test("client", url=hall.url, key=WRONG_KEY)
        assert not refused.ok and "密钥不对" in said(refused) and refused.settings == {}
        assert step.test("client", url=hall.url, key="xyz").key == "setup.hall.bad_key_format"
        assert step.test("client", key=HALL_KEY).key == "setup.hall.no_url"
        config = step.save(accepted)
        assert config.hall.url == hall.url and config.hall.key == HALL_KEY
        assert [c.id for c in step.candidates() if c.current] == ["client"]
    gone = step.test("client")  # the url and key in force; the server has stopped
    assert not gone.ok and gone.key == "setup.hall.unreachable" and "连不上" in said(gone)


def test_hall_server_keeps_its_own_queue_and_says_whether_its_hall_server_answers(site):
    step = setup_steps(site, ManualClock())["hall"]
    own = step.test("server", key=HALL_KEY)
    assert own.ok and own.settings == {"hall.url": "", "hall.key": HALL_KEY}
    assert own.notes[0][0] == "setup.hall.server_not_running" and "bianmin-hall" in said(own)


def test_every_step_has_a_title_in_the_catalogue(site):
    for step in setup_steps(site, ManualClock()).values():
        assert TEXT(step.title_key)

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
from kiosk.app import assemble_front_end
from kiosk.config import load_config
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
from kiosk.core.voice import SoundSystem, VoiceError, set_volume, system_player
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


class Speakers:
    """A sound system that records: the cards listed, the volumes set, the WAVs played."""

    def __init__(self, tmp_path, mixer=True, silent=()) -> None:
        self.cards_file = tmp_path / "cards"
        self.cards_file.write_text(
            " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
            "                      HDA Intel PCH at 0xf7f10000 irq 33\n"
            " 1 [Speaker        ]: USB-Audio - USB Speaker\n"
        )
        self.mixer, self.silent = mixer, silent
        self.volumes: list[tuple[str, int]] = []
        self.played: list[tuple[str, bytes]] = []

    def system(self) -> SoundSystem:
        return SoundSystem(self.player, self.volume, self.cards_file)

    def player(self, device):
        def play(wav):
            if device in self.silent:
                raise VoiceError(f"aplay exit 1: audio open error on {device}")
            self.played.append((device, wav.read_bytes()))

        return play

    def volume(self, device, percent):
        if not self.mixer:
            raise VoiceError(f"amixer on {device}: no playback volume among no controls")
        self.volumes.append((device, percent))
        return "PCM"


def pinyin_wav(pinyin, wav):
    wav.write_bytes(b"RIFF" + pinyin.encode())


def test_sound_plays_on_the_chosen_card_at_the_chosen_volume_and_saves_both(tmp_path, site):
    speakers = Speakers(tmp_path)
    step = SoundSetup(site, speakers.system(), pinyin_wav)
    assert [(c.id, c.label, c.current) for c in step.candidates()] == [
        ("default", "default", True),
        ("hw:0", "HDA Intel PCH", False),
        ("hw:1", "USB Speaker", False),
    ]
    assert step.in_force() == "default，音量按系统原来的"
    assert step.options()[0].value == 80
    finding = step.test("hw:1", volume=60)
    assert finding.ok and speakers.volumes == [("hw:1", 60)]
    assert speakers.played[0][0] == "hw:1" and b"ce4 shi4" in speakers.played[0][1]
    assert "60%" in said(finding)
    step.save(finding)
    config = step.config()
    assert (config.sound.device, config.sound.volume, config.ui.voice) == ("hw:1", 60, True)
    assert step.in_force() == "hw:1，音量 60%"
    assert [c.id for c in step.candidates() if c.current] == ["hw:1"]
    assert step.options()[0].value == 60


def test_a_silent_card_leaves_the_old_sound_setting(tmp_path, site):
    speakers = Speakers(tmp_path, silent={"hw:0"})
    step = SoundSetup(site, speakers.system(), pinyin_wav)
    before = site.path.read_bytes()
    failed = step.test("hw:0", volume=100)
    assert not failed.ok and "没有播放出声音" in said(failed)
    assert "audio open error on hw:0" in failed.detail
    with pytest.raises(SetupError):
        step.save(failed)
    assert site.path.read_bytes() == before


def test_a_card_without_a_volume_control_plays_at_its_own_level(tmp_path, site):
    speakers = Speakers(tmp_path, mixer=False)
    step = SoundSetup(site, speakers.system(), pinyin_wav)
    finding = step.test("hw:0", volume=80)
    assert finding.ok and "音量调不了" in said(finding)
    assert finding.settings["sound.volume"] == 0  # never set at start: no warning each time
    assert "no playback volume" in finding.detail


def fake_program(folder, name, script):
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_the_mixer_control_and_the_card_are_those_of_the_sound_setting(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    calls = tmp_path / "calls"
    # A USB speaker's card: no Master, its volume is PCM.
    fake_program(
        folder,
        "amixer",
        f'echo "$@" >> {calls}\n'
        'case "$*" in *scontrols*) echo "Simple mixer control \'Auto Gain Control\',0";'
        " echo \"Simple mixer control 'PCM',0\";; esac\n",
    )
    fake_program(folder, "aplay", f'echo "$@" >> {calls}\necho "no such card" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(folder))
    assert set_volume("hw:1", 70) == "PCM"
    play = system_player("hw:1")
    with pytest.raises(VoiceError, match="aplay exit 1: no such card"):
        play(tmp_path / "a.wav")
    lines = calls.read_text().splitlines()
    assert lines[:2] == ["-c 1 scontrols", "-c 1 -q sset PCM 70% unmute"]
    assert lines[2] == f"-q -D plughw:1 {tmp_path / 'a.wav'}"


def test_a_new_sound_setting_reaches_the_kiosks_voice_without_a_restart(tmp_path):
    speakers = Speakers(tmp_path)
    site = SiteFile(write_site(tmp_path, "\n[sound]\nvolume = 40\n"))
    front_end = assemble_front_end(
        load_config(site.path), sound=speakers.system(), background=False
    )
    try:
        assert speakers.volumes == [("default", 40)]
        changed = front_end.reload(site.update({"sound.device": "hw:1", "sound.volume": 100}))
        assert changed.changed == {"sound"} and not changed.services
        assert speakers.volumes[-1] == ("hw:1", 100)
        front_end.voice.synthesiser = pinyin_wav
        front_end.voice.say("您好")
        assert [device for device, _ in speakers.played] == ["hw:1"]
    finally:
        front_end.close()


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

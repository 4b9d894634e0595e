"""bianmin doctor: each check's ok and fail path, staged with real parts (a store, a pty
reader, the virtual printer, a scanner simulator, the reference platform, a fake /proc)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from devices.idcard.simulator import SimulatedReader
from devices.printer import PAPER_80, PrinterState
from devices.scanner import SimulatedScanner
from kiosk.app import STORE_FILE, build_app
from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.upkeep.backup import Backups
from kiosk.core.upkeep.doctor import DoctorContext, Status, run_checks
from kiosk.core.upkeep.doctor.report import CHECKS, Check, registry
from kiosk.core.upkeep.keys import export_key
from tests.clocks import ManualClock
from tests.conftest import write_site
from tests.hall_fixtures import WRONG_KEY, client_toml, running_hall
from tests.idcard_fixtures import sample_cards
from tests.platform_fixtures import platform, shared_platform  # noqa: F401
from tests.printer_fixtures import virtual_printer


def doctor(site: Path, *names: str, **context):
    """The named checks' results by name."""
    ctx = DoctorContext(str(site), STORE_FILE, **context)
    return {r.name: r for r in run_checks(ctx, names).results}


def one(site: Path, name: str, **context):
    return doctor(site, name, **context)[name]


def fake_proc(
    tmp_path: Path, processes: dict[int, tuple[str, list[str]]], mounts: str = ""
) -> Path:
    """A /proc with these processes (pid: (name, open files)) and this mountinfo."""
    proc = tmp_path / "proc"
    for pid, (name, files) in processes.items():
        (proc / str(pid) / "fd").mkdir(parents=True)
        (proc / str(pid) / "comm").write_text(name + "\n")
        for n, target in enumerate(files):
            (proc / str(pid) / "fd" / str(n)).symlink_to(target)
    (proc / "self").mkdir(parents=True, exist_ok=True)
    (proc / "self" / "mountinfo").write_text(mounts)
    return proc


@pytest.fixture(name="built")
def built_fixture(site_file):
    """The site with its store and key made."""
    build_app(load_config(site_file), ManualClock()).close()
    return site_file


def test_config_ok_and_a_bad_key_fails_naming_it(tmp_path, site_file):
    assert one(site_file, "config").status is Status.OK
    bad = write_site(tmp_path, "\n[ui]\nidle_s = 1\n")
    result = one(bad, "config")
    assert result.status is Status.FAIL and "ui.idle_s = 1" in result.detail and result.fix
    # every other check is not a second failure: they say why they could not look
    assert one(bad, "printer").status is Status.WARN


def test_data_dir_ok_open_to_others_missing_and_on_tmpfs(tmp_path, built):
    data = load_config(built).data_dir
    data.chmod(0o755)
    assert "chmod 700" in one(built, "data_dir").fix
    data.chmod(0o700)
    assert one(built, "data_dir").status is Status.OK
    mounts = f"22 1 0:21 / {data} rw - tmpfs tmpfs rw\n"
    on_tmpfs = one(built, "data_dir", proc=fake_proc(tmp_path, {}, mounts))
    assert on_tmpfs.status is Status.FAIL and "tmpfs" in on_tmpfs.detail
    shutil.rmtree(data)
    assert one(built, "data_dir").status is Status.FAIL


def test_store_ok_and_a_damaged_store_fails(built):
    assert one(built, "store").status is Status.OK
    path = load_config(built).data_dir / STORE_FILE
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 256] = b"\xee" * 256
    path.write_bytes(bytes(data))
    result = one(built, "store")
    assert result.status is Status.FAIL and "backup restore" in result.fix


def test_vault_key_ok_open_to_others_and_missing_beside_a_store(built):
    assert one(built, "vault_key").status is Status.OK
    key = load_config(built).data_dir / "vault.key"
    key.chmod(0o644)
    assert "chmod 600" in one(built, "vault_key").fix
    key.unlink()
    result = one(built, "vault_key")
    assert result.status is Status.FAIL and "key import" in result.fix


def test_clock_against_the_platform(tmp_path, platform):  # noqa: F811
    site = write_site(tmp_path, platform.site_toml())
    synced = {"run_command": lambda argv: (0, "yes\n")}
    assert one(site, "clock", **synced).status is Status.OK
    behind = ManualClock(platform.service.clock.now() - timedelta(minutes=10))
    result = one(site, "clock", clock=behind, **synced)
    assert result.status is Status.FAIL and "10 min behind the platform" in result.detail


def test_fonts_ok_and_missing(site_file, monkeypatch):
    assert one(site_file, "fonts").status is Status.OK
    monkeypatch.setenv("BIANMIN_CJK_FONT", "/nonexistent.ttc")
    assert one(site_file, "fonts").status is Status.FAIL


def test_voice_and_audio(tmp_path, site_file, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aplay").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "aplay").chmod(0o755)
    espeak = shutil.which("espeak-ng")
    if espeak:
        (bin_dir / "espeak-ng").symlink_to(espeak)
    monkeypatch.setenv("PATH", str(bin_dir))
    proc = fake_proc(tmp_path, {})
    (proc / "asound").mkdir()
    (proc / "asound" / "cards").write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    results = doctor(site_file, "voice", "audio", proc=proc)
    assert results["audio"].status is Status.OK
    assert results["voice"].status is (Status.OK if espeak else Status.FAIL)
    (bin_dir / "aplay").unlink()
    (proc / "asound" / "cards").write_text("--- no soundcards ---\n")
    (bin_dir / "espeak-ng").unlink(missing_ok=True)
    results = doctor(site_file, "voice", "audio", proc=proc)
    assert results["audio"].status is Status.FAIL and "sound card" in results["audio"].detail
    assert results["voice"].status is Status.FAIL and "espeak-ng" in results["voice"].fix


def test_backup_recent_on_another_disk_with_the_key_beside_it(tmp_path, monkeypatch):
    stick = Path("/dev/shm") / f"bianmin-test-{os.getpid()}-{id(tmp_path)}"
    site = write_site(tmp_path, f'\n[backup]\ndir = "{stick}"\n')
    try:
        assert one(site, "backup").status is Status.FAIL  # the stick is not there
        config = load_config(site)
        clock = ManualClock()
        build_app(config, clock).close()
        Backups.for_config(config, config.data_dir / STORE_FILE, clock).run()
        no_key = one(site, "backup", clock=clock)
        assert no_key.status is Status.WARN and "key export" in no_key.fix
        (stick / "511502.bianmin-key").write_bytes(export_key(config.data_dir, "a long pass"))
        assert one(site, "backup", clock=clock).status is Status.OK
        clock.advance(days=8)
        assert one(site, "backup", clock=clock).status is Status.FAIL
    finally:
        shutil.rmtree(stick, ignore_errors=True)


def test_idcard_ok_wrong_speed_silent_and_unplugged(tmp_path):
    with SimulatedReader(sample_cards(), 9600) as sim:
        right = write_site(tmp_path, f'\n[devices.idcard]\nport = "{sim.path}"\nbaud = 9600\n')
        result = one(right, "idcard")
        assert result.status is Status.OK and "SAM" in result.detail
        (tmp_path / "wrong").mkdir()
        wrong = write_site(tmp_path / "wrong", f'\n[devices.idcard]\nport = "{sim.path}"\n')
        result = one(wrong, "idcard")
        assert result.status is Status.FAIL and "baud = 9600" in result.fix
    master, slave = os.openpty()  # a port with nothing behind it
    try:
        (tmp_path / "silent").mkdir()
        silent = write_site(
            tmp_path / "silent", f'\n[devices.idcard]\nport = "{os.ttyname(slave)}"\n'
        )
        assert "no reader answers" in one(silent, "idcard").detail
    finally:
        os.close(master)
        os.close(slave)
    assert "not there" in one(right, "idcard").detail


def test_printer_ready_and_out_of_paper(tmp_path):
    with virtual_printer(PAPER_80) as (vp, _serial_url, tcp_url):
        site = write_site(tmp_path, f'\n[devices.printer]\nurl = "{tcp_url}"\n')
        assert one(site, "printer").status is Status.OK
        vp.state = PrinterState.PAPER_OUT
        result = one(site, "printer")
        assert result.status is Status.FAIL and "paper roll" in result.fix


def test_scanner_opens_and_a_missing_one_fails(tmp_path):
    with SimulatedScanner() as sim:
        site = write_site(tmp_path, f'\n[devices.scanner]\nport = "{sim.path}"\n')
        assert one(site, "scanner").status is Status.OK
        sim.unplug()
        assert one(site, "scanner").status is Status.FAIL


def test_serial_ports_held_by_modem_manager_fail_and_udev_names(tmp_path):
    with SimulatedScanner() as sim:
        site = write_site(tmp_path, f'\n[devices.scanner]\nport = "{sim.path}"\n')
        rules = tmp_path / "rules.d"
        rules.mkdir()
        proc = fake_proc(tmp_path, {4242: ("ModemManager", [os.path.realpath(sim.path)])})
        results = doctor(
            site, "serial_holders", "scanner", "udev", proc=proc, udev_rule_dirs=[rules]
        )
        assert results["serial_holders"].status is Status.FAIL
        assert "ModemManager (pid 4242)" in results["serial_holders"].detail
        assert results["scanner"].status is Status.FAIL
        assert results["udev"].status is Status.WARN  # the rules are not installed
        (rules / "61-bianmin.rules").write_text("# rules\n")
        clean = fake_proc(tmp_path / "clean", {})
        results = doctor(site, "serial_holders", "udev", proc=clean, udev_rule_dirs=[rules])
        assert results["serial_holders"].status is Status.OK
        assert results["udev"].status is Status.OK
    (tmp_path / "kernel").mkdir()
    kernel = write_site(tmp_path / "kernel", '\n[devices.scanner]\nport = "/dev/ttyACM7"\n')
    assert "kernel names" in one(kernel, "udev", udev_rule_dirs=[rules]).detail


def test_platform_accepts_refuses_the_secret_and_is_unreachable(tmp_path, platform):  # noqa: F811
    site = write_site(tmp_path, platform.site_toml())
    assert one(site, "platform").status is Status.OK
    (tmp_path / "bad").mkdir()
    wrong = platform.site_toml().replace(platform.device_secret, "0" * 64)
    result = one(write_site(tmp_path / "bad", wrong), "platform")
    assert result.status is Status.FAIL and "secret is wrong" in result.detail
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (tmp_path / "down").mkdir()
    down = platform.site_toml().replace(platform.url, f"http://127.0.0.1:{port}")
    result = one(write_site(tmp_path / "down", down), "platform")
    assert result.status is Status.FAIL and "cannot be reached" in result.detail


def test_sync_backlog_and_dead_letters(site_file):
    config = load_config(site_file)
    clock = ManualClock()
    app = build_app(config, clock)
    app.queue.take("social")
    app.close()
    assert one(site_file, "sync", clock=clock).status is Status.OK
    clock.advance(days=2)
    assert one(site_file, "sync", clock=clock).status is Status.WARN
    conn = sqlite3.connect(config.data_dir / STORE_FILE)
    conn.execute("UPDATE outbox SET state = 'dead', last_error = 'invalid: applicant'")
    conn.commit()
    conn.close()
    result = one(site_file, "sync", clock=clock)
    assert result.status is Status.FAIL and "dead-letters" in result.fix


def test_a_check_that_raises_or_hangs_is_reported_and_the_others_still_run(site_file, monkeypatch):
    stuck = threading.Event()

    def boom(ctx):
        raise RuntimeError("wires crossed")

    def hang(ctx):
        stuck.wait(10)

    registry()
    monkeypatch.setitem(CHECKS, "boom", Check("boom", "raises", boom))
    monkeypatch.setitem(CHECKS, "hang", Check("hang", "hangs", hang, limit_s=0.2))
    try:
        results = doctor(site_file, "boom", "hang", "hall", "config")
    finally:
        stuck.set()
    assert results["boom"].status is Status.CRASH and "wires crossed" in results["boom"].detail
    assert (
        results["hang"].status is Status.CRASH
        and "no result within 0.2 s" in results["hang"].detail
    )
    assert results["hall"].status is Status.OK and results["config"].status is Status.OK


def test_cli_json_shape_exit_status_and_unknown_names(tmp_path, site_file):
    runner = CliRunner()
    done = runner.invoke(main, ["--config", str(site_file), "doctor", "--json", "config", "hall"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report == {
        "status": "ok",
        "checks": [
            {"name": "config", "status": "ok", "detail": report["checks"][0]["detail"], "fix": ""},
            {"name": "hall", "status": "ok", "detail": report["checks"][1]["detail"], "fix": ""},
        ],
    }
    bad = write_site(
        tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path, "\n[ui]\nwidth = 1\n"
    )
    failed = runner.invoke(main, ["--config", str(bad), "doctor", "config", "-v"])
    assert failed.exit_code == 1 and failed.output.startswith("FAIL  config")
    assert "fix: " in failed.output and "overall: fail" in failed.output
    unknown = runner.invoke(main, ["--config", str(site_file), "doctor", "nosuch"])
    assert unknown.exit_code == 2 and "checks: config, data_dir" in unknown.output


def test_hall_client_accepted_refused_and_unreachable(tmp_path):
    with running_hall(tmp_path / "hall") as hall:
        good = write_site(tmp_path, client_toml(hall.url))
        result = one(good, "hall")
        assert result.status is Status.OK and "accepts this box's key" in result.detail
        (tmp_path / "wrong").mkdir()
        wrong = write_site(tmp_path / "wrong", client_toml(hall.url, WRONG_KEY))
        result = one(wrong, "hall")
        assert result.status is Status.FAIL and "[hall] key" in result.fix
    result = one(good, "hall")
    assert result.status is Status.FAIL and "bianmin-hall" in result.fix

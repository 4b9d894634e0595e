"""The main job, run as an operator runs it: real processes started, working, and stopped.

``ui run`` (the kiosk under systemd: READY=1 once home is drawn, SIGTERM stops it cleanly),
``agent`` (the tablet likewise, READY=1 once its log-in is drawn),
``ui demo`` (simulated devices and a reference platform, the card simulator's console on
stdin), ``ui tour`` (every screen offscreen, in a small window to keep it quick) and
``sync --forever`` (delivers what is queued, and what is queued while it runs, until
SIGTERM). Each waits on what the process says or does, never on a fixed sleep.
"""

from __future__ import annotations

import json
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.app import open_store
from kiosk.config import load_config
from kiosk.demo.sync_device import queue_records
from offline_sync.sync import read_status
from offline_sync.vault import Vault
from tests.conftest import bianmin, cli_command, cli_env, write_site
from tests.platform_fixtures import platform_server  # noqa: F401

STOP_S = 60  # generous: a loaded 2-core machine; each wait ends as soon as its condition holds


def wait_for(condition: Callable[[], object], what: str, timeout: float = STOP_S) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` s (a short poll, not a sleep
    standing in for the condition)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.02)


class Notifications:
    """A systemd notification socket (``NOTIFY_SOCKET``) that a test reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.heard: list[str] = []

    def wait_for(self, message: str, timeout: float = STOP_S) -> str:
        """The first notification containing ``message`` (waiting for it if need be)."""
        deadline = time.monotonic() + timeout
        while True:
            for heard in self.heard:
                if message in heard:
                    return heard
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {message!r} within {timeout} s; heard {self.heard}")
            self.sock.settimeout(left)
            try:
                self.heard.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue

    def close(self) -> None:
        self.sock.close()


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[str, str]:
    """Send ``sig`` and collect the process's output once it has exited."""
    proc.send_signal(sig)
    try:
        return proc.communicate(timeout=STOP_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"still running {STOP_S} s after signal {sig}; stderr: {err[-2000:]}")


def test_ui_run_says_ready_with_home_drawn_and_stops_cleanly_on_sigterm(tmp_path):
    site = write_site(tmp_path, '\n[devices.idcard]\nport = "sim"\npoll_interval_s = 0.05\n')
    notify = Notifications(tmp_path / "notify")
    env = cli_env(site) | {"NOTIFY_SOCKET": str(notify.path)}
    env.pop("DISPLAY", None)  # offscreen
    kiosk = subprocess.Popen(
        cli_command("ui", "run", "--windowed"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = notify.wait_for("READY=1")
        assert "STATUS=home screen shown, 测试镇便民服务中心" in ready
        assert kiosk.poll() is None
        _, err = stop(kiosk)
        assert kiosk.returncode == 0, err[-2000:]
        notify.wait_for("STOPPING=1")
        assert "Traceback" not in err
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.communicate()
        notify.close()
    store = open_store(load_config(site))
    try:
        assert store.integrity_check() == ["ok"]
    finally:
        store.close()


def test_agent_says_ready_with_the_log_in_drawn_and_stops_cleanly_on_sigterm(tmp_path):
    site = write_site(tmp_path)
    notify = Notifications(tmp_path / "notify")
    env = cli_env(site) | {"NOTIFY_SOCKET": str(notify.path)}
    env.pop("DISPLAY", None)  # offscreen
    tablet = subprocess.Popen(
        cli_command("agent", "--windowed"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "STATUS=log-in screen shown" in notify.wait_for("READY=1")
        assert tablet.poll() is None
        _, err = stop(tablet)
        assert tablet.returncode == 0, err[-2000:]
        notify.wait_for("STOPPING=1")
        assert "Traceback" not in err
    finally:
        if tablet.poll() is None:
            tablet.kill()
            tablet.communicate()
        notify.close()


def test_ui_demo_runs_devices_platform_and_kiosk_and_its_card_console(tmp_path):
    """With a display (here SDL's offscreen driver behind a DISPLAY name): the simulated
    devices, a reference platform on 127.0.0.1 and the kiosk; stdin drives the card."""
    notify = Notifications(tmp_path / "notify")
    env = cli_env() | {
        "NOTIFY_SOCKET": str(notify.path),
        "DISPLAY": ":bianmin-test",
        "SDL_VIDEODRIVER": "offscreen",
    }
    demo = subprocess.Popen(
        cli_command("ui", "demo", "--out", str(tmp_path / "out")),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        first = demo.stdout.readline()
        assert first.startswith("reference platform http://127.0.0.1:"), first
        notify.wait_for("READY=1")
        url = first.split()[2].rstrip(";")
        import httpx

        assert httpx.get(f"{url}/api/v1/ping", timeout=10).json()["api"] == "v1"
        assert "ID card simulator" in demo.stdout.readline()
        demo.stdin.write("place 1\n")
        demo.stdin.flush()
        assert demo.stdout.readline().startswith("ok"), "the simulator took the command"
        _, err = stop(demo)
        assert demo.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
        notify.close()


def test_ui_tour_draws_every_screen_and_the_paper(tmp_path):
    out = tmp_path / "tour"
    env = cli_env()
    env.pop("DISPLAY", None)
    done = subprocess.run(
        cli_command("ui", "tour", "--out", str(out), "--width", "480", "--height", "270"),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    screens = sorted(out.glob("*.png"))
    paper = sorted((out / "paper").glob("*.png"))
    assert f"{len(screens)} screens and {len(paper)} printouts in {out}" in done.stdout
    assert len(screens) >= 40 and len(paper) >= 3
    names = {p.stem.split("-", 1)[1] for p in screens}
    for expected in ("home", "ticket", "confirm", "review", "receipt", "progress"):
        assert any(expected in name for name in names), (expected, sorted(names))
    from PIL import Image

    for picture in screens:
        with Image.open(picture) as image:
            assert image.size == (480, 270)
            assert len(image.convert("L").getcolors(4096) or range(4097)) > 4  # not blank
    assert not (out / "tour-stopped-here.png").exists()


def _queue(site: Path, seed: int, cases: int) -> int:
    config = load_config(site)
    store = open_store(config)
    try:
        queued = queue_records(
            store,
            Vault.load_or_create(config.data_dir),
            config.data_dir,
            random.Random(seed),
            cases,
            attachments=1,
            attachment_bytes=3000,
        )
    finally:
        store.close()
    return len(queued.records)


def _delivered(site: Path) -> int:
    store = open_store(load_config(site))
    try:
        return read_status(store.conn).delivered_records
    finally:
        store.close()


def test_sync_forever_delivers_what_is_queued_before_and_while_it_runs_until_sigterm(
    tmp_path,
    platform_server,  # noqa: F811
):
    p = platform_server
    site = write_site(
        tmp_path,
        f'\n[platform]\nurl = "{p.url}"\ndevice_id = "{p.device_id}"\n'
        f'device_secret = "{p.device_secret}"\n\n[sync]\ninterval_s = 1\n',
    )
    first = _queue(site, 1, cases=3)
    worker = subprocess.Popen(
        cli_command("sync", "--forever"),
        env=cli_env(site),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().startswith(f"sync: running against {p.url}")
        wait_for(lambda: p.service.counts()["records"] == first, "the first records delivered")
        more = _queue(site, 2, cases=2)  # the kiosk goes on taking applications
        # delivered as the device counts it: the platform stored them and the answer is recorded
        wait_for(lambda: _delivered(site) == first + more, "the later records delivered")
        assert worker.poll() is None, "the worker keeps running"
        _, err = stop(worker)
        assert worker.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert _delivered(site) == first + more
    status = json.loads(bianmin("status", "--json", site_file=site).stdout)
    assert (status["pending_records"], status["pending_attachments"]) == (0, 0)

"""One sync per store: a second sync is refused (or waits), whoever holds the store.

Real processes where a process is the point: the holder is a ``bianmin sync --forever``
child, killed with ``kill -9`` to show that a crashed holder never blocks the next sync.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import re
import signal
import subprocess
import threading

import pytest

from kiosk.app import build_agent
from kiosk.config import load_config
from kiosk.core.errors import explain
from kiosk.core.messages import Messages
from kiosk.demo.sync_device import DEVICE_MIGRATIONS, FAST, recording_appliers
from offline_sync.clock import SystemClock
from offline_sync.store import Store
from offline_sync.sync import SyncBusy, SyncLock, SyncService, read_status, sync_holder
from tests.agent_fixtures import AGENT_SITE
from tests.conftest import bianmin, cli_command, cli_env, write_site
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import device  # noqa: F401

LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d")


def _site(tmp_path, platform):
    return write_site(
        tmp_path,
        f'\n[platform]\nurl = "{platform.url}"\ndevice_id = "{platform.device_id}"\n'
        f'device_secret = "{platform.device_secret}"\n',
    )


def _start(site, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli_command(*args),
        env=cli_env(site),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_sync_is_refused_naming_the_holder_and_waits_with_wait(tmp_path, platform_server):  # noqa: F811
    site = _site(tmp_path, platform_server)
    holder = _start(site, "sync", "--forever")
    waiter = None
    try:
        assert "sync: running against" in holder.stdout.readline()

        refused = subprocess.run(
            cli_command("sync", "--once"), env=cli_env(site), capture_output=True, text=True
        )
        assert refused.returncode == 75, refused.stderr
        (line,) = refused.stderr.strip().splitlines()
        assert f"pid {holder.pid} (" in line and "sync --forever" in line
        assert LOCAL_TIME.search(line), "since when, in local time with its offset"
        assert "--wait" in line

        status = bianmin("status", site_file=site)
        assert f"sync running:         pid {holder.pid}" in status.stdout

        waiter = _start(site, "sync", "--once", "--wait")
        assert f"sync: waiting for pid {holder.pid}" in waiter.stderr.readline()
        holder.send_signal(signal.SIGKILL)  # a crash: the kernel drops its lock
        holder.wait(timeout=30)
        out, err = waiter.communicate(timeout=60)
        assert waiter.returncode == 0, err
        assert "pushed:" in out
    finally:
        for process in (holder, waiter):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert "sync running:         no" in bianmin("status", site_file=site).stdout


def test_sync_once_in_this_process_is_refused_while_the_lock_is_held(tmp_path, platform_server):  # noqa: F811
    site = _site(tmp_path, platform_server)
    data_dir = load_config(site).data_dir
    with SyncLock(data_dir, SystemClock(), "bianmin ui run"):
        refused = bianmin("sync", "--once", site_file=site)
        assert refused.exit_code == 75
        assert "(bianmin ui run)" in refused.stderr
        forever = bianmin("sync", "--forever", site_file=site)
        assert forever.exit_code == 75
    assert sync_holder(data_dir) is None, "released: nobody named as the holder"
    assert bianmin("sync", "--once", site_file=site).exit_code == 0


def test_a_lock_left_by_a_killed_process_names_nobody(tmp_path):
    lock = SyncLock(tmp_path, SystemClock())
    lock.acquire()
    with pytest.raises(SyncBusy) as busy:
        SyncLock(tmp_path, SystemClock()).acquire()
    assert busy.value.holder is not None and busy.value.holder.what == lock.what
    lock.release()
    # A label whose process is gone (kill -9 leaves it behind) counts as nobody.
    (tmp_path / "sync.lock").write_text('{"pid": 999999999, "what": "x", "since": "y"}')
    assert sync_holder(tmp_path) is None
    with SyncLock(tmp_path, SystemClock()):
        pass


class _Told(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.waiting = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "another sync runs on this store" in record.getMessage():
            self.waiting.set()


def test_the_kiosks_background_sync_waits_while_another_process_syncs(device):  # noqa: F811
    service = SyncService(
        store=device.store,
        open_store=lambda: Store.open(device.store.path, DEVICE_MIGRATIONS),
        vault=device.vault,
        data_dir=device.data_dir,
        connect=device.connector(device.platform.url, timeout_s=1.0),
        clock=SystemClock(),
        settings=dataclasses.replace(FAST, interval_s=60.0),
        appliers=recording_appliers(),
    )
    device.queue(random.Random(3), cases=2)
    told = _Told()
    logger = logging.getLogger("offline_sync.sync.worker")
    logger.addHandler(told)
    other = SyncLock(device.data_dir, SystemClock(), "bianmin sync --forever")
    other.acquire()
    try:
        service.start()
        assert told.waiting.wait(10), "the worker says once that it waits"
        assert service.worker().runs == 0
        assert read_status(device.store.conn).pending_records == 2
        other.release()
        service.notify()
        assert service.worker().wait_for_runs(1, 30)
        assert read_status(device.store.conn).pending_records == 0
        holder = sync_holder(device.data_dir)
        assert holder is not None and holder.what == SyncLock(device.data_dir, SystemClock()).what
    finally:
        service.stop()
        other.release()
        logger.removeHandler(told)
    assert sync_holder(device.data_dir) is None


def _agent_config(tmp_path, platform):
    # A long interval: a run the worker makes after its first is the button's doing.
    extra = AGENT_SITE + platform.site_toml() + "\n[sync]\ninterval_s = 3600.0\n"
    return load_config(write_site(tmp_path, extra))


def test_agent_sync_button_has_the_worker_run_no_second_sync(tmp_path, platform_server):  # noqa: F811
    services = build_agent(_agent_config(tmp_path, platform_server), SystemClock())
    try:
        worker = services.sync.worker()
        assert worker.wait_for_runs(1, 60), "the background worker's first run"
        holder = sync_holder(services.config.data_dir)
        assert holder is not None and holder.pid == os.getpid()
        before = worker.runs
        report = services.sync_once(deadline_s=60)
        # The worker, holding the store's lock all along, ran once more for the button (its
        # interval is an hour; a second engine beside it would have been refused the lock).
        assert worker.runs > before and report.complete
        assert sync_holder(services.config.data_dir) == holder
    finally:
        services.close()
    assert sync_holder(services.config.data_dir) is None


def test_agent_sync_button_says_another_sync_runs_then_syncs(tmp_path, platform_server):  # noqa: F811
    config = _agent_config(tmp_path, platform_server)
    other = SyncLock(config.data_dir, SystemClock(), "bianmin sync --forever")
    other.acquire()  # another process syncs the store when the tablet starts
    services = build_agent(config, SystemClock())
    try:
        with pytest.raises(SyncBusy) as busy:
            services.sync_once(deadline_s=60)
        assert busy.value.holder is not None and busy.value.holder.what == "bianmin sync --forever"
        key, params = explain(busy.value)
        assert "正在和省平台同步" in Messages(strict=True).get(key, **params)
        assert services.sync.worker().runs == 0, "the worker waits for the other one"
        other.release()
        assert services.sync_once(deadline_s=60).complete  # itself or through the worker
        assert services.sync.worker().wait_for_runs(1, 60), "then the worker takes over"
        holder = sync_holder(config.data_dir)
        assert holder is not None and holder.pid == os.getpid()
    finally:
        other.release()
        services.close()

"""The background sync thread: wakes on notify, stops promptly, keeps the app's store its own."""

from __future__ import annotations

import dataclasses
import random
import time

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.platform import running_platform
from kiosk.demo.sync_device import DEVICE_MIGRATIONS, FAST, platform_port, recording_appliers
from offline_sync.clock import SystemClock
from offline_sync.store import Store
from offline_sync.sync import SyncService, read_status
from tests.conftest import write_site
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import device  # noqa: F401


def _service(dev, url: str) -> SyncService:
    return SyncService(
        store=dev.store,
        open_store=lambda: Store.open(dev.store.path, DEVICE_MIGRATIONS),
        vault=dev.vault,
        data_dir=dev.data_dir,
        connect=dev.connector(url, timeout_s=1.0),
        clock=SystemClock(),
        settings=dataclasses.replace(FAST, interval_s=60.0),
        appliers=recording_appliers(),
    )


def test_notify_wakes_the_worker_long_before_its_interval(device):  # noqa: F811
    service = _service(device, device.platform.url)
    service.start()
    try:
        worker = service.worker()
        assert worker.wait_for_runs(1, 10)
        device.queue(random.Random(1), cases=3, ratings=1)
        assert read_status(device.store.conn).pending_records == 4
        woke = time.monotonic()
        service.notify()
        assert worker.wait_for_runs(2, 10)
        # the 60 s interval would be far later; a loaded machine may take seconds for a run
        assert time.monotonic() - woke < 30, "woken by notify, not by the 60 s interval"
        assert worker.last_report.complete
        assert read_status(device.store.conn).pending_records == 0
    finally:
        service.stop()
    assert not service.worker().alive


def test_stop_is_prompt_while_the_link_is_down(device):  # noqa: F811
    device.queue(random.Random(2), cases=2)
    with fault_proxy(platform_port(device), Faults(blackhole=True)) as proxy:
        service = _service(device, proxy.url)
        service.start()
        assert service.worker().wait_for_runs(1, 10)
        asked = time.monotonic()
        service.stop()
        assert time.monotonic() - asked < 15, "stopped mid-wait, not after the 60 s interval"
    assert not service.worker().alive
    assert read_status(device.store.conn).last_error is not None


def test_a_ticket_taken_in_the_app_leaves_at_once_not_at_the_next_interval(tmp_path):
    with running_platform(tmp_path / "platform") as platform:
        site = write_site(tmp_path, platform.site_toml() + "\n[sync]\ninterval_s = 3600.0\n")
        services = build_app(load_config(site), SystemClock())
        try:
            services.sync.start()
            worker = services.sync.worker()
            assert worker.wait_for_runs(1, 10)
            services.queue.take("social")
            assert worker.wait_for_runs(2, 10), "the commit nudged the worker"
            assert read_status(services.store.conn).pending_records == 0
        finally:
            services.close()


def test_every_change_of_a_ticket_reaches_the_platform_once(tmp_path):
    with running_platform(tmp_path / "platform") as platform:
        site = write_site(tmp_path, platform.site_toml())
        services = build_app(load_config(site), SystemClock())
        try:
            first = services.queue.take("social").ticket_no
            second = services.queue.take("social", "disability").ticket_no
            third = services.queue.take("social").ticket_no
            services.queue.call("1号窗口")
            services.queue.recall(second)
            services.queue.serve(second)
            services.queue.done(second)
            services.queue.call("1号窗口")
            services.queue.no_show(first)
            services.queue.restore(first)
            services.queue.call_chosen(first, "2号窗口", "补交材料后回来")
            services.queue.hold(first)
            services.queue.call_back(first, "2号窗口")
            services.queue.transfer(third, "civil")
            engine = services.sync.engine(services.store)
            try:
                assert engine.run_once(30).complete
            finally:
                engine.close()
            assert services.outbox.counts()["dead"] == 0
            stored = [r["body"] for r in platform.service.stored_records("ticket_event")]
            assert sorted(r["event"] for r in stored) == sorted(
                ["issued"] * 3
                + ["called", "called", "serving", "served", "called", "no_show", "transferred"]
                + ["restored", "called", "held", "called"]
            )
        finally:
            services.close()


def test_front_ends_read_the_sync_status_from_the_service(app):
    status = app.sync.status()
    assert (status.pending_records, status.link_state) == (0, "unknown")
    app.queue.take("social")
    assert app.sync.status().pending_records == 1  # the ticket's event waits in the outbox
    assert app.sync.dead_letters() == [] and app.sync.rejected_changes() == []

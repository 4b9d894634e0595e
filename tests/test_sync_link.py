"""The engine on a bad link: busy platform, dead link, lost answers, cut uploads, skewed clock."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from datetime import timedelta

import pytest

from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.sync_device import DEVICE_MIGRATIONS, FAST, platform_port
from offline_sync.store import Store
from offline_sync.sync import SyncEngine, read_status
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import SkewedClock, assert_delivered_exactly_once, device  # noqa: F401


def test_retry_after_is_honoured_and_survives_a_restart(device):  # noqa: F811
    queued = device.queue(random.Random(1), cases=5)
    with fault_proxy(
        platform_port(device), Faults(error_rate=1.0, error_statuses=(503,), retry_after_s=1)
    ) as proxy:
        report = device.engine(proxy.url).run_once(0.5, wait=False)
        assert not report.complete
        assert 0.9 <= report.next_attempt_in_s <= 1.0
        status = read_status(device.store.conn)
        assert status.last_error == "the platform is busy (HTTP 503); Retry-After 1 s"
        assert status.link_state == "up"
        # a restarted process (new store connection, new engine) keeps the wait
        store = Store.open(device.store.path, DEVICE_MIGRATIONS)
        try:
            engine = SyncEngine(
                store,
                device.vault,
                device.data_dir,
                device.connector(proxy.url),
                device.engines[0].clock,
                FAST,
            )
            sent = proxy.stats.requests
            again = engine.run_once(0.2, wait=False)
            engine.close()
        finally:
            store.close()
        assert proxy.stats.requests == sent and again.next_attempt_in_s > 0.5
        proxy.set_faults(Faults())
        report = device.engine(proxy.url).run_once(10)
    assert report.complete
    first_503, retried = proxy.stats.log[0][0], proxy.stats.log[1][0]
    assert retried - first_503 >= 1.0
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_breaker_opens_on_a_dead_link_probes_with_ping_then_recovers(device):  # noqa: F811
    queued = device.queue(random.Random(2), cases=10, attachments=2, attachment_bytes=5000)
    settings = dataclasses.replace(FAST, backoff_base_s=0.02, backoff_max_s=0.05)
    with fault_proxy(platform_port(device), Faults(blackhole=True)) as proxy:
        engine = device.engine(proxy.url, settings=settings, timeout_s=0.3)
        engine.run_once(2.5)
        status = read_status(device.store.conn)
        assert status.link_state == "down" and status.pending_records == 10
        assert "ping" in status.last_error
        targets = [entry[2] for entry in proxy.stats.log]
        opened = targets.index("/api/v1/ping")
        assert len(targets) > opened + 1
        assert set(targets[opened:]) == {"/api/v1/ping"}, "only pings while the breaker is open"
        proxy.set_faults(Faults())
        report = engine.run_once(10)
    assert report.complete
    assert read_status(device.store.conn).link_state == "up"
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_lost_answers_mean_resending_and_duplicates_not_double_storage(device):  # noqa: F811
    queued = device.queue(random.Random(3), cases=40, ratings=10)
    with fault_proxy(platform_port(device), Faults(lose_responses=True)) as proxy:
        lost = device.engine(proxy.url, timeout_s=0.5).run_once(1.5)
        assert not lost.complete and lost.delivered == 0
        assert device.platform.service.counts()["records"] > 0, "the platform stored what it got"
        proxy.set_faults(Faults())
        report = device.engine(proxy.url).run_once(10)
    assert report.complete and report.duplicates > 0
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_upload_cut_midway_resumes_from_the_platform_offset(device):  # noqa: F811
    size = 3 * 1024 * 1024 + 1000
    queued = device.queue(random.Random(4), cases=1, attachments=1, attachment_bytes=size)
    (att_id,) = queued.attachments
    slow = Faults(bandwidth_bps=40_000_000)
    with fault_proxy(platform_port(device), slow) as proxy:
        engine = device.engine(proxy.url, timeout_s=1)
        progress = device.platform.service.upload_state
        # cut the link as soon as the platform holds the first chunk
        cutter = _cut_when(lambda: (progress(att_id) or (0, 0))[0] >= 1024 * 1024, proxy)
        report = engine.run_once(0.8)
        cutter.join()
        assert not report.complete
        proxy.set_faults(slow)
        held = progress(att_id)[0]
        assert 0 < held < size
        before = proxy.stats.bytes_up
        report = engine.run_once(10)
    assert report.complete
    assert proxy.stats.bytes_up - before < size - held + 64 * 1024, "only the rest was sent"
    assert_delivered_exactly_once(device.platform, queued, device.store)


@pytest.mark.parametrize("skew", [timedelta(hours=5), timedelta(hours=-7)])
def test_device_clock_hours_off_recovers_by_itself(device, skew):  # noqa: F811
    queued = device.queue(random.Random(5), cases=8, attachments=1, attachment_bytes=2000)
    with fault_proxy(platform_port(device)) as proxy:
        report = device.engine(proxy.url, clock=SkewedClock(skew)).run_once(10)
    assert report.complete, report.errors
    assert_delivered_exactly_once(device.platform, queued, device.store)


def _cut_when(condition, proxy) -> threading.Thread:
    """A thread that blackholes the link and cuts every connection once ``condition`` holds."""

    def watch() -> None:
        for _ in range(2000):
            if condition():
                proxy.set_faults(dataclasses.replace(proxy.faults, blackhole=True))
                proxy.reset_all()
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_retry_now_skips_the_wait_a_technician_does_not_want(device):  # noqa: F811
    queued = device.queue(random.Random(6), cases=3)
    busy = Faults(error_rate=1.0, error_statuses=(429,), retry_after_s=3600)
    with fault_proxy(platform_port(device), busy) as proxy:
        engine = device.engine(proxy.url)
        assert engine.run_once(0.5).next_attempt_in_s > 3000
        proxy.set_faults(Faults())
        engine.retry_now()
        started = time.monotonic()
        assert engine.run_once(10).complete
    assert time.monotonic() - started < 5
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_a_wrong_device_secret_is_reported_for_the_technician(device):  # noqa: F811
    device.queue(random.Random(7), cases=1)
    wrong = dataclasses.replace(device.platform, device_secret="ab" * 32)
    engine = SyncEngine(
        device.store,
        device.vault,
        device.data_dir,
        dataclasses.replace(device, platform=wrong).connector(),
        SkewedClock(timedelta(0)),
        FAST,
    )
    try:
        report = engine.run_once(0.3, wait=False)
    finally:
        engine.close()
    assert not report.complete
    status = read_status(device.store.conn)
    assert status.last_error.startswith("the platform rejected this device (bad_signature)")
    assert "device_secret" in status.last_error and status.pending_records == 1

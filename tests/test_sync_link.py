"""The engine on a bad link: busy platform, dead link, lost answers, cut uploads, skewed clock."""

from __future__ import annotations

import dataclasses
import random
import time
from datetime import timedelta

import pytest

from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.sync_device import DEVICE_MIGRATIONS, FAST, platform_port
from offline_sync.store import Store
from offline_sync.sync import SyncEngine, read_status
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import (  # noqa: F401
    SkewedClock,
    SteppingClock,
    assert_delivered_exactly_once,
    device,
)


def test_retry_after_is_honoured_and_survives_a_restart(device):  # noqa: F811
    queued = device.queue(random.Random(1), cases=5)
    clock = SteppingClock()
    with fault_proxy(
        platform_port(device), Faults(error_rate=1.0, error_statuses=(503,), retry_after_s=1)
    ) as proxy:
        report = device.engine(proxy.url, clock=clock).run_once(0.5, wait=False)
        assert not report.complete
        assert report.next_attempt_in_s == pytest.approx(1.0)  # Retry-After, to the letter
        status = read_status(device.store.conn)
        assert status.last_error == "the platform is busy (HTTP 503); Retry-After 1 s"
        assert status.link_state == "up"
        # a restarted process (new store connection, new engine) keeps the wait
        store = Store.open(device.store.path, DEVICE_MIGRATIONS)
        try:
            engine = SyncEngine(
                store, device.vault, device.data_dir, device.connector(proxy.url), clock, FAST
            )
            sent = proxy.stats.requests
            again = engine.run_once(0.2, wait=False)
            engine.close()
        finally:
            store.close()
        assert proxy.stats.requests == sent and again.next_attempt_in_s == pytest.approx(1.0)
        proxy.set_faults(Faults())
        report = device.engine(proxy.url, clock=clock).run_once(10)
        assert proxy.stats.requests > sent
    assert report.complete
    assert clock.slept[0] == pytest.approx(1.0), "the whole Retry-After waited before a retry"
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_breaker_opens_on_a_dead_link_probes_with_ping_then_recovers(device):  # noqa: F811
    queued = device.queue(random.Random(2), cases=10, attachments=2, attachment_bytes=5000)
    settings = dataclasses.replace(FAST, backoff_base_s=0.02, backoff_max_s=0.05)
    with fault_proxy(platform_port(device), Faults(blackhole=True)) as proxy:
        engine = device.engine(proxy.url, settings=settings, timeout_s=0.3)

        def targets() -> list[str]:
            return [entry[2] for entry in proxy.stats.log]

        def probing() -> bool:  # the breaker is open and has probed twice
            pings = targets()
            return (
                read_status(device.store.conn).link_state == "down"
                and "/api/v1/ping" in pings
                and len(pings) > pings.index("/api/v1/ping") + 1
            )

        run_until(engine, probing, "the breaker open and probing")
        status = read_status(device.store.conn)
        assert status.pending_records == 10
        assert status.last_error.startswith(f"GET {proxy.url}/api/v1/ping")  # where, and why
        opened = targets().index("/api/v1/ping")
        assert set(targets()[opened:]) == {"/api/v1/ping"}, "only pings while the breaker is open"
        proxy.set_faults(Faults())
        report = engine.run_once(30)
    assert report.complete
    assert read_status(device.store.conn).link_state == "up"
    assert_delivered_exactly_once(device.platform, queued, device.store)


def run_until(engine, condition, what: str, timeout_s: float = 60.0) -> None:
    """Run the engine in short rounds until ``condition()`` holds (a loaded machine may need
    more rounds, never a different outcome)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {timeout_s} s"
        engine.run_once(0.5)


def test_lost_answers_mean_resending_and_duplicates_not_double_storage(device):  # noqa: F811
    queued = device.queue(random.Random(3), cases=40, ratings=10)
    with fault_proxy(platform_port(device), Faults(lose_responses=True)) as proxy:
        lossy = device.engine(proxy.url, timeout_s=0.5)
        stored = device.platform.service.counts
        run_until(lossy, lambda: stored()["records"] > 0, "a batch stored by the platform")
        status = read_status(device.store.conn)
        assert status.delivered_records == 0, "no answer came back: nothing counts as delivered"
        proxy.set_faults(Faults())
        report = device.engine(proxy.url).run_once(30)
    assert report.complete and report.duplicates > 0
    assert_delivered_exactly_once(device.platform, queued, device.store)


def test_upload_cut_midway_resumes_from_the_platform_offset(device, monkeypatch):  # noqa: F811
    size = 3 * 1024 * 1024 + 1000
    queued = device.queue(random.Random(4), cases=1, attachments=1, attachment_bytes=size)
    (att_id,) = queued.attachments
    service = device.platform.service
    with fault_proxy(platform_port(device)) as proxy:
        append_chunk = service.append_chunk

        def append_then_cut(attachment_id, offset, chunk, **owner):
            # the link dies right after the platform stored the first chunk, before it answers
            held = append_chunk(attachment_id, offset, chunk, **owner)
            proxy.set_faults(Faults(blackhole=True))
            proxy.reset_all()
            return held

        monkeypatch.setattr(service, "append_chunk", append_then_cut)
        engine = device.engine(proxy.url, timeout_s=1)
        run_until(engine, lambda: proxy.faults.blackhole, "the cut")
        monkeypatch.setattr(service, "append_chunk", append_chunk)
        held = service.upload_state(att_id)[0]
        assert 0 < held < size
        proxy.set_faults(Faults())
        before = proxy.stats.bytes_up
        report = engine.run_once(30)
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


def test_retry_now_skips_the_wait_a_technician_does_not_want(device):  # noqa: F811
    queued = device.queue(random.Random(6), cases=3)
    busy = Faults(error_rate=1.0, error_statuses=(429,), retry_after_s=3600)
    clock = SteppingClock()
    with fault_proxy(platform_port(device), busy) as proxy:
        engine = device.engine(proxy.url, clock=clock)
        assert engine.run_once(0.5).next_attempt_in_s == pytest.approx(3600)
        proxy.set_faults(Faults())
        engine.retry_now()
        assert engine.run_once(10).complete
    assert sum(clock.slept) < 10, "the hour's wait was skipped"
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

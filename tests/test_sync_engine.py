"""The sync engine against the real reference platform over loopback."""

from __future__ import annotations

import dataclasses
import random

from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.sync_device import FAST, platform_port, pulled
from offline_sync.sync import read_status
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import assert_delivered_exactly_once, device  # noqa: F401


def test_backlog_is_delivered_and_feed_pulled(device):  # noqa: F811
    rng = random.Random(1)
    queued = device.queue(
        rng, cases=30, attachments=5, attachment_bytes=20_000, ratings=10, ticket_events=10
    )
    with fault_proxy(platform_port(device)) as proxy:
        report = device.engine(proxy.url).run_once(30)
    assert report.complete, report
    assert_delivered_exactly_once(device.platform, queued, device.store)
    held = pulled(device.store)
    case_ids = {k[1] for k in queued.records if k[0] == "case"}
    assert {key for (kind, key) in held if kind == "case_status"} == case_ids
    assert all(held[("case_status", c)]["status"] == "received" for c in case_ids)
    status = read_status(device.store.conn)
    assert status.last_push_at and status.last_pull_at and status.cursor
    assert status.link_state == "up"


def test_flaky_link_delivers_everything_exactly_once(device):  # noqa: F811
    rng = random.Random(2)
    queued = device.queue(
        rng, cases=200, attachments=20, attachment_bytes=30_000, ratings=30, ticket_events=30
    )
    faults = Faults(
        reset_rate=0.12,
        truncate_rate=0.06,
        error_rate=0.12,
        retry_after_s=0,
        round_trip_s=0.02,
        bandwidth_bps=8_000_000,
    )
    settings = dataclasses.replace(FAST, batch_records=20)
    with fault_proxy(platform_port(device), faults, seed=9) as proxy:
        report = device.engine(proxy.url, settings=settings).run_once(60)
    assert report.complete, report
    assert report.failures > 0
    assert proxy.stats.resets and proxy.stats.truncations and proxy.stats.errors
    assert_delivered_exactly_once(device.platform, queued, device.store)

"""Test fixtures of the sync engine: a device on a running platform, a skewed clock, and
the check that every queued record reached the platform exactly once.

The fault proxy and the device with its synthetic records are in :mod:`kiosk.demo`
(``fault_proxy``, ``sync_device``), shared with the benchmarks.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.demo.platform import RunningPlatform
from kiosk.demo.sync_device import Queued, open_device
from offline_sync.store import Store
from offline_sync.sync import read_status


class SkewedClock:
    """The system clock shifted by a fixed offset: a device whose clock is hours off."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class SteppingClock:
    """Time that stands still unless the engine sleeps: each sleep moves it on at once and is
    recorded. Starts at the real time (the platform checks request timestamps), so waits
    and Retry-After can be asserted exactly, whatever the load of the machine."""

    def __init__(self) -> None:
        self._start = datetime.now(UTC)
        self._elapsed = 0.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return 1000.0 + self._elapsed

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self._elapsed += max(0.0, seconds)


@pytest.fixture
def device(tmp_path: Path, platform_server: RunningPlatform):
    """A fresh device enrolled on a running reference platform."""
    dev = open_device(tmp_path / "device", platform_server)
    yield dev
    dev.close()


def assert_delivered_exactly_once(platform: RunningPlatform, queued: Queued, store: Store) -> None:
    """The platform holds every queued record once with its body, every attachment byte-exact,
    and the device has nothing left to send."""
    # The platform's primary key (kind, id, revision) already makes a record stored twice
    # impossible; what can go wrong is a record missing, an extra one (resent as another
    # revision), a changed body, or the device counting a delivery it did not make.
    held = {
        (r["kind"], r["id"], r["revision"]): r["body"] for r in platform.service.stored_records()
    }
    assert held == queued.records
    for att_id, data in queued.attachments.items():
        assert platform.service.attachment_data(att_id) == data
    status = read_status(store.conn)
    assert (status.pending_records, status.pending_attachments, status.dead_letters) == (0, 0, 0)
    assert status.delivered_records == len(queued.records)

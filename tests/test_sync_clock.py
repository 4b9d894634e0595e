"""A device clock far off the platform's: sync copes, and the offset is kept for status."""

from __future__ import annotations

import random
from datetime import timedelta

from offline_sync.sync import read_status
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import SkewedClock, device  # noqa: F401


def test_a_clock_hours_behind_is_measured_and_kept(device):  # noqa: F811
    device.queue(random.Random(5), cases=1)
    engine = device.engine(clock=SkewedClock(timedelta(hours=-3)))
    try:
        report = engine.run_once(30)
    finally:
        engine.close()
    assert report.complete
    status = read_status(device.store.conn)
    assert abs(status.clock_offset_s - 3 * 3600) < 5, "the platform is 3 h ahead of it"

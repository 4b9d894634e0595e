"""Devices reach a front-end as typed events: the composition root opens them from the site
file, the core's bridge carries card reads, read failures, reader states and scans."""

from __future__ import annotations

import queue
import threading

import pytest

from devices.idcard.simulator import Fault
from kiosk.app import open_devices
from kiosk.config import load_config
from kiosk.core.device_events import (
    CardFailed,
    CardRead,
    DeviceBridge,
    ReaderStateChanged,
    Scanned,
    ScannerStateChanged,
)
from tests.conftest import write_site

SIMULATED = """
[devices.idcard]
port = "sim"
poll_interval_s = 0.05

[devices.scanner]
port = "sim"
"""


class Events:
    """What a front-end would be handed, in order."""

    def __init__(self) -> None:
        self.seen: queue.Queue = queue.Queue()

    def next(self, kind: type, **fields: object):
        """The next event of ``kind`` (others are skipped), with ``fields`` as given."""
        while True:
            event = self.seen.get(timeout=30)  # a ceiling for a loaded machine, not a wait
            if isinstance(event, kind) and all(getattr(event, k) == v for k, v in fields.items()):
                return event


@pytest.fixture
def bridged(tmp_path):
    devices = open_devices(load_config(write_site(tmp_path, SIMULATED)))
    events = Events()
    bridge = DeviceBridge(devices.reader, devices.scanner, events.seen.put)
    devices.start()
    bridge.start()
    yield devices, events
    bridge.stop()
    devices.close()


def test_a_site_without_devices_opens_none_and_the_bridge_says_stopped(config):
    devices = open_devices(config)
    assert devices.reader is None and devices.scanner is None
    bridge = DeviceBridge(None, None, lambda event: pytest.fail(f"unexpected {event}"))
    bridge.start()
    assert bridge.reader_state == "stopped"
    bridge.stop()
    devices.close()


def test_a_card_placed_on_the_simulated_reader_arrives_as_the_persons_card(bridged):
    devices, events = bridged
    events.next(ReaderStateChanged, state="waiting")
    face = devices.reader.simulator.place(0)
    read = events.next(CardRead)
    assert read.card.id_number == face.id_number
    assert face.id_number not in repr(read) and face.name not in repr(read)


def test_a_card_that_cannot_be_read_arrives_as_a_failure_with_its_cause(bridged):
    devices, events = bridged
    events.next(ReaderStateChanged, state="waiting")
    devices.reader.simulator.inject(Fault.SAM_ERROR, count=devices.reader.read_attempts)
    devices.reader.simulator.place(1)
    failed = events.next(CardFailed)
    assert isinstance(failed.error, Exception) and str(failed.error)


def test_an_unplugged_reader_arrives_as_offline(bridged):
    devices, events = bridged
    events.next(ReaderStateChanged, state="waiting")
    devices.reader.simulator.unplug()
    assert events.next(ReaderStateChanged, state="disconnected").offline


def test_a_scan_arrives_as_its_text(bridged):
    devices, events = bridged
    events.next(ScannerStateChanged, state="connected")
    devices.scanner.simulator.scan("预约 123456")
    assert events.next(Scanned).text == "预约 123456"


def test_a_bridge_started_after_the_reader_settled_still_hears_its_state(tmp_path):
    """The reader's thread starts with the devices; a front-end that subscribes a moment
    later must not wait for a change that already happened."""
    devices = open_devices(load_config(write_site(tmp_path, SIMULATED)))
    devices.start()
    try:
        settled = threading.Event()
        devices.reader.subscribe(
            lambda _event: devices.reader.state.value == "waiting" and settled.set()
        )
        if devices.reader.state.value != "waiting":
            assert settled.wait(30)  # its first state change, whatever the machine's load
        events = Events()
        bridge = DeviceBridge(devices.reader, None, events.seen.put)
        bridge.start()
        assert events.next(ReaderStateChanged).state == devices.reader.state.value == "waiting"
        bridge.stop()
    finally:
        devices.close()

"""A QR scanner on a real pty: scans arrive as text, Chinese included; unplug is survived."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator

import pytest

from devices.scanner import (
    ScannerState,
    ScannerUnplugged,
    SerialScanner,
    SimulatedScanner,
    decode_scan,
    open_scanner,
)
from devices.scanner.reader import split_lines


class Listener:
    """A started scanner with what it delivered: scans, and (state, reason) pairs."""

    def __init__(self, scanner: SerialScanner) -> None:
        self.scanner = scanner
        self.scans: queue.Queue[str] = queue.Queue()
        self.states: queue.Queue[tuple[ScannerState, str]] = queue.Queue()
        scanner.start(self.scans.put, lambda state: self.states.put((state, scanner.reason)))

    def state(self) -> tuple[ScannerState, str]:
        """The next state change and its reason."""
        return self.states.get(timeout=5)

    def scan(self) -> str:
        """The next scan."""
        return self.scans.get(timeout=5)


@pytest.fixture
def sim() -> Iterator[SimulatedScanner]:
    with SimulatedScanner() as simulator:
        yield simulator


@pytest.fixture
def listener(sim: SimulatedScanner) -> Iterator[Listener]:
    heard = Listener(SerialScanner(sim.path, retry_s=0.02))
    assert heard.state() == (ScannerState.CONNECTED, "")  # scans before this are lost
    yield heard
    heard.scanner.stop()


def test_scans_arrive_one_per_line_in_utf8(sim, listener):
    sim.scan("APPT:123456")
    sim.scan("https://zwfw.example/case/6f1c?来源=回执")
    assert listener.scan() == "APPT:123456"
    assert listener.scan() == "https://zwfw.example/case/6f1c?来源=回执"


def test_older_scanners_sending_gb18030_are_understood():
    with SimulatedScanner(encoding="gb18030") as old:
        heard = Listener(SerialScanner(old.path))
        try:
            assert heard.state()[0] is ScannerState.CONNECTED
            old.scan("预约码 654321")
            assert heard.scan() == "预约码 654321"
        finally:
            heard.scanner.stop()


@pytest.mark.parametrize("suffix", [b"\r", b"\n"])
def test_scanners_set_to_a_cr_or_lf_suffix_work_too(suffix):
    with SimulatedScanner(suffix=suffix) as sim:
        heard = Listener(SerialScanner(sim.path))
        try:
            assert heard.state()[0] is ScannerState.CONNECTED
            sim.scan("A001")
            sim.scan("B002")
            assert [heard.scan(), heard.scan()] == ["A001", "B002"]
        finally:
            heard.scanner.stop()


def test_unplug_reports_disconnected_and_replug_reconnects_by_itself(sim, listener):
    sim.unplug()
    state, reason = listener.state()
    assert state is ScannerState.DISCONNECTED and reason.startswith("lost: ")
    assert not os.path.exists(sim.path)
    device = sim.replug()
    assert os.path.realpath(sim.path) == device
    assert listener.state() == (ScannerState.CONNECTED, "")
    sim.scan("A001")
    assert listener.scan() == "A001"


def test_a_scan_while_unplugged_is_refused(sim):
    sim.unplug()
    with pytest.raises(ScannerUnplugged, match="unplugged"):
        sim.scan("A001")


def test_a_missing_port_says_why_and_is_opened_once_it_appears(sim):
    sim.unplug()
    heard = Listener(SerialScanner(sim.path, retry_s=0.02))
    try:
        assert heard.state() == (
            ScannerState.DISCONNECTED,
            "cannot open: No such file or directory",
        )
        sim.replug()
        assert heard.state() == (ScannerState.CONNECTED, "")
    finally:
        heard.scanner.stop()


def test_a_second_program_cannot_take_half_of_the_scans(sim, listener):
    second = Listener(SerialScanner(sim.path, retry_s=0.02))
    try:
        assert second.state() == (ScannerState.DISCONNECTED, "busy: another program has it open")
        sim.scan("A002")
        assert listener.scan() == "A002"
        assert second.scans.empty()
    finally:
        second.scanner.stop()
    assert second.scanner.state is ScannerState.STOPPED


def test_sim_port_gives_a_scanner_the_demo_can_scan_with():
    scanner = open_scanner("sim")
    assert scanner.simulator is not None
    path = scanner.simulator.path
    heard = Listener(scanner)
    try:
        assert heard.state()[0] is ScannerState.CONNECTED
        scanner.simulator.scan("预约码 123456")
        assert heard.scan() == "预约码 123456"
    finally:
        scanner.stop()
    assert scanner.simulator is None and not os.path.exists(path)


def test_a_real_port_opens_nothing_until_started():
    scanner = open_scanner("/dev/ttyACM0", 115200)
    assert (scanner.port, scanner.baud, scanner.simulator) == ("/dev/ttyACM0", 115200, None)
    assert scanner.state is ScannerState.STOPPED


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (b"A001\r\n", "A001"),
        (b"\r\n", None),
        (b"  \x00\r\n", None),
        ("来源=回执\r\n".encode(), "来源=回执"),
        ("预约码\r\n".encode("gb18030"), "预约码"),
    ],
)
def test_decode_scan(line, text):
    assert decode_scan(line) == text


@pytest.mark.parametrize(
    ("data", "lines", "rest"),
    [
        (b"A001\r\nB0", [b"A001"], b"B0"),
        (b"A001\rB002\n", [b"A001", b"B002"], b""),
        (b"A001\r", [b"A001"], b""),
        (b"\nB002\r\n", [b"", b"B002"], b""),  # the LF of a CR LF split between two reads
        (b"A00", [], b"A00"),
    ],
)
def test_split_lines(data, lines, rest):
    assert split_lines(data) == (lines, rest)

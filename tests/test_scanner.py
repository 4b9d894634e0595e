"""A QR scanner on a real pty: scans arrive as text, Chinese included; unplug is survived."""

from __future__ import annotations

import queue

from devices.scanner import ScannerState, SerialScanner, SimulatedScanner, decode_scan


def test_scans_arrive_one_per_line_in_utf8_and_gb18030():
    scans: queue.Queue[str] = queue.Queue()
    with SimulatedScanner() as sim, SimulatedScanner(encoding="gb18030") as old:
        readers = [SerialScanner(sim.path), SerialScanner(old.path)]
        try:
            for reader in readers:
                reader.start(scans.put)
            sim.scan("APPT:123456")
            assert scans.get(timeout=5) == "APPT:123456"
            sim.scan("https://zwfw.example/case/6f1c?来源=回执")
            assert scans.get(timeout=5).endswith("来源=回执")
            old.scan("预约码 654321")
            assert scans.get(timeout=5) == "预约码 654321"
        finally:
            for reader in readers:
                reader.stop()


def test_unplugged_scanner_reports_disconnected_and_recovers():
    states: queue.Queue[ScannerState] = queue.Queue()
    scans: queue.Queue[str] = queue.Queue()
    sim = SimulatedScanner()
    reader = SerialScanner(sim.path, retry_s=0.05)
    reader.start(scans.put, states.put)
    try:
        assert states.get(timeout=5) is ScannerState.DISCONNECTED
        assert states.get(timeout=5) is ScannerState.CONNECTED
        sim.close()  # unplugged
        assert states.get(timeout=5) is ScannerState.DISCONNECTED
    finally:
        reader.stop()


def test_blank_lines_are_not_scans():
    assert decode_scan(b"\r\n") is None
    assert decode_scan(b"A001\r\n") == "A001"

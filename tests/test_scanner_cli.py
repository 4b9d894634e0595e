"""``bianmin scanner listen`` against ``bianmin sim scanner``, each a child process, over a pty.

Both read while the other writes, take SIGTERM and, for the simulator, a console on
stdin, so they are real processes; usage errors are checked in this process.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import bianmin, cli_command, cli_env, write_site


class Child:
    """``bianmin ARGS`` in a child process; its stdout and stderr read line by line."""

    def __init__(self, *args: str, site_file: Path | None = None) -> None:
        self.process = subprocess.Popen(
            cli_command(*args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=cli_env(site_file),
        )
        self._out = self._pump(self.process.stdout)
        self._err = self._pump(self.process.stderr)

    @staticmethod
    def _pump(stream: IO[str] | None) -> queue.Queue[str]:
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert stream is not None
            for line in stream:
                lines.put(line.rstrip("\n"))

        threading.Thread(target=pump, daemon=True).start()
        return lines

    def out(self) -> str:
        """The next line on stdout."""
        return self._out.get(timeout=30)

    def err(self) -> str:
        """The next line on stderr."""
        return self._err.get(timeout=30)

    def send(self, line: str) -> None:
        """One line to stdin."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait(self) -> int:
        """The exit status once the child ends by itself."""
        return self.process.wait(30)

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Every child a test starts, stopped at its end."""
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


def start(children: list[Child], *args: str, site_file: Path | None = None) -> Child:
    child = Child(*args, site_file=site_file)
    children.append(child)
    return child


def listen(children: list[Child], path: str, *args: str, site_file: Path | None = None) -> Child:
    """``bianmin scanner listen ARGS``, once it has the port open (scans before that are lost)."""
    child = start(children, "scanner", "listen", *args, site_file=site_file)
    assert child.err() == f"scanner {path}: connected"
    return child


def test_listen_prints_each_scan_and_stops_after_count(children):
    sim = start(children, "sim", "scanner")
    path = sim.out()
    assert os.path.realpath(path).startswith("/dev/pts/")
    listener = listen(children, path, "--port", path, "--count", "2")
    sim.send("APPT:123456")
    sim.send("https://zwfw.example/case/6f1c?来源=回执")
    assert listener.wait() == 0
    assert [listener.out(), listener.out()] == [
        "APPT:123456",
        "https://zwfw.example/case/6f1c?来源=回执",
    ]


def test_chinese_from_an_older_gb18030_scanner_is_printed_right(children):
    sim = start(children, "sim", "scanner", "--encoding", "gb18030")
    path = sim.out()
    listener = listen(children, path, "--port", path, "--count", "1")
    sim.send("预约码 654321")
    assert listener.wait() == 0
    assert listener.out() == "预约码 654321"


def test_listen_takes_the_port_from_the_site_config(children, tmp_path):
    sim = start(children, "sim", "scanner")
    path = sim.out()
    site = write_site(tmp_path, f'\n[devices.scanner]\nport = "{path}"\nbaud = 115200\n')
    listener = listen(children, path, "--count", "1", site_file=site)
    sim.send("A001")
    assert listener.wait() == 0
    assert listener.out() == "A001"


def test_a_missing_scanner_is_waited_for_with_the_cause_on_stderr(children, tmp_path):
    port = str(tmp_path / "ttyACM0")
    listener = start(children, "scanner", "listen", "--port", port)
    assert (
        listener.err() == f"scanner {port}: disconnected (cannot open: No such file or directory)"
    )
    assert listener.stop() == 0


def test_sim_scanner_removes_its_device_when_terminated(children):
    sim = start(children, "sim", "scanner")
    path = sim.out()
    assert os.path.exists(path)
    assert sim.stop() == 0
    assert not os.path.lexists(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "no scanner port: give --port or set [devices.scanner] port"),
        (("--port", "sim"), "port 'sim' is a scanner simulated inside the kiosk"),
        (("--port", "/dev/ttyACM0", "--baud", "1234"), "'1234' is not one of"),
    ],
)
def test_usage_errors_exit_2_with_one_precise_line(site_file, args, message):
    done = bianmin("scanner", "listen", *args, site_file=site_file)
    assert done.exit_code == 2
    assert message in done.stderr

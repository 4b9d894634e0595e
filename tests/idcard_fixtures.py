"""ID card reader test fixtures: sample faces, a simulator on a pty, a driver on it, events."""

from __future__ import annotations

import dataclasses
import queue
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from devices.idcard.card import CardKind, IdCard
from devices.idcard.cards_file import load_cards, synthetic_photo
from devices.idcard.link import Timeouts
from devices.idcard.reader import ReaderEvent, ReaderState, StateChanged
from devices.idcard.serial_reader import SerialCardReader
from devices.idcard.simulator import SimulatedReader
from tests.conftest import cli_command, cli_env

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CARDS = REPO / "assets" / "sim" / "cards.toml"
# Allowances for an answer: only the fault tests wait them out (a cut or late answer), while a
# test that counts reads needs every sound answer in time even on a loaded machine, where a
# thread can stand still for a few hundred milliseconds. The wire time is added on top.
FAST = Timeouts(sam_s=1.0, find_s=1.0, select_s=1.0, read_s=1.5, reconnect_s=0.05)


def sample_cards() -> list[IdCard]:
    """The packaged sample faces."""
    return load_cards(SAMPLE_CARDS)


def sample(kind: CardKind) -> IdCard:
    """The first sample face of this kind."""
    return next(c for c in sample_cards() if c.kind is kind)


def resident(**changes: object) -> IdCard:
    """A resident card face (the working-age sample) with some fields changed."""
    base = sample_cards()[1]
    photo = synthetic_photo(str(changes.get("id_number", base.id_number)))
    return dataclasses.replace(base, photo_wlt=photo, **changes)


BAD_CHECK_FACE = dataclasses.replace(
    sample_cards()[1], id_number="510722198603052621"
)  # check character should be 0
BIRTH_MISMATCH_FACE = dataclasses.replace(
    sample_cards()[1], birth_date=date(1986, 3, 6)
)  # the number says 1986-03-05


class Events:
    """A driver's events, waited on with timeouts (no sleeping)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[ReaderEvent] = queue.Queue()
        self.seen: list[ReaderEvent] = []

    def __call__(self, event: ReaderEvent) -> None:
        self.queue.put(event)

    def next(self, kind: type, timeout: float = 3.0, skip_states: bool = True) -> ReaderEvent:
        """The next event of type ``kind``; fails on any other non-state event first."""
        while True:
            event = self.queue.get(timeout=timeout)
            self.seen.append(event)
            if isinstance(event, kind):
                return event
            if skip_states and isinstance(event, StateChanged):
                continue
            raise AssertionError(f"expected {kind.__name__}, got {event!r}")

    def state(self, state: ReaderState, timeout: float = 3.0) -> StateChanged:
        """Wait until the driver enters ``state``, ignoring state changes before it."""
        while True:
            event = self.queue.get(timeout=timeout)
            self.seen.append(event)
            if isinstance(event, StateChanged) and event.new is state:
                return event
            if not isinstance(event, StateChanged):
                raise AssertionError(f"waiting for {state.value}, got {event!r}")

    def quiet(self, timeout: float) -> list[ReaderEvent]:
        """Every non-state event within ``timeout`` s (expected to be none)."""
        got = []
        try:
            while True:
                event = self.queue.get(timeout=timeout)
                self.seen.append(event)
                if not isinstance(event, StateChanged):
                    got.append(event)
        except queue.Empty:
            return got


@pytest.fixture(name="sim")
def sim_fixture() -> Iterator[SimulatedReader]:
    with SimulatedReader(sample_cards(), 115200, seed=7) as simulator:
        yield simulator


@pytest.fixture(name="reader")
def reader_fixture(sim: SimulatedReader) -> Iterator[SerialCardReader]:
    driver = SerialCardReader(sim.path, 115200, poll_interval=0.01, timeouts=FAST)
    yield driver
    driver.stop()


@pytest.fixture(name="events")
def events_fixture(reader: SerialCardReader) -> Events:
    """Subscribed to ``reader``, which is started and has found its reader."""
    log = Events()
    reader.subscribe(log)
    reader.start()
    log.state(ReaderState.WAITING)
    return log


class SimProcess:
    """``bianmin sim idcard`` in a child process, driven through its stdin."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            cli_command("sim", "idcard", *args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=cli_env(),
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.path = self.line()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 30.0) -> str:
        """The next line the simulator printed."""
        return self._lines.get(timeout=timeout)

    def command(self, text: str) -> str:
        """Send one console command; its one-line reply."""
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.line()

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        self.process.terminate()
        try:
            return self.process.wait(10)
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture(name="shared_sim_process", scope="module")
def shared_sim_process_fixture() -> Iterator[SimProcess]:
    child = SimProcess()
    yield child
    if child.process.poll() is None:
        child.stop()


@pytest.fixture(name="sim_process")
def sim_process_fixture(shared_sim_process: SimProcess) -> SimProcess:
    """The module's simulator process, reset: plugged in, no card, no faults."""
    assert shared_sim_process.command("reset").startswith("ok reset")
    return shared_sim_process

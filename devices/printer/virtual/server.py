"""The virtual printer: takes ESC/POS over TCP or a pty, answers status queries with a state
that can change while it runs, and renders every job to a PNG and a text file."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from pathlib import Path

from devices.printer.paper import Paper
from devices.printer.status import PrinterState
from devices.printer.virtual.interpreter import Interpreter
from devices.printer.virtual.job import Job
from devices.printer.virtual.render import paper_image
from devices.pty import line_baud, open_raw_pty

OK = 0x12  # the fixed bits of every status byte: 0xx1xx10
# Answers to DLE EOT 1..4 for each state; UNKNOWN answers nothing.
STATUS_BYTES: dict[PrinterState, tuple[int, int, int, int]] = {
    PrinterState.READY: (OK, OK, OK, OK),
    PrinterState.PAPER_NEAR_END: (OK, OK, OK, OK | 0x0C),
    PrinterState.PAPER_OUT: (OK | 0x08, OK | 0x20, OK, OK | 0x6C),
    PrinterState.COVER_OPEN: (OK | 0x08, OK | 0x04, OK, OK),
    PrinterState.OFFLINE: (OK | 0x08, OK, OK, OK),
    PrinterState.CUTTER_ERROR: (OK | 0x08, OK | 0x40, OK | 0x08, OK),
}
# A job that ends without a cut (a printer without a cutter) is complete once no byte has
# come for this long: the paper has stopped moving.
IDLE_FLUSH_S = 0.5


def status_bytes(state: PrinterState, n: int) -> bytes:
    """What a printer in ``state`` answers to DLE EOT ``n`` (nothing when ``unknown``)."""
    answers = STATUS_BYTES.get(state)
    if answers is None or not 1 <= n <= 4:
        return b""
    return bytes((answers[n - 1],))


class VirtualPrinter:
    """One virtual printer; serve it with :meth:`listen` (TCP) or :meth:`open_pty`."""

    def __init__(
        self,
        paper: Paper,
        out_dir: Path | None = None,
        state: PrinterState = PrinterState.READY,
        pace: bool = False,
        on_job=None,
    ) -> None:
        self.paper = paper
        self.out_dir = out_dir
        self.state = state
        self.pace = pace
        self.jobs: list[Job] = []
        self.status_queries = 0
        self._on_job = on_job
        self._cond = threading.Condition()
        self._wake_r, self._wake_w = os.pipe()
        self._threads: list[threading.Thread] = []
        self._closers: list = []
        self._closed = False
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    # -- serving ----------------------------------------------------------------

    def listen(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Accept TCP connections (port 0: any free port); returns the bound address."""
        server = socket.create_server((host, port))
        self._closers.append(server.close)
        self._start(self._accept_loop, server)
        return server.getsockname()[:2]

    def open_pty(self) -> str:
        """Create a pty pair and serve its master end; returns the path a driver opens."""
        master, slave, path = open_raw_pty()
        self._closers += [lambda: os.close(master), lambda: os.close(slave)]
        self._start(self._pty_loop, master)
        return path

    def close(self) -> None:
        """Stop serving and release every port."""
        if self._closed:
            return
        self._closed = True
        os.write(self._wake_w, b"x")
        for thread in self._threads:
            thread.join(timeout=5)
        for close in self._closers:
            close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def __enter__(self) -> VirtualPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what tests and the CLI watch ------------------------------------------

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[Job]:
        """Block until ``count`` jobs have come out (TimeoutError after ``timeout`` s)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise TimeoutError(f"{len(self.jobs)} of {count} print jobs after {timeout} s")
            return list(self.jobs)

    def status_answer(self, n: int) -> bytes:
        """The answer to DLE EOT ``n`` in the current state."""
        self.status_queries += 1
        return status_bytes(self.state, n)

    # -- internals --------------------------------------------------------------

    def _start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="virtual-printer")
        self._threads.append(thread)
        thread.start()

    def _interpreter(self, arrival: list[float]) -> Interpreter:
        def done(job: Job) -> None:
            job.finished_at = arrival[0]
            self._job_done(job)

        return Interpreter(self.paper, done, self.status_answer)

    def _accept_loop(self, server: socket.socket) -> None:
        while True:
            ready, _, _ = select.select([server, self._wake_r], [], [])
            if self._wake_r in ready:
                return
            conn, _ = server.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._start(self._tcp_loop, conn)

    def _tcp_loop(self, conn: socket.socket) -> None:
        arrival = [0.0]
        interpreter = self._interpreter(arrival)
        with conn:
            while True:
                ready = self._wait([conn], interpreter)
                if self._wake_r in ready:
                    return
                if not ready:
                    continue
                data = conn.recv(65536)
                arrival[0] = time.monotonic()
                if not data:
                    interpreter.finish()
                    return
                answer = interpreter.feed(data)
                if answer:
                    conn.sendall(answer)

    def _pty_loop(self, master: int) -> None:
        arrival = [0.0]
        interpreter = self._interpreter(arrival)
        wire_free_at = 0.0
        while True:
            ready = self._wait([master], interpreter)
            if self._wake_r in ready:
                return
            if not ready:
                continue
            data = os.read(master, 64 if self.pace else 65536)
            now = time.monotonic()
            if self.pace:
                # A UART delivers a byte every 10 bit times; hold the data until it has arrived.
                baud = line_baud(master) or 9600
                wire_free_at = max(now, wire_free_at) + len(data) * 10 / baud
                if select.select([self._wake_r], [], [], max(0.0, wire_free_at - now))[0]:
                    return
                now = wire_free_at
            arrival[0] = now
            answer = interpreter.feed(data)
            if answer:
                os.write(master, answer)

    def _wait(self, sources: list, interpreter: Interpreter) -> list:
        """Wait for data or for close(); an idle printer with an uncut job finishes it."""
        timeout = IDLE_FLUSH_S if interpreter.pending else None
        ready, _, _ = select.select([*sources, self._wake_r], [], [], timeout)
        if not ready:
            interpreter.finish()
        return ready

    def _job_done(self, job: Job) -> None:
        with self._cond:
            number = len(self.jobs) + 1
            if self.out_dir is not None:
                stem = self.out_dir / f"job-{number:04d}"
                paper_image(job).save(stem.with_suffix(".png"))
                stem.with_suffix(".txt").write_text(job.text, encoding="utf-8")
                stem.with_suffix(".bin").write_bytes(bytes(job.raw))
            self.jobs.append(job)
            self._cond.notify_all()
        if self._on_job is not None:
            self._on_job(number, job)

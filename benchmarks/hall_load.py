"""A busy hall over loopback: 10 kiosks taking numbers, 8 counters calling, 4 boards listening.

The hall server runs as its own process (``bianmin hall serve``); the kiosks, counters
and boards are threads here, each with its own signed client or event stream, for
``--seconds`` (60). Each counter calls, then finishes the ticket; each board follows
``/events`` and fetches its live part after events, as the TV page does. Then, as the
baseline of the same run, one thread takes numbers straight into a store of its own
for ``--direct-seconds``: what the disk allows without the network and the server.

call_to_board is from a counter sending its call to a board receiving the call event.
repeats counts numbers issued twice, double_calls tickets called twice (both must be 0).

    .venv/bin/python benchmarks/hall_load.py [--seconds 60] [--direct-seconds 10]
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.hall.client import HallClient, hall_events
from kiosk.core.queue import HallUnavailable, NobodyWaiting, QueueError
from kiosk.demo.site import write_demo_site
from offline_sync.clock import SystemClock

KEY = "4b" * 32
COUNTERS = [f"{n}号窗口" for n in range(1, 9)]
SERVICES = f"""
[hours]
open = "00:00"
close = "24:00"
days = [1, 2, 3, 4, 5, 6, 7]

[[services]]
code = "social"
name = "社保医保"
prefix = "A"
counters = {COUNTERS[:4]!r}

[[services]]
code = "civil"
name = "民政救助"
prefix = "B"
counters = {COUNTERS[4:6]!r}

[[services]]
code = "hukou"
name = "户籍办理"
prefix = "C"
counters = {COUNTERS[6:]!r}
""".replace("'", '"')
KIOSKS, BOARDS = 10, 4


def site_file(folder: Path, extra: str) -> Path:
    """The bench site: the demo site's name and data folder, eight counters, open all day."""
    path = write_demo_site(folder)
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("[hours]")]
    path.write_text(head + SERVICES + extra, encoding="utf-8")
    return path


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Load:
    """What the threads record."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()  # kiosks and counters stop
        self.listened = threading.Event()  # boards stop (after the last calls reached them)
        self.taken: list[tuple[str, str]] = []  # (ticket_id, ticket_no)
        self.called: list[str] = []  # ticket ids, once per call
        self.sent: dict[tuple[str, str], float] = {}  # (ticket_no, counter) -> when sent
        self.seen: list[dict[tuple[str, str], float]] = [{} for _ in range(BOARDS)]
        self.errors = collections.Counter()
        self.board_fetches = 0


def kiosk(config, name: str, load: Load) -> None:
    client = HallClient(config, SystemClock(), name=name)
    services = [s.code for s in config.services]
    try:
        i = 0
        while not load.stop.is_set():
            try:
                ticket = client.take(services[i % len(services)])
            except (HallUnavailable, QueueError) as exc:
                load.errors[f"take: {type(exc).__name__}"] += 1
                continue
            with load.lock:
                load.taken.append((ticket.ticket_id, ticket.ticket_no))
            i += 1
    finally:
        client.close()


def counter(config, name: str, load: Load) -> None:
    client = HallClient(config, SystemClock(), name=f"desk {name}")
    try:
        while not load.stop.is_set():
            sent = time.perf_counter()
            try:
                ticket = client.call(name, only_if_idle=True)
            except NobodyWaiting:
                load.stop.wait(0.02)
                continue
            except (HallUnavailable, QueueError) as exc:
                load.errors[f"call: {type(exc).__name__}"] += 1
                continue
            with load.lock:
                load.called.append(ticket.ticket_id)
                load.sent[(ticket.ticket_no, name)] = sent
            try:
                client.done(ticket.ticket_no)
            except (HallUnavailable, QueueError) as exc:
                load.errors[f"done: {type(exc).__name__}"] += 1
    finally:
        client.close()


def board(url: str, index: int, load: Load) -> None:
    """Follow the stream; fetch the live part after events, at most every 100 ms."""
    seen = load.seen[index]
    wanted = threading.Event()

    def fetcher() -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            while not load.listened.is_set():
                if wanted.wait(0.2):
                    wanted.clear()
                    http.get("/board/live")
                    load.board_fetches += 1
                    load.listened.wait(0.1)

    threading.Thread(target=fetcher, daemon=True).start()
    with httpx.Client(base_url=url, timeout=10) as http:
        while not load.listened.is_set():  # a stream that ends is opened again, as the page does
            try:
                for event in hall_events(http):
                    if load.listened.is_set():
                        return
                    if event.event == "change" and event.data.get("action") == "called":
                        seen[(event.data["ticket_no"], event.data["counter"])] = time.perf_counter()
                    if event.event in ("change", "show"):
                        wanted.set()
                load.errors["board: stream ended"] += 1
            except HallUnavailable as exc:
                if load.listened.is_set():
                    return  # the server stopped at the end of the run
                load.errors[f"board: {exc}"] += 1
                load.listened.wait(1.0)


def run_hall(folder: Path, seconds: float) -> tuple[Load, float]:
    site = site_file(folder / "server", f'\n[hall]\nkey = "{KEY}"\nspeaker = false\n')
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(site), "hall", "serve", "--listen",
         "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = server.stdout.readline().strip()
        client_site = site_file(
            folder / "client", f'\n[hall]\nurl = "{url}"\nkey = "{KEY}"\nrequest_timeout_s = 10\n'
        )
        config = load_config(client_site)
        load = Load()
        boards = [
            threading.Thread(target=board, args=(url, i, load), daemon=True) for i in range(BOARDS)
        ]
        for b in boards:
            b.start()
        time.sleep(1.0)  # the boards' streams open before the first call
        workers = [
            threading.Thread(target=kiosk, args=(config, f"kiosk-{i}", load)) for i in range(KIOSKS)
        ] + [threading.Thread(target=counter, args=(config, c, load)) for c in COUNTERS]
        started = time.perf_counter()
        for w in workers:
            w.start()
        load.stop.wait(seconds)
        load.stop.set()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - started
        deadline = time.monotonic() + 5.0  # the last calls reach the boards
        while time.monotonic() < deadline and any(
            key not in seen for seen in load.seen for key in list(load.sent)
        ):
            time.sleep(0.05)
        load.listened.set()
        return load, elapsed
    finally:
        server.terminate()
        server.wait(30)


def run_direct(folder: Path, seconds: float) -> tuple[int, float]:
    services = build_app(load_config(site_file(folder / "direct", "")), SystemClock())
    codes = [s.code for s in services.config.services]
    count = 0
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            services.queue.take(codes[count % len(codes)])
            count += 1
        return count, time.perf_counter() - started
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--direct-seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        load, elapsed = run_hall(Path(tmp), args.seconds)
        direct, direct_elapsed = run_direct(Path(tmp), args.direct_seconds)
    takes_per_s = len(load.taken) / elapsed
    direct_per_s = direct / direct_elapsed
    delays = [
        (seen[key] - sent) * 1000
        for seen in load.seen
        for key, sent in load.sent.items()
        if key in seen
    ]
    missed = [sum(1 for key in load.sent if key not in seen) for seen in load.seen]
    numbers = collections.Counter(no for _, no in load.taken)
    repeats = sum(n - 1 for n in numbers.values() if n > 1)
    double_calls = len(load.called) - len(set(load.called))
    print(f"hall over loopback for {elapsed:.1f} s: {KIOSKS} kiosks, {len(COUNTERS)} counters,"
          f" {BOARDS} boards")  # fmt: skip
    print(f"  takes {len(load.taken)} ({takes_per_s:.1f}/s), calls {len(load.called)},"
          f" board fetches {load.board_fetches}, errors {dict(load.errors) or 0}")  # fmt: skip
    print(f"  call to board: p50 {percentile(delays, 0.5):.1f} ms, p99 {percentile(delays, 0.99):.1f}"
          f" ms over {len(delays)} receipts (missed per board: {missed})")  # fmt: skip
    print(
        f"straight into the store: {direct} takes in {direct_elapsed:.1f} s ({direct_per_s:.1f}/s)"
    )
    print(f"ratio hall/direct: {takes_per_s / direct_per_s:.2f}")
    print(
        f"RESULT takes_per_s={takes_per_s:.1f} direct_takes_per_s={direct_per_s:.1f}"
        f" call_to_board_p99_ms={percentile(delays, 0.99):.1f} repeats={repeats}"
        f" double_calls={double_calls}"
    )


if __name__ == "__main__":
    main()

"""ID card read latency: from "card placed" to a parsed, verified card, through a real pty.

The simulator answers at true wire timing, so the floor is the wire time of every byte
exchanged from the placement on: find card, select card and read text + photo, each a
10-byte request and its answer (15 + 19 + 1295 bytes), at the chosen baud rate. The
polling driver adds its poll interval (half of it on average), thread hand-offs and
parsing; placements come at random points of the poll cycle. Beside it, a bare client measured in the same run sends the same three requests
and reads the answers by their known sizes, with no decoding at all.

    .venv/bin/python benchmarks/idcard_read.py [--n 40] [--baud 115200] [--poll 0.005]
"""

from __future__ import annotations

import argparse
import queue
import random
import statistics
import sys
import time
from pathlib import Path

import serial

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.idcard.cards_file import load_cards
from devices.idcard.frames import BAUD_RATES, Command, encode_request, wire_seconds
from devices.idcard.reader import CardPlaced, CardRemoved, ReadFailed
from devices.idcard.serial_reader import SerialCardReader
from devices.idcard.simulator import SimulatedReader

CARDS = Path(__file__).resolve().parent.parent / "assets" / "sim" / "cards.toml"
EXCHANGE = [(Command.FIND_CARD, 15), (Command.SELECT_CARD, 19), (Command.READ_TEXT_PHOTO, 1295)]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_for(events: queue.Queue, kind: type, timeout: float = 5.0):
    while True:
        event = events.get(timeout=timeout)
        if isinstance(event, ReadFailed):
            raise SystemExit(f"read failed: {event.error}")
        if isinstance(event, kind):
            return event


def driver_latencies(sim: SimulatedReader, n: int, baud: int, poll: float) -> list[float]:
    """Seconds from each placement to the driver's "card placed" event."""
    events: queue.Queue = queue.Queue()
    reader = SerialCardReader(sim.path, baud, poll_interval=poll)
    reader.subscribe(events.put)
    reader.start()
    samples = []
    jitter = random.Random(1)
    try:
        for i in range(n):
            time.sleep(jitter.uniform(0, poll))  # a villager's placement is not synchronised
            started = time.perf_counter()
            sim.place(i % len(sim.cards))
            wait_for(events, CardPlaced)
            samples.append(time.perf_counter() - started)
            sim.remove()
            wait_for(events, CardRemoved)
    finally:
        reader.stop()
    return samples


def bare_latencies(sim: SimulatedReader, n: int, baud: int) -> list[float]:
    """Seconds for the same three exchanges by a client that reads fixed sizes, no parsing."""
    samples = []
    with serial.Serial(sim.path, baud, timeout=5) as port:
        for i in range(n):
            sim.place(i % len(sim.cards))
            started = time.perf_counter()
            for command, size in EXCHANGE:
                port.write(encode_request(command))
                if len(port.read(size)) != size:
                    raise SystemExit(f"bare client: short answer to {command.label}")
            samples.append(time.perf_counter() - started)
            sim.remove()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="placements to time")
    parser.add_argument("--baud", type=int, default=115200, choices=BAUD_RATES)
    parser.add_argument("--poll", type=float, default=0.005, help="driver poll interval, s")
    args = parser.parse_args()

    floor = wire_seconds(sum(10 + size for _, size in EXCHANGE), args.baud)
    with SimulatedReader(load_cards(CARDS), args.baud, seed=1) as sim:
        bare = bare_latencies(sim, max(5, args.n // 4), args.baud)
        driver = driver_latencies(sim, args.n, args.baud, args.poll)

    read_ms = statistics.median(driver) * 1000
    floor_ms = floor * 1000
    print(f"baud {args.baud}, poll interval {args.poll * 1000:.1f} ms, {args.n} placements")
    print(f"wire-time floor (find + select + read, 1359 bytes): {floor_ms:.1f} ms")
    print(f"bare client, same exchanges, no parsing: p50 {statistics.median(bare) * 1000:.1f} ms")
    print(
        f"driver, placed -> parsed card: p50 {read_ms:.1f} ms, "
        f"p90 {percentile(driver, 0.9) * 1000:.1f} ms, max {max(driver) * 1000:.1f} ms"
    )
    print(
        f"RESULT read_ms={read_ms:.1f} floor_ms={floor_ms:.1f} ratio={read_ms / floor_ms:.3f} "
        f"bare_ms={statistics.median(bare) * 1000:.1f}"
    )


if __name__ == "__main__":
    main()

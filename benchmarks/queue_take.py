"""Durable ticket issuance: p50/p99 of one `take` on a file store, beside the fsync floor.

The floor is a bare sqlite3 INSERT committed with WAL and synchronous=FULL on a file
in the same directory, measured in the same run: what any durable write costs here.

    .venv/bin/python benchmarks/queue_take.py [--n 400]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.demo.site import write_demo_site


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_floor(path: Path, n: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    samples = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"A{i:03d}",))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def bench_take(tmp: Path, n: int) -> list[float]:
    tmp.mkdir()
    app = build_app(load_config(write_demo_site(tmp)))
    services = [s.code for s in app.config.services]
    samples = []
    try:
        for i in range(n):
            start = time.perf_counter()
            app.queue.take(services[i % len(services)])
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        app.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        tmp_path = Path(tmp)
        # Interleave rounds so both see the same disk conditions.
        floor, take = [], []
        for round_no in range(4):
            floor += bench_floor(tmp_path / f"floor{round_no}.sqlite3", args.n // 4)
            take += bench_take(tmp_path / f"take{round_no}", args.n // 4)
    rows = [("bare insert (floor)", floor), ("queue take", take)]
    print(f"{'':22} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}  n={args.n}")
    for name, samples in rows:
        print(
            f"{name:22} {percentile(samples, 0.5):8.2f} {percentile(samples, 0.99):8.2f}"
            f" {statistics.fmean(samples):8.2f}"
        )
    take_p99, floor_p99 = percentile(take, 0.99), percentile(floor, 0.99)
    print(
        f"RESULT take_p50_ms={percentile(take, 0.5):.2f} take_p99_ms={take_p99:.2f}"
        f" floor_p99_ms={floor_p99:.2f} ratio={take_p99 / floor_p99:.2f}"
    )


if __name__ == "__main__":
    main()

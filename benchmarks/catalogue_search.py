"""Catalogue search latency over a 5,000-item catalogue (the seed plus synthetic items).

Each query goes through the whole ranked FTS5 search (Chinese, pinyin, initials, aliases).
Beside it, in the same run, a naive search scans every item name with ``LIKE '%text%'``:
it finds only Chinese text (no pinyin, no initials, no ranking), so it is the floor a
ranked search has to come near, not a competitor.

    .venv/bin/python benchmarks/catalogue_search.py [--items 5000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.core.catalogue import Catalogue
from kiosk.core.catalogue import schema as catalogue_schema
from kiosk.demo.synthetic import synthetic_items
from offline_sync.store import Store

QUERIES = [
    "养老保险",
    "低保",
    "保",
    "补贴申请",
    "yanglao",
    "dibao",
    "ylbx",
    "cjrz",
    "b",
    "511500-03",
]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.sqlite3", [catalogue_schema.migrations])
        catalogue = Catalogue(store)
        catalogue.seed_if_empty()
        started = time.perf_counter()
        catalogue.put_many(synthetic_items(args.items - catalogue.count()))
        index_s = time.perf_counter() - started
        print(f"catalogue: {catalogue.count()} items, indexed in {index_s:.2f} s")

        ranked: list[float] = []
        naive: list[float] = []
        for _ in range(args.rounds):
            for query in QUERIES:
                t0 = time.perf_counter()
                catalogue.search(query, limit=20)
                ranked.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                store.conn.execute(
                    "SELECT code, name FROM catalogue_item WHERE name LIKE ? LIMIT 20",
                    (f"%{query}%",),
                ).fetchall()
                naive.append((time.perf_counter() - t0) * 1000)
        for query in QUERIES:
            hits = catalogue.search(query, limit=3)
            print(f"  {query!r:>14}: {', '.join(h.name for h in hits) or '(nothing)'}")
        store.close()

    p50, p95 = statistics.median(ranked), percentile(ranked, 0.95)
    naive50 = statistics.median(naive)
    print(f"ranked search: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {max(ranked):.2f} ms")
    print(f"naive LIKE scan (names only): p50 {naive50:.2f} ms")
    print(
        f"RESULT items={args.items} search_p50_ms={p50:.2f} search_p95_ms={p95:.2f} "
        f"like_p50_ms={naive50:.2f} ratio_like={p50 / naive50:.1f} index_s={index_s:.2f}"
    )


if __name__ == "__main__":
    main()

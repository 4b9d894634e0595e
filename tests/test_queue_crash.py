"""Power cut while numbers are issued: workers taking numbers are killed with SIGKILL, 100
times, most inside the write transaction, while another kiosk keeps taking numbers from the
same file; no number is ever repeated or skipped, and every printed number is in the store."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from pathlib import Path
from typing import TextIO

from kiosk.app import build_app, open_store
from kiosk.config import load_config
from offline_sync.clock import SystemClock
from tests.conftest import write_site
from tests.crash import Worker

KILLS = 100
SERVICES = ("social", "civil")


def take_forever(site: Path, out: TextIO) -> None:
    """A kiosk issuing numbers as fast as it can; each line is a ticket handed out."""
    app = build_app(load_config(site), SystemClock())
    out.write("ready\n")
    out.flush()
    n = 0
    while True:
        n += 1
        ticket = app.queue.take(SERVICES[n % 2], "disability" if n % 5 == 0 else None)
        out.write(f"issued {ticket.ticket_id}\n")
        out.flush()


def other_kiosk(site: Path, out: TextIO) -> None:
    """Another kiosk on the same file, at a villager's pace (it must not starve the others)."""
    app = build_app(load_config(site), SystemClock())
    rng = random.Random(2)
    out.write("ready\n")
    out.flush()
    while True:
        app.queue.take("social")
        time.sleep(rng.uniform(0.0, 0.05))


def test_sigkill_inside_the_transaction_never_repeats_or_loses_a_number(tmp_path):
    site = write_site(tmp_path)
    rng = random.Random(467)
    printed: set[str] = set()
    inside = timed = 0
    other = Worker(lambda out: other_kiosk(site, out), tmp_path)
    for _ in range(KILLS):
        if rng.random() < 0.5:  # stop inside a transaction, after its writes, before COMMIT
            worker = Worker(
                lambda out: take_forever(site, out), tmp_path, pause_at=rng.randint(1, 4)
            )
            kill = worker.kill()
        else:  # any moment of its work
            timed += 1
            worker = Worker(lambda out: take_forever(site, out), tmp_path)
            kill = worker.kill(rng.uniform(0.0, 0.03))
        assert kill.killed
        inside += kill.in_transaction
        printed |= {line.split()[1] for line in kill.lines}
    assert other.kill().transactions > 0, "the other kiosk took numbers all along"
    print(f"{inside} of {KILLS} kills inside a transaction ({KILLS - timed} paused there)")
    # every paused kill and most timed ones landed between BEGIN and the end of COMMIT
    assert inside >= KILLS - timed + timed // 2, f"{inside} of {KILLS} kills inside a transaction"

    store = open_store(load_config(site))
    try:
        assert store.integrity_check() == ["ok"]
        rows = store.conn.execute("SELECT ticket_id, prefix, day, number FROM ticket").fetchall()
        numbers = defaultdict(list)
        for row in rows:
            numbers[(row["prefix"], row["day"])].append(row["number"])
        for key, issued in numbers.items():
            assert sorted(issued) == list(range(1, len(issued) + 1)), key
            last = store.conn.execute(
                "SELECT last_no FROM ticket_counter WHERE prefix = ? AND day = ?", key
            ).fetchone()[0]
            assert last == len(issued)
        # A ticket someone holds is in the store, and each one issued has exactly one
        # 'issued' event queued for the platform.
        stored = {row["ticket_id"] for row in rows}
        assert printed and printed <= stored
        issued_events = store.conn.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'ticket_event'"
        ).fetchone()[0]
        assert issued_events == len(rows)
    finally:
        store.close()

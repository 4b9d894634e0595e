"""Power cut while a number is being issued: `bianmin queue take` killed with SIGKILL, 200 times."""

from __future__ import annotations

import json
import random
import subprocess
import time
from collections import defaultdict

from kiosk.app import open_store
from kiosk.config import load_config
from tests.conftest import cli_command, cli_env, write_site

KILLS = 200
PARALLEL = 4


def test_sigkill_at_random_moments_never_repeats_or_loses_a_number(tmp_path):
    site = write_site(tmp_path)
    env = cli_env(site)
    argv = cli_command("queue", "take", "social", "--json")
    started = time.monotonic()
    first = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    typical = time.monotonic() - started
    printed = [json.loads(first.stdout)]
    rng = random.Random(467)
    kills = 0
    while kills < KILLS:
        batch = [
            subprocess.Popen(
                argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(PARALLEL)
        ]
        for proc in batch:
            try:
                proc.wait(timeout=rng.uniform(0.0, typical * 1.3))
            except subprocess.TimeoutExpired:
                proc.kill()
                kills += 1
            out, err = proc.communicate()
            if proc.returncode == 0:
                printed.append(json.loads(out))
            else:
                assert proc.returncode == -9, err  # killed, never failed on its own

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
        # A ticket someone holds (its JSON was printed) is in the store, and each one
        # issued has exactly one 'issued' event queued for the platform.
        stored = {row["ticket_id"] for row in rows}
        assert {t["ticket_id"] for t in printed} <= stored
        issued_events = store.conn.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'ticket_event'"
        ).fetchone()[0]
        assert issued_events == len(rows)
        assert len(printed) >= 1 and len(rows) >= len(printed)
    finally:
        store.close()

"""Power cuts during sync: sync workers killed with SIGKILL 40 times, half of them paused inside
a store transaction (results being written, attachments being marked, the link's health),
half at random moments of the exchange; the platform ends with every record once and every
attachment byte-exact, the device with nothing pending."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TextIO

from kiosk.app import build_app, open_store
from kiosk.config import load_config
from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.platform import running_platform
from kiosk.demo.sync_device import Queued, queue_records
from offline_sync.clock import SystemClock
from offline_sync.sync import read_status
from offline_sync.vault import Vault
from tests.conftest import bianmin, write_site
from tests.crash import Worker

KILLS = 40
KILL_WINDOW_S = 0.3


def _site_extra(url: str, device_id: str, secret: str) -> str:
    return f"""
[platform]
url = "{url}"
device_id = "{device_id}"
device_secret = "{secret}"

[sync]
batch_records = 8
backoff_base_s = 0.05
backoff_max_s = 1.0
request_timeout_s = 5.0
upload_workers = 2
"""


def sync_once(site: Path, out: TextIO) -> None:
    """What ``bianmin sync --once`` does, in a forked worker."""
    app = build_app(load_config(site), SystemClock())
    engine = app.sync.engine(app.store)
    out.write("ready\n")
    out.flush()
    engine.run_once(30)


def _stored_but_pending(config, platform) -> int:
    """Records the platform holds that the device still means to send: the answer was lost
    to the kill (the resend must not store them twice)."""
    held = {(r["kind"], r["id"], r["revision"]) for r in platform.service.stored_records()}
    store = open_store(config)
    try:
        pending = store.conn.execute(
            "SELECT kind, record_id, revision FROM outbox WHERE state = 'pending'"
        ).fetchall()
    finally:
        store.close()
    return sum(tuple(row) in held for row in pending)


def test_sigkill_during_sync_loses_nothing_and_stores_nothing_twice(tmp_path):
    rng = random.Random(2026)
    with running_platform(tmp_path / "platform") as platform:
        port = int(platform.url.rsplit(":", 1)[1])
        with fault_proxy(port, Faults(round_trip_s=0.02, bandwidth_bps=4_000_000)) as proxy:
            site = write_site(
                tmp_path, _site_extra(proxy.url, platform.device_id, platform.device_secret)
            )
            config = load_config(site)
            vault = Vault.load_or_create(config.data_dir)
            queued = Queued()
            kills = inside = answers_lost = 0
            for round_no in range(KILLS):
                _queue_more(config, vault, rng, queued)
                if round_no % 2 == 0:  # inside a transaction, its writes done, before COMMIT
                    worker = Worker(
                        lambda out: sync_once(site, out), tmp_path, pause_at=rng.randint(1, 4)
                    )
                    kill = worker.kill()
                else:
                    worker = Worker(lambda out: sync_once(site, out), tmp_path)
                    kill = worker.kill(rng.uniform(0.0, KILL_WINDOW_S))
                kills += kill.killed
                inside += kill.in_transaction
                answers_lost += _stored_but_pending(config, platform) > 0
            print(f"{kills} kills, {inside} inside a transaction, {answers_lost} lost answers")
            assert kills >= KILLS * 2 // 3, f"only {kills} of {KILLS} workers were still working"
            assert inside >= KILLS // 3, f"only {inside} of {kills} kills inside a transaction"
            assert answers_lost > 0, "no kill fell between the platform's answer and its record"
            final = bianmin("sync", "--once", "--deadline", "60", site_file=site)
        assert final.exit_code == 0, final.stderr

        held = {
            (r["kind"], r["id"], r["revision"]): r["body"]
            for r in platform.service.stored_records()
        }
        assert held == queued.records  # none lost, none extra (the key rules out doubles)
        for att_id, data in queued.attachments.items():
            assert platform.service.attachment_data(att_id) == data
    store = open_store(config)
    try:
        assert store.integrity_check() == ["ok"]
        status = read_status(store.conn)
        assert (status.pending_records, status.pending_attachments, status.dead_letters) == (
            0,
            0,
            0,
        )
        assert status.delivered_records == len(queued.records)
    finally:
        store.close()


def _queue_more(config, vault: Vault, rng: random.Random, queued: Queued) -> None:
    """Between power cuts the kiosk keeps taking applications."""
    store = open_store(config)
    try:
        more = queue_records(
            store,
            vault,
            config.data_dir,
            rng,
            cases=2,
            attachments=1,
            attachment_bytes=6000,
            ratings=1,
            ticket_events=2,
        )
    finally:
        store.close()
    queued.records.update(more.records)
    queued.attachments.update(more.attachments)

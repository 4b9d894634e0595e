"""Power cuts during sync: `bianmin sync --once` killed with SIGKILL at random moments, 100 times."""

from __future__ import annotations

import random
import subprocess
import time

from kiosk.app import open_store
from kiosk.config import load_config
from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.platform import running_platform
from kiosk.demo.sync_device import Queued, queue_records
from offline_sync.sync import read_status
from offline_sync.vault import Vault
from tests.conftest import cli_command, cli_env, write_site

KILLS = 100
PARALLEL = 4
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
            env = cli_env(site)
            argv = cli_command("sync", "--once", "--deadline", "30")
            queued = Queued()
            kills = rounds = 0
            while kills < KILLS:
                rounds += 1
                _queue_more(config, vault, rng, queued)
                procs = [
                    subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    for _ in range(PARALLEL)
                ]
                for proc in procs:
                    proc.stdout.readline()  # the store is open and sync is about to start
                time.sleep(rng.uniform(0.0, KILL_WINDOW_S))
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                        kills += 1
                for proc in procs:
                    proc.wait()
                    proc.stdout.close()
                    proc.stderr.close()
            # the killed runs got work done: the kills landed mid-sync, not before it
            delivered_before = len(platform.service.stored_records())
            assert delivered_before > len(queued.records) // 4
            final = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert final.returncode == 0, final.stderr

        stored = platform.service.stored_records()
        keys = [(r["kind"], r["id"], r["revision"]) for r in stored]
        assert len(keys) == len(set(keys)), "a record is stored twice"
        assert {k: r["body"] for k, r in zip(keys, stored, strict=True)} == queued.records
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
    assert rounds >= KILLS // PARALLEL


def _queue_more(config, vault: Vault, rng: random.Random, queued: Queued) -> None:
    """Between power cuts the kiosk keeps taking applications."""
    store = open_store(config)
    try:
        more = queue_records(
            store,
            vault,
            config.data_dir,
            rng,
            cases=3,
            attachments=1,
            attachment_bytes=6000,
            ratings=2,
            ticket_events=2,
        )
    finally:
        store.close()
    queued.records.update(more.records)
    queued.attachments.update(more.attachments)

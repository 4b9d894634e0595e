"""Sync of a backlog over a slow link: 5,000 cases and 500 attachments of 50 KiB.

The reference platform runs on 127.0.0.1 behind the fault proxy (kiosk.demo), which limits each
direction to 1 Mbit/s (one wire shared by every connection) and adds 150 ms of round
trip. Three figures from the same run:

- backlog: the sync engine (batches of up to 500 records gzipped, tus uploads on
  a few connections at once) from the first byte until nothing is pending and the
  change feed (5,000 case statuses) is pulled;
- floor: the bytes the engine put on the busier direction of the wire, divided by
  the bandwidth: no client could send those bytes faster;
- naive: a client that uploads each attachment and pushes each record with its own
  request, one after another. It is measured on a sample of the backlog (same mix
  of records and attachments, another enrolled device) and extrapolated linearly to
  the whole backlog; the output says so.

    .venv/bin/python benchmarks/sync_backlog.py [--cases 5000] [--attachments 500]
        [--attachment-kb 50] [--bandwidth-bps 1000000] [--rtt 0.15] [--naive-sample 100]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo.fault_proxy import Faults, fault_proxy
from kiosk.demo.platform import RunningPlatform, running_platform
from kiosk.demo.sync_device import FAST, open_device, platform_port
from offline_sync.client import PlatformClient
from offline_sync.clock import SystemClock
from offline_sync.sync.push import (
    attachments_to_upload,
    next_batch,
    read_attachment,
    referenced_attachments,
)


def queue_backlog(device, rng: random.Random, cases: int, attachments: int, kib: int):
    """Queue the backlog in one transaction (setup speed; the engine does not care)."""
    with device.store.transaction():
        return device.queue(rng, cases=cases, attachments=attachments, attachment_bytes=kib * 1024)


def run_engine(device, url: str, workers: int) -> tuple[float, dict]:
    settings = dataclasses.replace(
        FAST, backoff_base_s=1.0, backoff_max_s=10.0, upload_workers=workers
    )
    engine = device.engine(url, settings=settings, timeout_s=120)
    started = time.monotonic()
    report = engine.run_once(3600)
    elapsed = time.monotonic() - started
    if not report.complete:
        raise SystemExit(f"backlog not delivered: {report}")
    return elapsed, {"batches": report.batches, "failures": report.failures}


def run_naive(device, url: str) -> float:
    """One request per attachment and per record, in queue order, on one connection."""
    conn = device.store.conn
    batch = next_batch(conn, device.vault, time.time(), 900, 500, 1 << 30)
    started = time.monotonic()
    with PlatformClient(
        url, device.platform.device_id, device.platform.device_secret, SystemClock(), 120
    ) as client:
        for record in batch.records:
            for att in attachments_to_upload(conn, referenced_attachments(record.wire)):
                data = read_attachment(device.vault, device.data_dir, att)
                client.upload(att.attachment_id, att.record_id, data, att.sha256, att.media_type)
            (result,) = client.push([record.wire])
            if result["status"] not in ("stored", "duplicate"):
                raise SystemExit(f"naive client: {result}")
    return time.monotonic() - started


def second_device(platform: RunningPlatform, directory: Path):
    device_id = "511502-K-000002"
    secret = platform.service.enroll(device_id)
    other = dataclasses.replace(platform, device_id=device_id, device_secret=secret)
    return open_device(directory, other)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--attachments", type=int, default=500)
    parser.add_argument("--attachment-kb", type=int, default=50)
    parser.add_argument("--bandwidth-bps", type=float, default=1_000_000)
    parser.add_argument("--rtt", type=float, default=0.15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--naive-sample", type=int, default=100, help="at most 500")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    rng = random.Random(5000)
    faults = Faults(round_trip_s=args.rtt, bandwidth_bps=args.bandwidth_bps)
    with tempfile.TemporaryDirectory() as tmp, running_platform(Path(tmp) / "platform") as platform:
        device = open_device(Path(tmp) / "device", platform)
        queue_backlog(device, rng, args.cases, args.attachments, args.attachment_kb)
        sample_cases = min(500, max(1, args.naive_sample))
        sample_attachments = round(sample_cases * args.attachments / max(1, args.cases))
        naive_device = second_device(platform, Path(tmp) / "naive")
        queue_backlog(naive_device, rng, sample_cases, sample_attachments, args.attachment_kb)
        print(
            f"link: {args.bandwidth_bps / 1e6:g} Mbit/s each way, {args.rtt * 1000:g} ms added round trip"
        )
        print(
            f"backlog: {args.cases} cases, {args.attachments} attachments of {args.attachment_kb} KiB"
        )

        with fault_proxy(platform_port(device), faults) as proxy:
            backlog_s, info = run_engine(device, proxy.url, args.workers)
            up, down = proxy.stats.bytes_up, proxy.stats.bytes_down
            pull_started = next(t for t, _m, target, _f in proxy.stats.log if "/changes" in target)
            first = proxy.stats.log[0][0]
        floor_s = max(up, down) * 8 / args.bandwidth_bps
        counts = platform.service.counts()
        assert counts["records"] == args.cases, counts
        print(
            f"engine: {backlog_s:.1f} s ({pull_started - first:.1f} s push, rest pull of the feed);"
            f" {info['batches']} batches, {info['failures']} failed tries;"
            f" wire {up / 1e6:.2f} MB up, {down / 1e6:.2f} MB down"
        )
        print(
            f"floor: {floor_s:.1f} s ({max(up, down) / 1e6:.2f} MB at {args.bandwidth_bps / 1e6:g} Mbit/s)"
        )

        with fault_proxy(platform_port(device), faults) as proxy:
            sample_s = run_naive(naive_device, proxy.url)
        naive_s = sample_s * args.cases / sample_cases
        print(
            f"naive: {sample_s:.1f} s for a sample of {sample_cases} cases with {sample_attachments}"
            f" attachments, extrapolated x{args.cases / sample_cases:g} to {naive_s:.0f} s"
        )
        print(
            f"bound: attachments alone fill the floor, so no client can beat naive by more than"
            f" naive/floor = {naive_s / floor_s:.1f}x"
        )
        naive_device.close()
        device.close()
    print(
        f"RESULT backlog_s={backlog_s:.1f} floor_s={floor_s:.1f} naive_s={naive_s:.0f}"
        f" ratio_floor={backlog_s / floor_s:.2f} speedup_naive={naive_s / backlog_s:.1f}"
    )


if __name__ == "__main__":
    main()

"""`bianmin sync` and `bianmin status` as a technician or systemd runs them (in this process)."""

from __future__ import annotations

import json
import random
import socket
import uuid

from click.testing import Result

from kiosk.app import open_store
from kiosk.config import load_config
from kiosk.demo.sync_device import queue_records, synthetic_case
from offline_sync.outbox import Outbox
from offline_sync.vault import Vault
from tests.conftest import bianmin, write_site
from tests.platform_fixtures import platform_server  # noqa: F401

NOW = "2026-11-23T01:00:00+00:00"
STATUS_KEYS = {
    "pending_records",
    "pending_attachments",
    "dead_letters",
    "last_push_at",
    "last_pull_at",
}


def _site(tmp_path, url: str = "", device_id: str = "", secret: str = ""):
    return write_site(
        tmp_path,
        f'\n[platform]\nurl = "{url}"\ndevice_id = "{device_id}"\ndevice_secret = "{secret}"\n',
    )


def _run(site, *args: str) -> Result:
    return bianmin(*args, site_file=site)


def _queue(site, cases: int, invalid: int = 0) -> None:
    config = load_config(site)
    vault = Vault.load_or_create(config.data_dir)
    store = open_store(config)
    rng = random.Random(7)
    try:
        queue_records(
            store, vault, config.data_dir, rng, cases, attachments=1, attachment_bytes=2000
        )
        for _ in range(invalid):
            body = synthetic_case(rng) | {"item_code": "no-such-item"}
            with store.transaction():
                Outbox(store, vault).add(
                    "case", str(uuid.UUID(int=rng.getrandbits(128), version=4)), 1, body, NOW
                )
    finally:
        store.close()


def test_sync_once_delivers_then_status_and_dead_letters_tell_staff(tmp_path, platform_server):  # noqa: F811
    p = platform_server
    site = _site(tmp_path, p.url, p.device_id, p.device_secret)
    _queue(site, cases=4, invalid=1)
    before = json.loads(_run(site, "status", "--json").stdout)
    assert set(before) >= STATUS_KEYS
    assert (before["pending_records"], before["pending_attachments"]) == (5, 1)
    assert before["last_push_at"] is None

    done = _run(site, "sync", "--once", "--deadline", "30")
    assert done.exit_code == 0, done.stderr
    assert "pushed: 4 records delivered" in done.stdout and "1 refused" in done.stdout

    after = json.loads(_run(site, "status", "--json").stdout)
    assert (after["pending_records"], after["pending_attachments"], after["dead_letters"]) == (
        0,
        0,
        1,
    )
    assert after["last_push_at"] and after["last_pull_at"] and after["link_state"] == "up"
    letters = _run(site, "sync", "dead-letters")
    assert letters.exit_code == 0
    assert (
        "item_code" in letters.stdout and "no-such-item is not in the catalogue" in letters.stdout
    )


def test_sync_once_exits_1_with_one_line_when_the_platform_is_unreachable(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = _site(tmp_path, f"http://127.0.0.1:{port}", "511502-K-000001", "ab" * 32)
    _queue(site, cases=2)
    failed = _run(site, "sync", "--once", "--deadline", "1")
    assert failed.exit_code == 1
    (line,) = failed.stderr.strip().splitlines()
    assert line.startswith(
        "bianmin: sync not finished within 1 s: 2 records and 1 attachments pending"
    )
    assert f"127.0.0.1:{port}" in line and "ConnectError" in line
    status = _run(site, "status")
    assert "link:" in status.stdout and "last error:" in status.stdout


def test_sync_without_a_platform_or_a_mode_says_what_to_fix(tmp_path):
    site = _site(tmp_path)
    unconfigured = _run(site, "sync", "--once")
    assert unconfigured.exit_code == 1
    assert str(site) in unconfigured.stderr and "[platform] url" in unconfigured.stderr
    usage = _run(site, "sync")
    assert usage.exit_code == 2 and "--once" in usage.stderr


def test_a_disabled_device_is_told_to_ask_for_a_new_enrolment(tmp_path, platform_server):  # noqa: F811
    p = platform_server
    site = _site(tmp_path, p.url, p.device_id, p.device_secret)
    _queue(site, cases=1)
    p.service.disable_device(p.device_id)
    failed = _run(site, "sync", "--once", "--deadline", "6")
    assert failed.exit_code == 1
    assert "(unknown_device)" in failed.stderr and "enrol the device again" in failed.stderr
    assert "entering the secret again does not help" in _run(site, "status").stdout


def test_each_failure_is_said_once_and_only_verbose_logs(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = _site(tmp_path, f"http://127.0.0.1:{port}", "511502-K-000001", "ab" * 32)
    quiet = _run(site, "sync", "--once", "--deadline", "1")
    assert quiet.exit_code == 1
    assert "ConnectError" not in quiet.stdout
    assert len(quiet.stderr.strip().splitlines()) == 1, "no log lines without -v"
    loud = _run(site, "sync", "--once", "--deadline", "1", "--now", "-v")
    *logged, last = loud.stderr.strip().splitlines()
    assert logged and last.startswith("bianmin: sync not finished")
    tries = [line for line in logged if "sync try failed" in line or "circuit open" in line]
    assert tries == logged, "one format: the log's"
    assert all(line.count("ConnectError") <= 1 for line in logged), "each try said once"


def test_status_shows_the_clock_against_the_platform_measured_by_sync(tmp_path, platform_server):  # noqa: F811
    p = platform_server
    site = _site(tmp_path, p.url, p.device_id, p.device_secret)
    before = _run(site, "status")
    assert "clock:                not compared with the platform yet" in before.stdout
    assert _run(site, "sync", "--once", "--deadline", "30").exit_code == 0
    after = json.loads(_run(site, "status", "--json").stdout)
    assert abs(after["clock_offset_s"]) < 5 and after["clock_offset_at"]
    assert (
        "clock:                in step with the platform (measured 20"
        in _run(site, "status").stdout
    )

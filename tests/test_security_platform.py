"""The platform's answers are untrusted input: a hostile platform (a real HTTP server on
127.0.0.1) serves each bad answer, and the device stays within its bounds of memory and
time, waits no longer than an hour, keeps no oversized cursor or field, and says what
happened in one line of its status."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.catalogue import seed_dir
from offline_sync.client import MAX_ANSWER_BYTES, MAX_CURSOR_CHARS, MAX_RETRY_AFTER_S
from offline_sync.clock import SystemClock
from offline_sync.contract import load_catalogue
from tests.conftest import bianmin, write_site
from tests.hostile_platform import Answer, HostilePlatform, hostile_platform
from tests.security_fixtures import one_line

MiB = 1024 * 1024


@pytest.fixture
def hostile() -> Iterator[HostilePlatform]:
    with hostile_platform() as platform:
        yield platform


@pytest.fixture
def device(tmp_path, hostile):
    """A kiosk's services pointed at the hostile platform, one record queued."""
    site = write_site(tmp_path, hostile.site_toml(timeout_s=5))
    app = build_app(load_config(site), SystemClock())
    app.queue.take("social")
    app.site = site
    yield app
    app.close()


def run(app, deadline_s: float = 10):
    engine = app.sync.engine(app.store)
    try:
        return engine.run_once(deadline_s, wait=False), engine.status()
    finally:
        engine.close()


def gzip_bomb(total: int) -> Iterator[bytes]:
    """Gzip of ``total`` zero bytes, made while it is sent (1 GiB costs nothing until read)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MiB)
    for _ in range(total // MiB):
        piece = packer.compress(block)
        if piece:
            yield piece
    yield packer.flush()


def zeros(total: int) -> Iterator[bytes]:
    block = bytes(MiB)
    for _ in range(total // MiB):
        yield block


def measured(action):
    """``action()``, its peak of Python memory and its time."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak, time.monotonic() - started


@pytest.mark.parametrize(
    ("endpoint", "answer"),
    [
        ("changes", lambda: Answer(200, {"Content-Encoding": "gzip"}, gzip_bomb(1024 * MiB))),
        ("records", lambda: Answer(200, {"Content-Encoding": "gzip"}, gzip_bomb(1024 * MiB))),
        ("changes", lambda: Answer(200, {"Content-Type": "application/json"}, zeros(100 * MiB))),
        (
            "records",
            lambda: Answer(
                200,
                {"Content-Length": str(100 * MiB), "Content-Type": "application/json"},
                zeros(100 * MiB),
            ),
        ),  # fmt: skip
        ("records", lambda: Answer(400, {"Content-Encoding": "gzip"}, gzip_bomb(1024 * MiB))),
    ],
    ids=["bomb-feed", "bomb-push", "100MB-feed", "100MB-push-with-length", "bomb-error"],
)
def test_an_answer_is_bounded_after_decompression_while_it_streams(
    device, hostile, endpoint, answer
):
    method = "GET" if endpoint == "changes" else "POST"
    if endpoint == "changes":  # the push goes through, the feed is the bomb
        hostile.on(method, f"/api/v1/{endpoint}", lambda _r: answer())
    else:
        hostile.on(method, f"/api/v1/{endpoint}", lambda _r: answer())
    (report, status), peak, seconds = measured(lambda: run(device))
    assert not report.complete and status.dead_letters == 0
    assert f"larger than {MAX_ANSWER_BYTES}" in status.last_error or "HTTP 400" in status.last_error
    assert "\n" not in status.last_error
    assert peak < 3 * MAX_ANSWER_BYTES, f"{peak / MiB:.0f} MiB held"
    assert seconds < 8


def test_a_platform_that_drips_is_cut_at_the_deadline(device, hostile):
    def drip(_request):
        return Answer(200, {"Content-Length": "100000"}, (b" " for _ in range(100000)), 0.2)

    hostile.on("POST", "/api/v1/records", drip)
    started = time.monotonic()
    result = bianmin("sync", "--once", "--deadline", "2", site_file=device.site)
    elapsed = time.monotonic() - started
    assert elapsed < 2 + 1.5, f"{elapsed:.1f} s for a 2 s deadline"
    line = one_line(result)
    assert "deadline" in line or "timed out" in line.lower()


def test_a_platform_that_drips_its_headers_is_cut_at_the_deadline(device, hostile):
    """The status line at once, then a header a byte at a time: no read is ever idle long."""
    header = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000

    def drip(_request):
        return Answer(body=(header[i : i + 1] for i in range(len(header))), pause_s=0.1, raw=True)

    hostile.on("POST", "/api/v1/records", drip)
    started = time.monotonic()
    report, status = run(device, deadline_s=2)
    assert time.monotonic() - started < 2 + 1.5 and not report.complete
    assert "no complete answer" in status.last_error


def test_a_platform_that_never_answers_is_cut_at_the_deadline(device, hostile):
    """Not a byte after the request: the read waits no longer than the deadline allows."""
    hostile.on("POST", "/api/v1/records", lambda _r: Answer(200, {}, iter([b""]), 30))
    started = time.monotonic()
    report, _status = run(device, deadline_s=2)
    assert time.monotonic() - started < 2 + 1.5 and not report.complete


@pytest.mark.parametrize(
    "retry_after",
    ["999999999", format_datetime(datetime(2100, 1, 1, tzinfo=UTC), usegmt=True), "86400"],
    ids=["seconds", "http-date", "a-day"],
)
def test_retry_after_is_capped_and_status_shows_the_next_try(device, hostile, retry_after):
    hostile.on(
        "POST", "/api/v1/records", lambda _r: Answer(503, {"Retry-After": retry_after}, b"busy")
    )
    before = datetime.now(UTC)
    _report, status = run(device)
    shown = json.loads(bianmin("status", "--json", site_file=device.site).stdout)["next_attempt_at"]
    assert shown == status.next_attempt_at
    next_try = datetime.fromisoformat(shown)
    assert next_try <= before + timedelta(seconds=MAX_RETRY_AFTER_S + 5)
    assert next_try >= before + timedelta(seconds=MAX_RETRY_AFTER_S - 60)


def test_status_shows_no_next_try_when_nothing_waits(device):
    shown = json.loads(bianmin("status", "--json", site_file=device.site).stdout)
    assert shown["next_attempt_at"] is None


@pytest.mark.parametrize(
    "cursor",
    ["c" * (70 * 1024), "c" * (MAX_CURSOR_CHARS + 1), "abc\ndef", "游标"],
    ids=["70KB", "one-over", "newline", "not-ascii"],
)
def test_an_oversized_cursor_is_never_stored_and_the_refusal_is_in_status(device, hostile, cursor):
    page = {"changes": [], "cursor": cursor, "has_more": False}
    hostile.on("GET", "/api/v1/changes", lambda _r: Answer.json(page))
    report, status = run(device)
    assert not report.complete and status.cursor is None
    assert "cursor" in status.last_error and "\n" not in status.last_error
    text = bianmin("status", site_file=device.site)
    assert text.exit_code == 0 and "cursor" in text.stdout
    hostile.on("GET", "/api/v1/changes", lambda _r: Answer.json(page | {"cursor": "c1"}))
    engine = device.sync.engine(device.store)
    engine.retry_now()
    engine.close()
    report, status = run(device)
    assert report.complete and status.cursor == "c1" and status.last_error is None


def catalogue_change(seq: int, **item) -> dict:
    """A ``catalogue_item`` change: a packaged item under a new code, with ``item`` over it."""
    base = next(i for i in load_catalogue(seed_dir()) if not i["bundle_items"])
    data = base | {"code": f"511500-0999-{seq:02d}", "name": "测试事项"} | item
    return {"seq": seq, "type": "catalogue_item", "data": data}


@pytest.mark.parametrize(
    "item",
    [
        {"name": "养老" * (512 * 1024)},  # a 1 MB name
        {"conditions": ["年满60周岁" * 200] * 5},
        {"conditions": ["年满60周岁"] * 50_000},
        {"department": "局" * 100_000},
    ],
    ids=["1MB-name", "long-conditions", "50k-conditions", "long-department"],
)
def test_catalogue_fields_are_bounded_within_the_deadline(device, hostile, item):
    good = catalogue_change(1)
    bad = catalogue_change(2, **item)
    page = {"changes": [good, bad], "cursor": "c1", "has_more": False}
    body = gzip.compress(json.dumps(page, ensure_ascii=False).encode())
    hostile.on(
        "GET",
        "/api/v1/changes",
        lambda _r: Answer(
            200, {"Content-Encoding": "gzip", "Content-Type": "application/json"}, body
        ),
    )
    started = time.monotonic()
    report, status = run(device, deadline_s=5)
    assert time.monotonic() - started < 5
    assert report.changes_rejected == 1 and report.changes_applied == 1
    assert device.catalogue.item(good["data"]["code"]).name == "测试事项"

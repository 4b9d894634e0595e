"""The push stage's rules on their own, without a platform: which refusals are for good,
what a result says to staff, which attachments a record needs, what cannot be sent, and the
status a technician reads."""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from pathlib import Path

import pytest

from offline_sync.client import PlatformError, TooLarge
from offline_sync.outbox import Outbox
from offline_sync.outbox import migrations as outbox_migrations
from offline_sync.store import Store
from offline_sync.sync import dead_letters, read_status
from offline_sync.sync import migrations as sync_migrations
from offline_sync.sync.push import (
    LocalAttachmentError,
    PendingAttachment,
    UnreadableRecord,
    Uploader,
    _refused_for_good,
    attachments_to_upload,
    describe_error,
    next_batch,
    read_attachment,
    referenced_attachments,
    result_json,
)
from offline_sync.sync.state import write_clock_offset
from offline_sync.vault import KEY_FILE, KEYED_VERSION, Vault, VaultLocked

NOW = "2026-11-23T01:00:00+00:00"


@pytest.fixture(name="outbox")
def outbox_fixture(tmp_path):
    vault = Vault.load_or_create(tmp_path)
    store = Store.open(tmp_path / "s.sqlite3", [outbox_migrations, sync_migrations])
    yield Outbox(store, vault)
    store.close()


@pytest.mark.parametrize(
    ("status", "for_good"),
    [
        (None, False),  # no answer at all: the link
        (400, True),
        (404, True),
        (409, True),
        (413, True),
        (499, True),
        (401, False),  # the device's credentials, not this upload
        (408, False),
        (429, False),  # busy
        (500, False),
        (503, False),
    ],
)
def test_only_a_4xx_about_the_upload_itself_is_a_refusal_for_good(status, for_good):
    assert _refused_for_good(PlatformError(status, "code", "x")) is for_good


def test_a_result_is_kept_as_canonical_json_with_chinese_intact():
    text = result_json({"status": "conflict", "id": "甲", "error": {"b": 1, "a": 2}})
    assert text == '{"error":{"a":2,"b":1},"id":"甲","status":"conflict"}'


@pytest.mark.parametrize(
    ("result", "words"),
    [
        (
            {"status": "conflict", "error": {"code": "body_differs", "message": "other body"}},
            "conflict: body_differs: other body",
        ),
        ({"status": "invalid", "error": {"code": "invalid", "message": "bad"}}, "invalid: bad"),
        ({"status": "invalid", "error": "not an object"}, "invalid"),
        ({"error": {"message": "only a message"}}, "only a message"),
        ({}, ""),
    ],
)
def test_a_refusal_is_described_once_per_part(result, words):
    assert describe_error(result) == words


def test_a_record_needs_its_materials_and_the_agents_consent():
    wire = {
        "body": {
            "attachments": [{"id": "m1"}, {"id": "m2"}, "junk", {"id": 7}],
            "agent": {"authorization": {"attachment_id": "consent"}},
        }
    }
    assert referenced_attachments(wire) == {"m1", "m2", "consent"}
    assert referenced_attachments({"body": {"agent": {"authorization": "none"}}}) == set()
    assert referenced_attachments({"body": None}) == set()


def _attachment(tmp_path: Path, vault: Vault, data: bytes, name: str = "a.bin"):
    (tmp_path / name).write_bytes(vault.seal_bytes(data))
    return PendingAttachment(
        name, "case-1", name, len(data), hashlib.sha256(data).hexdigest(), "image/jpeg"
    )


def test_an_attachment_is_read_only_when_size_and_digest_both_match(tmp_path):
    vault = Vault.load_or_create(tmp_path)
    good = _attachment(tmp_path, vault, b"photo bytes")
    assert read_attachment(vault, tmp_path, good) == b"photo bytes"
    for wrong in (
        PendingAttachment(**{**good.__dict__, "size": good.size + 1}),
        PendingAttachment(**{**good.__dict__, "sha256": "0" * 64}),
    ):
        with pytest.raises(LocalAttachmentError, match="does not match"):
            read_attachment(vault, tmp_path, wrong)
    with pytest.raises(LocalAttachmentError, match="cannot read the file"):
        read_attachment(vault, tmp_path, PendingAttachment(**{**good.__dict__, "path": "gone"}))


class _Refusing:
    """A platform client whose every upload gets one answer."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.closed = False
        self.uploads: list[str] = []

    def upload(self, attachment_id, *_args) -> None:
        self.uploads.append(attachment_id)
        if self.error:
            raise self.error

    def set_deadline(self, _seconds) -> None:
        pass

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (None, False),
        (TooLarge("too big"), True),
        (PlatformError(404, "not_found", "gone"), True),
        (PlatformError(503, "busy", "busy"), False),
    ],
)
def test_each_upload_ends_with_an_outcome_saying_whether_to_retry(tmp_path, error, permanent):
    vault = Vault.load_or_create(tmp_path)
    attachments = [_attachment(tmp_path, vault, bytes([i]) * 10, f"{i}.bin") for i in range(3)]
    clients: list[_Refusing] = []

    def connect():
        clients.append(_Refusing(error))
        return clients[-1]

    uploader = Uploader(connect, vault, tmp_path, workers=0)  # at least one worker
    outcomes = uploader.upload_all(attachments)
    assert uploader.upload_all([]) == []
    uploader.close()
    assert [o.attachment for o in outcomes] == attachments
    assert all(o.error is error and o.permanent is permanent for o in outcomes)
    assert sorted(a for c in clients for a in c.uploads) == ["0.bin", "1.bin", "2.bin"]
    assert clients and all(c.closed for c in clients)
    assert len(clients) == 1, "one worker: one connection for all its uploads"


def test_a_missing_or_altered_local_file_is_permanent_and_one_this_device_cannot_unseal_waits(
    tmp_path,
):
    vault = Vault.load_or_create(tmp_path)
    gone, altered, damaged = (_attachment(tmp_path, vault, b"x" * 10, f"{n}.bin") for n in "gad")
    (tmp_path / gone.path).unlink()
    (tmp_path / altered.path).write_bytes(vault.seal_bytes(b"y" * 10))
    (tmp_path / damaged.path).write_bytes(b"not sealed")
    locked = _attachment(tmp_path, vault, b"x" * 10, "l.bin")  # a logged-out agent's
    (tmp_path / locked.path).write_bytes(KEYED_VERSION + b"agent-01" + vault.seal_bytes(b"x"))
    uploader = Uploader(lambda: pytest.fail("no platform needed"), vault, tmp_path, workers=2)
    outcomes = uploader.upload_all([gone, altered, damaged, locked])
    uploader.close()
    assert [o.attachment for o in outcomes] == [gone, altered, damaged, locked]
    assert [o.permanent for o in outcomes] == [True, True, False, False]  # never dead-lettered
    assert [type(o.error) for o in outcomes] == [
        LocalAttachmentError,
        LocalAttachmentError,
        UnreadableRecord,
        VaultLocked,
    ]
    assert str(outcomes[2].error) == (  # the line `sync status` shows as the last error
        f"{tmp_path / damaged.path}: the attachment cannot be unsealed on this device"
        f" (sealed value is malformed); the push waits: check {KEY_FILE}"
    )


def test_attachments_to_upload_are_the_listed_ones_not_yet_uploaded_in_any_number(outbox):
    ids = [f"att-{i:04d}" for i in range(1203)]  # more than one SQL parameter list
    with outbox.store.transaction() as conn:
        conn.executemany(
            "INSERT INTO outbox_attachment (attachment_id, record_id, path, size, sha256,"
            " media_type, uploaded_at) VALUES (?, 'r', 'p', 1, 's', 'image/jpeg', ?)",
            [(i, NOW if n % 3 == 0 else None) for n, i in enumerate(ids)],
        )
    found = attachments_to_upload(outbox.store.conn, [*ids, "unknown", ids[1]])
    assert sorted(a.attachment_id for a in found) == [i for n, i in enumerate(ids) if n % 3]


def _queue(outbox: Outbox, body: dict) -> str:
    record_id = str(uuid.uuid4())
    with outbox.store.transaction():
        outbox.add("rating", record_id, 1, body, NOW)
    return record_id


def test_a_record_too_big_for_any_batch_is_set_aside_and_the_rest_goes(outbox):
    small = _queue(outbox, {"comment": "好"})
    big = _queue(outbox, {"comment": "长" * 3000})
    after = _queue(outbox, {"comment": "也好"})
    batch = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, 4000)
    assert [r.record_id for r in batch.records] == [small, after]
    assert [r.kind for r in batch.records] == ["rating", "rating"]
    ((too_big, too_big_why),) = batch.unsendable
    assert too_big == 2 and "over the 4000-byte limit" in too_big_why
    assert big not in [r.record_id for r in batch.records]
    # a record that fills a batch to the last byte on its own is sent, one byte less is not
    fits = batch.records[0]
    request = {"records": [fits.wire]}
    limit = len(json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode())
    assert next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 1, limit).records == [fits]
    short = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 1, limit - 1)
    assert short.records == [] and short.unsendable[0][0] == fits.seq


def test_a_record_this_device_cannot_unseal_stops_the_push_and_is_never_set_aside(outbox):
    _queue(outbox, {"comment": "好"})
    _queue(outbox, {"comment": "坏"})
    with outbox.store.transaction() as conn:
        conn.execute("UPDATE outbox SET body = x'00' WHERE seq = 2")  # damaged at rest
    with pytest.raises(UnreadableRecord, match="#2 .*bianmin db check"):
        next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, 4000)
    dead = outbox.store.conn.execute("SELECT count(*) FROM outbox WHERE state = 'dead'")
    assert tuple(dead.fetchone()) == (0,)


def test_the_status_a_technician_reads(outbox):
    first = _queue(outbox, {"comment": "一"})
    _queue(outbox, {"comment": "二"})
    with outbox.store.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'dead', attempts = 2, last_error = 'conflict: x',"
            " result = ? WHERE record_id = ?",
            (result_json({"status": "conflict"}), first),
        )
        conn.execute(
            "UPDATE sync_state SET next_attempt_at = 1795395600, link_state = 'down',"
            " failures = 4 WHERE id = 1"
        )
    status = read_status(outbox.store.conn)
    assert (status.pending_records, status.dead_letters, status.delivered_records) == (1, 1, 0)
    assert status.next_attempt_at == "2026-11-23T01:00:00+00:00"
    assert (status.link_state, status.failures) == ("down", 4)
    (letter,) = dead_letters(outbox.store.conn)
    assert (letter.record_id, letter.attempts, letter.error) == (first, 2, "conflict: x")
    assert letter.result == {"status": "conflict"} and letter.kind == "rating"
    assert status.as_dict()["dead_letters"] == 1


def test_no_wait_means_no_next_attempt_time():
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "s.sqlite3", [outbox_migrations, sync_migrations])
        try:
            assert read_status(store.conn).next_attempt_at is None
        finally:
            store.close()


def test_link_health_and_its_error_survive_a_restart_field_by_field(outbox):
    from offline_sync.sync.backoff import LinkHealth, LinkState
    from offline_sync.sync.state import read_health, write_health

    health = LinkHealth(LinkState.DOWN, 5, 3, 1795395600.5, 12.5)
    with outbox.store.transaction() as conn:
        write_health(conn, health, "the link is down", "2026-11-23T01:00:00+00:00")
    assert read_health(outbox.store.conn) == health
    status = read_status(outbox.store.conn)
    assert (status.last_error, status.last_error_at) == ("the link is down", NOW)
    with outbox.store.transaction() as conn:
        write_health(conn, LinkHealth(LinkState.UP), None, "2026-11-23T02:00:00+00:00")
    status = read_status(outbox.store.conn)
    assert (status.link_state, status.last_error, status.last_error_at) == ("up", None, None)


def test_the_status_names_every_pending_part_and_the_last_exchanges(outbox):
    record = _queue(outbox, {"comment": "一"})
    with outbox.store.transaction() as conn:
        conn.execute(
            "INSERT INTO outbox_attachment (attachment_id, record_id, path, size, sha256,"
            " media_type) VALUES ('a1', ?, 'p', 1, 's', 'image/jpeg')",
            (record,),
        )
        conn.execute(
            "INSERT INTO sync_rejected_change (type, seq, data, error, at) VALUES"
            " ('notice', 7, ?, ?, ?)",
            (outbox.vault.seal("{}"), outbox.vault.seal("no applier for notice"), NOW),
        )
        conn.execute(
            "UPDATE sync_state SET last_push_at = 'push-time', last_pull_at = 'pull-time',"
            " cursor = 'c-42' WHERE id = 1"
        )
    status = read_status(outbox.store.conn)
    assert (status.pending_records, status.pending_attachments, status.dead_letters) == (1, 1, 0)
    assert (status.rejected_changes, status.cursor) == (1, "c-42")
    assert (status.last_push_at, status.last_pull_at) == ("push-time", "pull-time")
    from offline_sync.sync.state import rejected_changes

    (change,) = rejected_changes(outbox.store.conn, outbox.vault)
    assert (change.type, change.seq, change.error, change.at) == (
        "notice",
        7,
        "no applier for notice",
        NOW,
    )


def test_a_dead_letter_keeps_its_place_revision_and_time(outbox):
    _queue(outbox, {"comment": "一"})
    record_id = str(uuid.uuid4())
    with outbox.store.transaction():
        outbox.add("rating", record_id, 3, {"comment": "二"}, "2026-11-23T05:00:00+00:00")
    with outbox.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'dead' WHERE record_id = ?", (record_id,))
    (letter,) = dead_letters(outbox.store.conn)
    assert (letter.seq, letter.revision, letter.result) == (2, 3, None)
    assert letter.created_at == "2026-11-23T05:00:00+00:00"


def test_two_records_that_fill_a_batch_to_the_last_byte_go_together(outbox):
    first = _queue(outbox, {"comment": "一"})
    second = _queue(outbox, {"comment": "二"})
    both = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, 4000).records
    request = {"records": [r.wire for r in both]}  # with the comma between the two
    limit = len(json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode())
    exact = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, limit)
    assert [r.record_id for r in exact.records] == [first, second]
    short = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, limit - 1)
    assert [r.record_id for r in short.records] == [first]


def test_a_record_sealed_under_a_logged_out_agents_key_waits_and_later_ones_go(outbox):
    first = _queue(outbox, {"comment": "一"})
    _queue(outbox, {"comment": "代办"})
    third = _queue(outbox, {"comment": "三"})
    with outbox.store.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET body = ? WHERE seq = 2",
            (KEYED_VERSION + b"agent-01" + outbox.vault.seal_bytes(b"{}"),),
        )
    batch = next_batch(outbox.store.conn, outbox.vault, 0.0, 60.0, 10, 4000)
    assert [r.record_id for r in batch.records] == [first, third]
    assert (batch.locked, batch.unsendable) == ([2], [])


def test_the_clock_offset_is_kept_to_a_tenth_of_a_second_for_the_status(outbox):
    with outbox.store.transaction() as conn:
        write_clock_offset(conn, -10803.46, NOW)  # three hours behind the platform
    status = read_status(outbox.store.conn)
    assert (status.clock_offset_s, status.clock_offset_at) == (-10803.5, NOW)
    assert status.as_dict()["clock_offset_s"] == -10803.5

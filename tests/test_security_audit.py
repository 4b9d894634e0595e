"""The audit log: append-only, chained by SM3, checked by ``bianmin audit verify``, delivered
to the platform as ``audit_event`` records, written in the transaction of what it records."""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.audit import AuditError, shell_actor
from offline_sync.audit_chain import GENESIS, entry_hash
from offline_sync.clock import SystemClock
from offline_sync.contract import canonical_json
from tests import platform_fixtures
from tests.conftest import bianmin, write_site

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform


def log_some(app, n: int = 5) -> None:
    for i in range(n):
        app.audit.record("technician", "settings.change", {"key": "ui.idle_s", "to": 60 + i})


def unguard(app) -> None:
    """What a careless technician with the sqlite3 shell does first."""
    app.store.conn.execute("DROP TRIGGER audit_log_no_update")
    app.store.conn.execute("DROP TRIGGER audit_log_no_delete")


def test_entries_are_chained_and_each_is_queued_for_the_platform(app):
    log_some(app, 3)
    entries = app.audit.entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert all(entry_hash(e.prev_hash, e.fields()) == e.hash for e in entries)
    kinds = [r[0] for r in app.store.conn.execute("SELECT kind FROM outbox ORDER BY seq")]
    assert kinds == ["audit_event"] * 3
    assert app.outbox.body(1) == entries[0].body()
    assert app.audit.verify().ok


def test_the_log_refuses_updates_and_deletes(app):
    log_some(app, 2)
    for statement in (
        "UPDATE audit_log SET actor = 'nobody' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            app.store.conn.execute(statement)
    assert app.audit.verify().ok


def test_an_entry_rolls_back_with_the_change_it_records(app):
    with pytest.raises(RuntimeError), app.store.transaction():
        app.audit.record("shell:root", "privacy.purge", {"cases": 3})
        raise RuntimeError("the purge failed half-way")
    assert app.audit.entries() == [] and app.outbox.counts()["pending"] == 0
    with app.store.transaction():
        app.audit.record("shell:root", "privacy.purge", {"cases": 3})
    assert len(app.audit.entries()) == 1


def test_an_edited_entry_is_found(site_file, app):
    log_some(app)
    unguard(app)
    app.store.conn.execute(
        "UPDATE audit_log SET detail = ? WHERE seq = 3", ('{"key":"ui.idle_s","to":5}',)
    )
    verdict = app.audit.verify()
    assert "entry #3: its content does not match its hash (changed)" in verdict.problems
    assert any("guard" in p for p in verdict.problems)
    result = bianmin("audit", "verify", site_file=site_file)
    assert result.exit_code == 1 and "entry #3" in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert "tampered" in line


def test_an_entry_rewritten_with_its_hash_recomputed_is_found_by_its_copy(app):
    """Who edits an entry and recomputes the whole chain still differs from the outbox copy."""
    log_some(app)
    unguard(app)
    prev = app.audit.entries()[1].hash
    for entry in app.audit.entries(since=2):
        fields = entry.fields() | ({"actor": "kiosk"} if entry.seq == 3 else {})
        new = entry_hash(prev, fields)
        app.store.conn.execute(
            "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (fields["actor"], prev, new, entry.seq),
        )
        prev = new
    problems = app.audit.verify().problems
    assert "entry #3: differs from the copy for the platform" in problems
    assert not any("does not match its hash" in p for p in problems)


def test_a_removed_entry_is_found(app):
    log_some(app)
    unguard(app)
    app.store.conn.execute("DELETE FROM audit_log WHERE seq = 2")
    problems = app.audit.verify().problems
    assert "entries #2 are missing (removed)" in problems
    assert "entry #3: does not follow the entry before it" in problems
    assert "entry #2: sent to the platform, gone from the log" in problems


def test_removed_last_entries_are_found_even_with_the_sequence_reset(app):
    log_some(app)
    unguard(app)
    app.store.conn.execute("DELETE FROM audit_log WHERE seq >= 4")
    assert "entries #4 to #5 are missing (removed from the end)" in app.audit.verify().problems
    app.store.conn.execute("UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'")
    problems = app.audit.verify().problems
    assert "entry #4: sent to the platform, gone from the log" in problems
    assert "entry #5: sent to the platform, gone from the log" in problems


def test_entries_are_bounded_and_one_line(app):
    with pytest.raises(AuditError):
        app.audit.record("x" * 65, "a")
    with pytest.raises(AuditError):
        app.audit.record("technician", "kiosk.exit\nforged entry")
    with pytest.raises(AuditError):
        app.audit.record("technician", "a", {"blob": "x" * 3000})
    with pytest.raises(AuditError):
        app.audit.record("technician", "a", {"when": object()})
    assert app.audit.entries() == []
    assert shell_actor().startswith("shell:")


def test_entries_reach_the_platform_which_checks_each_hash(tmp_path, platform):
    site = write_site(tmp_path, platform.site_toml())
    app = build_app(load_config(site), SystemClock())
    try:
        log_some(app, 4)
        engine = app.sync.engine(app.store)
        assert engine.run_once(15).complete
        engine.close()
        stored = [
            r
            for r in platform.service.stored_records("audit_event")
            if r["device_id"] == platform.device_id
        ]
        assert [r["body"] for r in stored] == [e.body() for e in app.audit.entries()]
        assert app.outbox.counts()["dead"] == 0
    finally:
        app.close()

    forged = copy.deepcopy(stored[-1]["body"]) | {"actor": "kiosk"}
    tampered_hash = forged | {"seq": 9}
    bad_hex = forged | {"hash": "XYZ"}
    with platform.client() as client:
        results = client.push(
            [
                {"kind": "audit_event", "id": str(uuid.uuid4()), "revision": 1, "body": body}
                for body in (forged, tampered_hash, bad_hex)
            ]
        )
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert results[0]["error"]["field"] == "hash"
    assert results[2]["error"]["field"] == "hash"


def test_what_exists_today_is_audited(site_file, app, config, tmp_path):
    """Revealing personal data (an export) and reprints leave an entry naming who did it."""
    job = app.printer.ticket(app.queue.take("social")).job_id  # no printer: journalled, failed
    app.close()
    assert bianmin("case", "list", "--reveal", site_file=site_file).exit_code == 0
    assert bianmin("case", "list", site_file=site_file).exit_code == 0  # masked: not an export
    paper = f"file://{tmp_path / 'paper.bin'}"
    assert (
        bianmin("printer", "reprint", str(job), "--printer", paper, site_file=site_file).exit_code
        == 0
    )
    again = build_app(config)
    try:
        actions = [(e.actor, e.action, e.detail) for e in again.audit.entries()]
    finally:
        again.close()
    me = shell_actor()
    assert actions == [
        (me, "case.reveal", {"by_id_number": False, "cases": 0, "state": None}),
        (me, "print.reprint", {"job_id": job, "new_job_id": job + 1, "printed": True}),
    ]


def test_the_hash_covers_every_field():
    entry = {
        "seq": 1,
        "at": "2026-11-23T09:00:00+08:00",
        "actor": "kiosk",
        "action": "a",
        "detail": {},
    }
    base = entry_hash(GENESIS, entry)
    for name, other in (("seq", 2), ("at", "2026-11-23T09:00:01+08:00"), ("actor", "k"),
                        ("action", "b"), ("detail", {"x": 1})):  # fmt: skip
        assert entry_hash(GENESIS, entry | {name: other}) != base
    assert entry_hash("1" * 64, entry) != base
    assert canonical_json(entry)  # the fields are plain JSON


def test_exports_backups_and_keys_from_the_shell_are_audited(site_file, app, config, monkeypatch):
    monkeypatch.setenv("BIANMIN_KEY_PASSPHRASE", "long enough passphrase")
    app.close()
    stick = config.data_dir.parent / "stick"
    assert (
        bianmin(
            "key", "export", "--out", str(stick / "k.bianmin-key"), site_file=site_file
        ).exit_code
        == 0
    )
    made = bianmin("backup", "now", "--json", site_file=site_file)
    assert made.exit_code == 0, made.output
    path = json.loads(made.stdout)["path"]
    restored = bianmin("backup", "restore", path, "--yes", site_file=site_file)
    assert restored.exit_code == 0, restored.output
    (config.data_dir / "vault.key").unlink()
    imported = bianmin("key", "import", str(stick / "k.bianmin-key"), site_file=site_file)
    assert imported.exit_code == 0, imported.output
    bundle = config.data_dir.parent / "diag.zip"
    assert bianmin("diagnostics", "--out", str(bundle), site_file=site_file).exit_code == 0
    again = build_app(config)
    try:
        actions = [e.action for e in again.audit.entries()]
        assert again.audit.verify().ok
    finally:
        again.close()
    # the backup was made before its own entry: the restored log has backup.run no more,
    # then what came after the restore
    assert actions == ["key.export", "backup.restore", "key.import", "diagnostics.export"]

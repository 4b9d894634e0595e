"""Backups are online copies that a restore checks before it replaces anything; the vault key
travels only wrapped under a passphrase."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kiosk.app import STORE_FILE, build_app
from kiosk.cli.main import main
from kiosk.core.cases.files import SealedFiles
from kiosk.core.upkeep.backup import Backups
from kiosk.core.upkeep.errors import BackupError, KeyFileError
from kiosk.core.upkeep.keys import current_fingerprint, export_key, import_key
from tests.clocks import ManualClock

FAST_SCRYPT = 2**10


def tickets(config) -> list[str]:
    conn = sqlite3.connect(config.data_dir / STORE_FILE)
    try:
        return [row[0] for row in conn.execute("SELECT ticket_no FROM ticket ORDER BY ticket_no")]
    finally:
        conn.close()


@pytest.fixture(name="backups")
def backups_fixture(app):
    app.queue.take("social")
    SealedFiles(app.vault, app.config.data_dir).write(b"photo of a household register")
    return Backups.for_config(app.config, app.config.data_dir / STORE_FILE, app.clock)


def test_a_backup_is_a_checked_copy_with_its_attachments_and_restores(app, backups):
    info = backups.run()
    assert info.attachments == 1 and info.label == "manual"
    assert (info.path / "bianmin.sqlite3").stat().st_mode & 0o077 == 0
    assert not (info.path / "vault.key").exists()
    app.queue.take("social")
    assert tickets(app.config) == ["A001", "A002"]
    app.close()
    shutil.rmtree(app.config.data_dir / "attachments")
    report = backups.restore(info.path)
    assert report.attachments_copied == 1
    assert tickets(app.config) == ["A001"]
    assert report.safety_copy is not None and report.safety_copy.parent == backups.dir
    reopened = build_app(app.config, app.clock)
    try:
        assert reopened.store.integrity_check() == ["ok"]
        assert len(list((app.config.data_dir / "attachments").rglob("*"))) == 1
    finally:
        reopened.close()


def test_a_backup_never_waits_for_or_copies_an_uncommitted_write(app, backups):
    app.store.conn.execute("BEGIN IMMEDIATE")
    app.store.conn.execute(
        "UPDATE sync_state SET last_error = 'half-written' WHERE id = 1"
    )  # not committed while the backup runs
    try:
        info = backups.run()
    finally:
        app.store.conn.execute("ROLLBACK")
    conn = sqlite3.connect(info.path / "bianmin.sqlite3")
    assert conn.execute("SELECT last_error FROM sync_state").fetchone()[0] is None
    conn.close()


def test_a_corrupt_backup_is_refused_and_the_store_is_left_alone(app, backups):
    info = backups.run()
    store = info.path / "bianmin.sqlite3"
    data = bytearray(store.read_bytes())
    data[4096 * 2 : 4096 * 2 + 512] = b"\xff" * 512  # a damaged page, header intact
    store.write_bytes(bytes(data))
    app.queue.take("social")
    app.close()
    with pytest.raises(BackupError, match="damaged.*nothing was changed"):
        backups.restore(info.path)
    assert tickets(app.config) == ["A001", "A002"]
    assert len(backups.list()) == 1  # no safety copy made: nothing happened


def test_a_non_database_is_refused(app, backups, tmp_path):
    fake = tmp_path / "fake"
    shutil.copytree(backups.run().path, fake)
    (fake / "bianmin.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="damaged"):
        backups.check(fake)


def test_a_restore_waits_for_the_kiosk_to_let_go_of_the_store(app, backups):
    info = backups.run()
    app.close()
    store = app.config.data_dir / STORE_FILE
    holder = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(store)!r}); print('open', flush=True); input()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(BackupError, match=r"is open in python.*stop the kiosk"):
            backups.restore(info.path)
    finally:
        holder.kill()
        holder.wait()


def test_a_backup_sealed_under_another_key_is_refused(app, backups):
    info = backups.run()
    app.close()
    (app.config.data_dir / "vault.key").write_text("ab" * 48 + "\n")
    with pytest.raises(BackupError, match="import that key first"):
        backups.check(info.path)


def test_old_backups_beyond_keep_are_removed_and_nightly_runs_once_a_night(app, tmp_path):
    clock = ManualClock(datetime(2026, 11, 22, 18, 0, tzinfo=UTC))  # 02:00 in Sichuan
    backups = Backups(
        app.config.data_dir / STORE_FILE,
        app.config.data_dir,
        tmp_path / "stick",
        2,
        clock,
        [],
        nightly_at="02:30",
    )
    assert backups.due()  # no backup yet
    backups.run()
    assert not backups.due()  # made after last night's 02:30
    clock.advance(minutes=31)  # 02:31: tonight's slot has passed
    assert backups.run_if_due() is not None
    assert backups.run_if_due() is None
    for _ in range(3):
        clock.advance(days=1)
        backups.run_if_due()
    assert [b.created_at.day for b in backups.list()] == [24, 25]


def test_the_key_travels_wrapped_and_comes_back_only_with_the_passphrase(app, tmp_path):
    data_dir = app.config.data_dir
    wrapped = export_key(data_dir, "correct horse", scrypt_n=FAST_SCRYPT)
    raw_hex = (data_dir / "vault.key").read_text().strip()
    assert raw_hex not in wrapped.decode() and raw_hex[:32] not in wrapped.hex()
    other = tmp_path / "new-box"
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        import_key(other, wrapped, "wrong horse")
    result = import_key(other, wrapped, "correct horse")
    assert result.changed and (other / "vault.key").read_text().strip() == raw_hex
    assert (other / "vault.key").stat().st_mode & 0o777 == 0o600
    assert not import_key(other, wrapped, "correct horse").changed


def test_a_different_key_in_place_is_kept_unless_replace_is_asked(app, tmp_path):
    wrapped = export_key(app.config.data_dir, "correct horse", scrypt_n=FAST_SCRYPT)
    other = tmp_path / "other"
    other.mkdir()
    (other / "vault.key").write_text("cd" * 48 + "\n")
    with pytest.raises(KeyFileError, match="another key"):
        import_key(other, wrapped, "correct horse")
    result = import_key(other, wrapped, "correct horse", replace=True)
    assert result.replaced.read_text().strip() == "cd" * 48
    assert current_fingerprint(other) == current_fingerprint(app.config.data_dir)


def test_a_short_passphrase_is_refused(app):
    with pytest.raises(KeyFileError, match="at least 8"):
        export_key(app.config.data_dir, "1234")


def test_cli_backup_now_list_and_restore_refusing_a_corrupt_copy(app, site_file, monkeypatch):
    app.close()
    runner = CliRunner()
    made = runner.invoke(main, ["--config", str(site_file), "backup", "now", "--json"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["--config", str(site_file), "backup", "list"])
    assert listed.exit_code == 0 and "manual" in listed.output
    folder = app.config.backup_dir
    (backup,) = [p for p in folder.iterdir() if p.is_dir()]
    (backup / "bianmin.sqlite3").write_bytes(b"\0" * 8192)
    refused = runner.invoke(
        main, ["--config", str(site_file), "backup", "restore", str(backup), "--yes"]
    )
    assert refused.exit_code == 1
    assert "damaged" in refused.output and "nothing was changed" in refused.output
    monkeypatch.setenv("BIANMIN_KEY_PASSPHRASE", "a long passphrase")
    exported = runner.invoke(main, ["--config", str(site_file), "key", "export"])
    assert exported.exit_code == 0, exported.output
    assert (folder / "511502.bianmin-key").stat().st_mode & 0o777 == 0o600
    imported = runner.invoke(
        main, ["--config", str(site_file), "key", "import", str(folder / "511502.bianmin-key")]
    )
    assert imported.exit_code == 0 and "already in place" in imported.output

"""A store whose vault key is gone or wrong refuses to start, and loses nothing.

The key sealed every queued case; a new key could never read them. So a store records
which key sealed it, a missing or foreign key stops the program with one line naming
the file to put back, and sync never dead-letters a record because this device cannot
unseal it: the push waits, with the reason in the status.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from offline_sync.clock import SystemClock
from offline_sync.vault import KEY_FILE, KEY_ID_META, KeyMissing, Vault, WrongKey
from tests import security_fixtures
from tests.cases_fixtures import applicant, tiny_jpeg
from tests.conftest import bianmin, write_site
from tests.security_fixtures import PENSION, one_line

seed_platform = security_fixtures.seed_platform
hub = security_fixtures.hub


def one_line_failure(result, *words: str) -> None:
    """The command failed with exit 1 and one line of stderr naming ``words``."""
    line = one_line(result)
    for word in words:
        assert word in line, line


def populate(app) -> dict[str, int]:
    """A case with a photo, a ticket and a rating queued for the platform."""
    app.catalogue.seed_if_empty()
    case_id = app.cases.new_draft(
        PENSION,
        applicant(),
        form={"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"},
    )
    app.cases.attach(case_id, "M01", tiny_jpeg(8), "image/jpeg")
    app.cases.check_material(case_id, "M02")
    app.cases.submit(case_id)
    app.queue.take("social")
    app.feedback.rate("case", case_id, 5)
    return app.outbox.counts()


def test_a_populated_store_without_its_key_refuses_to_start_and_recovers_with_it(tmp_path, hub):
    site = write_site(tmp_path, hub.site_toml())
    config = load_config(site)
    app = build_app(config, SystemClock())
    queued = populate(app)["pending"]
    assert queued >= 3
    app.close()

    key = config.data_dir / KEY_FILE
    saved = tmp_path / "vault.key.backup"
    shutil.move(key, saved)
    with pytest.raises(KeyMissing) as refused:
        build_app(config, SystemClock())
    line = str(refused.value)
    assert "\n" not in line and str(key) in line and "put back" in line
    assert not key.exists(), "no new key is made for a store that holds sealed records"
    for command in (["case", "list"], ["sync", "--once", "--deadline", "5"], ["status"]):
        one_line_failure(bianmin(*command, site_file=site), str(key), "put back")
    assert not key.exists()

    # Another device's key (a restore from the wrong backup) is refused by its id.
    Vault.load_or_create(tmp_path / "elsewhere")
    shutil.copy(tmp_path / "elsewhere" / KEY_FILE, key)
    with pytest.raises(WrongKey, match="did not seal the store"):
        build_app(config, SystemClock())
    one_line_failure(bianmin("case", "list", site_file=site), "did not seal the store")

    shutil.copy(saved, key)
    assert bianmin("case", "list", site_file=site).exit_code == 0
    app = build_app(config, SystemClock())
    try:
        engine = app.sync.engine(app.store)
        report = engine.run_once(30)
        engine.close()
        assert report.complete, report
        counts = app.outbox.counts()
        assert counts["dead"] == 0 and counts["pending"] == 0
        assert counts["delivered"] == queued
        assert app.cases.list_cases()[0].applicant_name == "王秀英"
    finally:
        app.close()


def test_the_store_records_the_key_id_never_the_key(config, app):
    key_id = app.store.meta(KEY_ID_META)
    assert key_id == app.vault.key_id and len(key_id) == 16
    raw_key = (config.data_dir / KEY_FILE).read_text().strip()
    raw_store = b"".join(p.read_bytes() for p in config.data_dir.glob("bianmin.sqlite3*"))
    assert raw_key.encode() not in raw_store
    assert raw_key[:32].encode() not in raw_store and bytes.fromhex(raw_key)[:16] not in raw_store


def test_an_empty_store_opened_before_the_first_start_gets_a_key(config):
    """``db check`` on a new site creates the store file with no key: no false refusal."""
    checked = bianmin("db", "check", site_file=config.source)
    assert checked.exit_code == 0, checked.output
    assert not (config.data_dir / KEY_FILE).exists()
    app = build_app(config)
    try:
        assert app.store.meta(KEY_ID_META) == app.vault.key_id
    finally:
        app.close()


def test_an_older_store_that_never_recorded_its_key_is_checked_by_reading_a_record(
    config, app, clock
):
    app.queue.take("social")
    app.store.conn.execute("DELETE FROM store_meta")
    app.close()
    key = config.data_dir / KEY_FILE
    original = key.read_bytes()
    key.unlink()
    with pytest.raises(KeyMissing):
        build_app(config, clock)
    key.write_text(fresh_key_text(), encoding="ascii")
    key.chmod(0o600)
    with pytest.raises(WrongKey, match="cannot read the records"):
        build_app(config, clock)
    key.write_bytes(original)
    again = build_app(config, clock)
    try:
        assert again.store.meta(KEY_ID_META) == again.vault.key_id, "adopted once it reads"
    finally:
        again.close()


def fresh_key_text() -> str:
    """The text of a fresh, valid key file that sealed nothing here."""
    return secrets.token_bytes(48).hex() + "\n"


def test_a_record_this_device_cannot_unseal_stops_the_push_and_is_never_dead(tmp_path, hub):
    site = write_site(tmp_path, hub.site_toml())
    config = load_config(site)
    app = build_app(config, SystemClock())
    try:
        for _ in range(3):
            app.queue.take("social")
        seq, body = app.store.conn.execute("SELECT seq, body FROM outbox ORDER BY seq").fetchone()
        damaged = bytes(body[:-1]) + bytes([body[-1] ^ 1])
        with app.store.transaction() as conn:
            conn.execute("UPDATE outbox SET body = ? WHERE seq = ?", (damaged, seq))
        engine = app.sync.engine(app.store)
        report = engine.run_once(5, wait=False)
        status = engine.status()
        assert not report.complete and report.dead == 0
        assert status.dead_letters == 0 and status.pending_records == 3
        assert f"#{seq}" in status.last_error and "cannot be unsealed" in status.last_error
        assert "\n" not in status.last_error
        text = bianmin("status", site_file=site)
        assert text.exit_code == 0 and "cannot be unsealed" in text.output

        with app.store.transaction() as conn:  # the technician restores the row
            conn.execute("UPDATE outbox SET body = ? WHERE seq = ?", (body, seq))
        engine.retry_now()
        assert engine.run_once(10).complete
        assert engine.status().dead_letters == 0 and app.outbox.counts()["delivered"] == 3
        engine.close()
    finally:
        app.close()


def test_an_attachment_this_device_cannot_unseal_waits_instead_of_dying(tmp_path, hub):
    site = write_site(tmp_path, hub.site_toml())
    config = load_config(site)
    app = build_app(config, SystemClock())
    try:
        populate(app)
        (rel,) = [r[0] for r in app.store.conn.execute("SELECT path FROM outbox_attachment")]
        sealed = config.data_dir / rel
        good = sealed.read_bytes()
        sealed.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
        engine = app.sync.engine(app.store)
        report = engine.run_once(5, wait=False)
        status = engine.status()
        assert report.dead == 0 and status.dead_letters == 0
        assert "cannot be unsealed" in status.last_error and rel in status.last_error
        sealed.write_bytes(good)
        engine.retry_now()
        assert engine.run_once(15).complete
        assert engine.status().dead_letters == 0
        engine.close()
    finally:
        app.close()


def test_the_kiosk_refuses_before_its_window_opens(config, app):
    app.queue.take("social")
    app.close()
    (config.data_dir / KEY_FILE).unlink()
    result = bianmin("ui", "run", "--windowed", site_file=Path(config.source))
    one_line_failure(result, KEY_FILE, "put back")
    assert not (config.data_dir / "kivy").exists(), "no Kivy set-up for a store it cannot read"


def test_one_name_for_a_key_everywhere(config, app):
    """The key id the store records is the fingerprint of key export, backups and doctor."""
    from kiosk.app import STORE_FILE
    from kiosk.core.upkeep.doctor import DoctorContext, Status, run_checks
    from kiosk.core.upkeep.keys import current_fingerprint

    def vault_key_check():
        (result,) = run_checks(DoctorContext(config.source, STORE_FILE), ["vault_key"]).results
        return result

    assert app.store.meta(KEY_ID_META) == current_fingerprint(config.data_dir)
    app.close()
    check = vault_key_check()
    assert check.status is Status.OK and app.vault.key_id in check.detail
    (config.data_dir / KEY_FILE).write_text(fresh_key_text())
    check = vault_key_check()
    assert check.status is Status.FAIL and "sealed with key" in check.detail
    assert app.vault.key_id in check.detail and "key import" in check.fix

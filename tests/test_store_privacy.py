"""The store file: durable settings, and personal data unreadable at rest."""

from __future__ import annotations

import stat
import uuid

import pytest

from devices.idcard.idnumber import check_character
from offline_sync.outbox import OutboxError
from offline_sync.vault import KEY_FILE, Vault, VaultError


def test_every_connection_is_wal_with_full_sync(app):
    assert app.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert app.store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_key_file_is_private_and_stable(config, app):
    key_file = config.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = Vault.load_or_create(config.data_dir)
    assert again.unseal(app.vault.seal("张三")) == "张三"
    assert again.lookup_key("51152119850101001X") == app.vault.lookup_key("51152119850101001X")


def test_a_key_file_others_can_read_is_refused(config, app):
    key_file = config.data_dir / KEY_FILE
    key_file.chmod(0o644)
    with pytest.raises(VaultError, match="chmod 600"):
        Vault.load_or_create(config.data_dir)


def test_tampered_values_are_refused(app):
    sealed = bytearray(app.vault.seal("李四"))
    sealed[-1] ^= 1
    with pytest.raises(VaultError):
        app.vault.unseal(bytes(sealed))


def test_no_id_number_or_name_in_the_raw_files(config, app, clock):
    first17 = "51152119850101001"
    number = first17 + check_character(first17)
    body = {
        "item_code": "511500-0001-05",
        "applicant": {
            "name": "王秀英",
            "id_type": "resident_id",
            "id_number": number,
            "phone": "13800000000",
        },
    }
    with app.store.transaction():
        app.outbox.add("case", str(uuid.uuid4()), 1, body, clock.now().isoformat())
    assert app.outbox.body(1)["applicant"]["id_number"] == number
    raw = b"".join(p.read_bytes() for p in config.data_dir.glob("bianmin.sqlite3*"))
    for secret in (number, number[:14], "王秀英", "13800000000"):
        assert secret.encode("utf-8") not in raw
        assert secret.encode("utf-16-le") not in raw


def test_outbox_writes_must_share_the_domain_transaction(app, clock):
    with pytest.raises(OutboxError, match="transaction"):
        app.outbox.add("rating", str(uuid.uuid4()), 1, {"level": 5}, clock.now().isoformat())
    with pytest.raises(OutboxError, match="unknown record kind"), app.store.transaction():
        app.outbox.add("gossip", str(uuid.uuid4()), 1, {}, clock.now().isoformat())


def test_the_sync_nudge_follows_the_commit_and_never_a_rollback(app, clock):
    nudges = []
    app.outbox.on_queued = lambda: nudges.append(app.outbox.counts()["pending"])
    with pytest.raises(RuntimeError), app.store.transaction():
        app.outbox.add("rating", str(uuid.uuid4()), 1, {"level": 5}, clock.now().isoformat())
        raise RuntimeError("power cut before the commit")
    assert nudges == []
    with app.store.transaction():
        for level in (4, 5):
            app.outbox.add(
                "rating", str(uuid.uuid4()), 1, {"level": level}, clock.now().isoformat()
            )
        assert nudges == []
    assert nudges == [2], "one nudge per transaction, after both records are visible"

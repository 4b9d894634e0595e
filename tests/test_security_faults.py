"""Local faults are one line naming the cause and what to do, never a traceback: exit 2 for
the configuration, 1 for the rest (a damaged store, a full disk: see test_security_disk_full)."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.core.local_faults import describe_local_fault
from tests.conftest import SITE_TOML, bianmin, write_site
from tests.security_fixtures import one_line


@pytest.mark.parametrize(
    ("replace", "by", "fragments"),
    [
        (
            'data_dir = "',
            'timezone = "Asia/Chengdu"\ndata_dir = "',
            ["site.timezone", "Asia/Chengdu"],
        ),
        ('data_dir = "', 'timezone = "../../etc/passwd"\ndata_dir = "', ["site.timezone", "IANA"]),
        ("days = [1, 2, 3, 4, 5, 6, 7]", "days = [1, 2, 8]", ["hours.days", "1 (Monday) to 7"]),
        ("days = [1, 2, 3, 4, 5, 6, 7]", "days = [0, 6]", ["hours.days", "[0, 6]"]),
        ("days = [1, 2, 3, 4, 5, 6, 7]", "days = []", ["hours.days", "at least one"]),
        ("days = [1, 2, 3, 4, 5, 6, 7]", "days = [3, 3]", ["hours.days", "each once"]),
        (
            'open = "00:00"\nclose = "24:00"',
            'open = "17:30"\nclose = "08:30"',
            ["hours.open", "17:30", "08:30"],
        ),
        (
            'open = "00:00"\nclose = "24:00"',
            'open = "09:00"\nclose = "09:00"',
            ["hours.open", "before"],
        ),
    ],
)
def test_site_rules_a_technician_can_break_are_named(tmp_path, replace, by, fragments):
    path = write_site(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message
    line = one_line(bianmin("queue", "status", site_file=path), 2)
    assert line.startswith("bianmin: config: ") and fragments[0] in line


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("gb18030"),  # saved by a Chinese Windows editor
        lambda text: text.encode("utf-16"),  # "Unicode" in Notepad
        lambda text: text.encode("utf-8") + b"\n# \xff\xfe\n",
    ],
)
def test_a_config_file_that_is_not_utf8_is_named(tmp_path, encode):
    path = tmp_path / "site.toml"
    path.write_bytes(encode(SITE_TOML.format(data_dir=tmp_path / "data")))
    with pytest.raises(ConfigError, match="not UTF-8 text.*save the file as UTF-8"):
        load_config(path)
    line = one_line(bianmin("status", site_file=path), 2)
    assert str(path) in line and "UTF-8" in line


def test_the_packaged_opening_hours_still_load(tmp_path):
    """The rules hold for the defaults too (08:30-17:30, Monday to Friday)."""
    path = tmp_path / "site.toml"
    text = SITE_TOML.format(data_dir=tmp_path / "data")
    path.write_text(text.replace('open = "00:00"\nclose = "24:00"\n', ""), encoding="utf-8")
    assert load_config(path).hours.open == "08:30"


def damage(store_file, page: int) -> None:
    with open(store_file, "r+b") as fh:
        fh.seek(page * 4096 + 8)
        fh.write(b"\xff" * 3000)


@pytest.fixture
def full_store(tmp_path):
    """A store of a few hundred pages, checkpointed, its app closed."""
    site = write_site(tmp_path)
    config = load_config(site)
    from kiosk.app import build_app

    app = build_app(config)
    with app.store.transaction():
        for n in range(1500):
            app.outbox.add("rating", f"r-{n:05d}", 1, {"level": 5, "note": "x" * 100}, "2026-01-01")
    app.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app.close()
    return site, config.data_dir / "bianmin.sqlite3"


@pytest.mark.parametrize("page", [3, 120])
def test_db_check_on_a_damaged_page_is_one_line_and_exit_1(full_store, page):
    site, store_file = full_store
    damage(store_file, page)
    result = bianmin("db", "check", site_file=site)
    line = one_line(result, 1)
    assert "damaged" in line and "backup" in line
    assert "integrity_check:" in result.stdout
    assert "integrity_check: ok" not in result.stdout
    as_json = bianmin("db", "check", "--json", site_file=site)
    assert as_json.exit_code == 1 and '"ok": false' in as_json.stdout


def test_any_command_on_a_damaged_store_is_one_line(full_store):
    site, store_file = full_store
    damage(store_file, 3)
    for command in (["status"], ["queue", "status"], ["sync", "dead-letters"]):
        line = one_line(bianmin(*command, site_file=site), 1)
        assert "damaged" in line and "db check" in line


def test_a_store_that_is_not_a_store_at_all(full_store):
    site, store_file = full_store
    store_file.write_bytes(b"PK\x03\x04 a zip file copied over the store" + b"\0" * 5000)
    line = one_line(bianmin("db", "check", site_file=site), 1)
    assert str(store_file) in line and "not a database" in line


def test_local_faults_are_told_by_cause():
    full = OSError(28, "No space left on device", "/var/lib/bianmin/attachments/.x.tmp")
    assert "disk is full" in describe_local_fault(full)
    assert "read-only" in describe_local_fault(OSError(30, "Read-only file system", "/x"))
    assert "damaged" in describe_local_fault(
        sqlite3.DatabaseError("database disk image is malformed")
    )
    assert "disk is full" in describe_local_fault(
        sqlite3.OperationalError("database or disk is full")
    )
    assert describe_local_fault(ValueError("a bug")) is None

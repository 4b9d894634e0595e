"""The change feed: cursor stored with the changes, expired cursors, refused changes."""

from __future__ import annotations

import sqlite3

from kiosk.demo.platform import FIXTURE_ITEMS, ITEM
from kiosk.demo.sync_device import pulled, recording_appliers
from offline_sync.sync import read_status, rejected_changes
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import device  # noqa: F401


def test_expired_cursor_restarts_from_the_beginning_by_itself(device):  # noqa: F811
    engine = device.engine()
    assert engine.run_once(10).complete
    first = pulled(device.store)
    device.platform.service.expire_cursors()
    device.platform.service.publish_item(FIXTURE_ITEMS[0] | {"version": 2, "fee": "免费"})
    report = engine.run_once(10)
    assert report.complete and report.cursor_resets == 1
    now = pulled(device.store)
    assert now[("catalogue_item", ITEM)]["version"] == 2
    assert set(now) == set(first)  # the same things, applied again idempotently


def test_a_refused_change_is_kept_sealed_for_staff_and_the_feed_goes_on(device):  # noqa: F811
    appliers = recording_appliers()
    record_item = appliers["catalogue_item"]

    def picky(conn, data):
        if data["code"] == ITEM:
            raise ValueError("form field type unknown to this version")
        record_item(conn, data)

    appliers["catalogue_item"] = picky
    report = device.engine(appliers=appliers).run_once(10)
    assert report.complete and report.changes_rejected == 1 and report.changes_applied > 1
    assert ("catalogue_item", ITEM) not in pulled(device.store)
    assert ("catalogue_item", FIXTURE_ITEMS[1]["code"]) in pulled(device.store)
    (rejected,) = rejected_changes(device.store.conn, device.vault)
    assert rejected.type == "catalogue_item"
    assert rejected.error == "ValueError: form field type unknown to this version"
    raw = device.store.conn.execute("SELECT data, error FROM sync_rejected_change").fetchone()
    assert "测试参保登记".encode() not in raw["data"] and b"ValueError" not in raw["error"]
    assert read_status(device.store.conn).rejected_changes == 1


def test_a_page_that_cannot_be_written_leaves_neither_changes_nor_cursor(device):  # noqa: F811
    appliers = recording_appliers()

    def locked(conn, data):
        raise sqlite3.OperationalError("database is locked")

    appliers["calendar"] = locked
    report = device.engine(appliers=appliers).run_once(0.5, wait=False)
    assert not report.complete
    assert pulled(device.store) == {}
    status = read_status(device.store.conn)
    assert status.cursor is None and status.last_pull_at is None
    assert status.last_error == "the local store could not be written: database is locked"


def test_an_applier_for_a_new_type_pulls_the_feed_again(device):  # noqa: F811
    only_status = recording_appliers(("case_status",))
    assert device.engine(appliers=only_status).run_once(10).complete
    assert not any(kind == "calendar" for kind, _ in pulled(device.store))
    report = device.engine().run_once(10)
    assert report.complete
    assert any(kind == "calendar" for kind, _ in pulled(device.store))

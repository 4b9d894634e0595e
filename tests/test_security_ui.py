"""At the kiosk, a fault of the machine is one log line for the technician and a plain
sentence for the villager, never a traceback."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest

from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)


@pytest.mark.parametrize(
    "fault",
    [
        OSError(errno.ENOSPC, "No space left on device", "/var/lib/bianmin/attachments/.a.tmp"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.DatabaseError("database disk image is malformed"),
    ],
    ids=["enospc", "store-full", "store-damaged"],
)
def test_a_local_fault_at_the_kiosk_is_one_line(kiosk, caplog, fault):
    with caplog.at_level(logging.ERROR, logger="kiosk.ui.edge"):
        kiosk.app.show_problem(fault)
    (record,) = [r for r in caplog.records if r.name == "kiosk.ui.edge"]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "full" in record.getMessage() or "damaged" in record.getMessage()
    assert kiosk.shows(kiosk.app.t("common.error.generic"))

"""The kiosk's own chores: the nightly backup happens by itself, once a night, off the UI."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kiosk.app import build_app
from kiosk.core.upkeep.housekeeping import Housekeeping


def test_the_nightly_backup_runs_once_when_due(app, clock):
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # 03:00 in Sichuan, after 02:30
    assert app.housekeeping.run_due() == ["backup"]
    assert app.housekeeping.run_due() == []  # made tonight already
    backups = list(app.config.backup_dir.glob("bianmin-*"))
    assert len(backups) == 1 and (backups[0] / "bianmin.sqlite3").is_file()
    clock.advance(days=1)
    assert app.housekeeping.run_due() == ["backup"]


def test_a_failing_chore_is_logged_in_one_line_and_the_others_still_run(caplog):
    ran = []

    def broken() -> bool:
        raise OSError("No space left on device")

    chores = Housekeeping([("broken", broken), ("fine", lambda: ran.append(1) or True)])
    with caplog.at_level(logging.ERROR):
        assert chores.run_due() == ["fine"]
    assert ran == [1]
    assert [r.getMessage() for r in caplog.records] == [
        "housekeeping: broken failed: No space left on device"
    ]


def test_chores_run_on_their_own_thread_after_start_up_and_stop_with_the_services(config):
    started = threading.Event()
    services = build_app(config)
    services.housekeeping.chores = [("probe", lambda: started.set())]
    services.housekeeping.first_s = 0.0
    services.housekeeping.start()
    assert started.wait(10)
    services.close()
    assert not [t for t in threading.enumerate() if t.name == "housekeeping"]

"""A disk that fills up mid-take, mid-submission or mid-sync: one line, no leftovers, no
number lost, and everything works again once there is space.

The data directory lives on a small tmpfs mounted for the test (the suite runs as root);
a filler file takes the rest of it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import build_app
from kiosk.config import load_config
from offline_sync.clock import SystemClock
from tests import security_fixtures
from tests.cases_fixtures import applicant, tiny_jpeg
from tests.conftest import SITE_TOML, bianmin
from tests.security_fixtures import PENSION

LEFTOVER_SUFFIXES = (".tmp", ".part", ".sealed")

seed_platform = security_fixtures.seed_platform
hub = security_fixtures.hub


class SmallDisk:
    """A tmpfs of a few MiB; :meth:`fill` leaves ``room`` bytes free, :meth:`free` undoes it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler"

    def fill(self, room: int = 0) -> None:
        with open(self.filler, "ab") as fh:
            for chunk in (1 << 20, 1 << 16, 1 << 12):
                try:
                    while self._free() - chunk >= room:
                        fh.write(b"\0" * chunk)
                        fh.flush()
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
        assert self._free() <= room + 4096

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def _free(self) -> int:
        info = os.statvfs(self.root)
        return info.f_bavail * info.f_frsize


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        why = getattr(exc, "stderr", b"") or str(exc).encode()
        pytest.skip(f"cannot mount a small tmpfs here (needs root and mount): {why.decode()}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


def site_on(disk: SmallDisk, tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "site.toml"
    path.write_text(SITE_TOML.format(data_dir=disk.root / "data") + extra, encoding="utf-8")
    return path


def leftovers(data_dir: Path, named: set[str] = frozenset()) -> list[str]:
    """Temporary files, and sealed files no row names."""
    found = []
    for path in data_dir.rglob("*"):
        rel = str(path.relative_to(data_dir))
        if path.name.endswith(LEFTOVER_SUFFIXES) and rel not in named:
            found.append(rel)
    return found


def named_files(app) -> set[str]:
    conn = app.store.conn
    rows = conn.execute("SELECT path FROM case_attachment UNION SELECT path FROM outbox_attachment")
    return {r[0] for r in rows}


def test_a_take_on_a_full_disk_is_one_line_and_loses_no_number(disk, tmp_path):
    site = site_on(disk, tmp_path)
    for expected in ("A001", "A002"):
        taken = bianmin("queue", "take", "social", site_file=site)
        assert taken.exit_code == 0 and expected in taken.output
    disk.fill()
    refused = bianmin("queue", "take", "social", site_file=site)
    assert refused.exit_code == 1, refused.output
    (line,) = refused.stderr.strip().splitlines()
    assert "disk is full" in line and "Traceback" not in refused.output
    assert leftovers(disk.root / "data") == []
    disk.free()
    again = bianmin("queue", "take", "social", site_file=site)
    assert again.exit_code == 0 and "A003" in again.output, "the refused take used no number"


def test_a_running_kiosk_that_fills_its_disk_mid_take_keeps_every_number(disk, tmp_path):
    config = load_config(site_on(disk, tmp_path))
    app = build_app(config)
    try:
        disk.fill(room=64 * 1024)
        issued, failure = [], None
        for _ in range(5000):
            try:
                issued.append(app.queue.take("social").ticket_no)
            except sqlite3.OperationalError as exc:
                failure = exc
                break
        assert failure is not None and "full" in str(failure)
        assert issued == [f"A{n:03d}" for n in range(1, len(issued) + 1)]
        disk.free()
        assert app.queue.take("social").ticket_no == f"A{len(issued) + 1:03d}"
        pending = app.outbox.counts()["pending"]
        assert pending == len(issued) + 1, "every ticket's record is queued, none twice"
    finally:
        app.close()


def test_a_submission_with_attachments_on_a_full_disk_leaves_nothing_behind(disk, tmp_path):
    config = load_config(site_on(disk, tmp_path))
    app = build_app(config)
    try:
        app.catalogue.seed_if_empty()
        case_id = app.cases.new_draft(
            PENSION,
            applicant(),
            form={"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"},
        )
        first = app.cases.attach(case_id, "M01", tiny_jpeg(32, seed=1), "image/jpeg")
        disk.fill(room=16 * 1024)
        with pytest.raises(OSError) as full:
            app.cases.attach(case_id, "M01", tiny_jpeg(96, seed=2), "image/jpeg")
        assert full.value.errno == errno.ENOSPC
        assert leftovers(config.data_dir, named_files(app)) == []
        assert [a.attachment_id for a in app.cases.case(case_id).attachments] == [
            first.attachment_id
        ]
        disk.free()
        app.cases.attach(case_id, "M01", tiny_jpeg(96, seed=2), "image/jpeg")
        app.cases.check_material(case_id, "M02")
        submitted = app.cases.submit(case_id)
        assert submitted.state == "submitted" and len(submitted.attachments) == 2
        assert leftovers(config.data_dir, named_files(app)) == []
    finally:
        app.close()


def test_a_sync_that_fills_the_disk_stops_with_one_line_and_delivers_exactly_once(
    disk, tmp_path, hub
):
    site = site_on(disk, tmp_path, hub.site_toml())
    config = load_config(site)
    app = build_app(config, SystemClock())
    try:
        numbers = [app.queue.take("social").ticket_no for _ in range(5)]
        queued = app.outbox.counts()["pending"]
        disk.fill(room=48 * 1024)  # room to push, not to store the whole catalogue it pulls
        engine = app.sync.engine(app.store)
        report = engine.run_once(20, wait=False)
        engine.close()
        assert not report.complete and report.errors
        assert all("\n" not in error for error in report.errors)
        assert any("full" in error for error in report.errors), report.errors
        assert app.outbox.counts()["dead"] == 0
    finally:
        app.close()
    refused = bianmin("sync", "--once", "--deadline", "2", site_file=site)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    disk.free()
    app = build_app(config, SystemClock())
    try:
        engine = app.sync.engine(app.store)
        assert engine.run_once(30).complete
        engine.close()
        counts = app.outbox.counts()
        assert counts["delivered"] == queued and counts["dead"] == 0 and counts["pending"] == 0
        assert app.catalogue.item(PENSION).version >= 1
        held = [
            (r["kind"], r["id"], r["revision"])
            for r in hub.service.stored_records()
            if r["device_id"] == hub.device_id
        ]
        assert len(held) == queued == len(set(held)), "each record once on the platform"
        assert [app.queue.get(n).state for n in numbers] == ["waiting"] * 5
    finally:
        app.close()


def test_submissions_from_a_shell_on_a_full_disk_are_one_line_and_leave_no_file(disk, tmp_path):
    site = site_on(disk, tmp_path)
    seeded = bianmin("demo", "seed", "--cases", "2", "--attachments", "2", site_file=site)
    assert seeded.exit_code == 0, seeded.output
    disk.fill(room=96 * 1024)
    refused = bianmin("demo", "seed", "--cases", "20", "--attachments", "20", site_file=site)
    assert refused.exit_code == 1, refused.output
    (line,) = refused.stderr.strip().splitlines()
    assert "full" in line and "Traceback" not in refused.output
    disk.free()
    app = build_app(load_config(site))
    try:
        assert leftovers(disk.root / "data", named_files(app)) == []
        submitted = app.cases.counts()["submitted"]
        assert submitted >= 2 and app.outbox.counts()["pending"] == submitted
    finally:
        app.close()


def test_a_file_written_inside_a_transaction_that_rolls_back_is_removed(app, config):
    """The caller's outer transaction fails after the attachment: its file goes with it."""
    app.catalogue.seed_if_empty()
    case_id = app.cases.new_draft(PENSION, applicant(), form={"phone": "13908171234"})
    with pytest.raises(RuntimeError), app.store.transaction():
        app.cases.attach(case_id, "M01", tiny_jpeg(4), "image/jpeg")
        raise RuntimeError("the batch fails after the attachment")
    assert leftovers(config.data_dir, named_files(app)) == []
    assert app.cases.case(case_id).attachments == ()

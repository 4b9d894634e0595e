"""Retention (PIPL): a finished case's personal data leaves the device after retain_days,
attachments included; nothing waiting for the platform is purged; tickets keep no ID number."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kiosk.app import build_app, start_kiosk
from kiosk.config import load_config
from kiosk.core.cases.status import apply_case_status
from kiosk.core.flows.application_steps import receipt_for
from kiosk.core.messages import Messages
from tests import security_fixtures
from tests.cases_fixtures import applicant, id_number, tiny_jpeg
from tests.clocks import ManualClock
from tests.conftest import bianmin, write_site
from tests.security_fixtures import PENSION, PENSION_FORM

seed_platform = security_fixtures.seed_platform
hub = security_fixtures.hub


def submitted_case(app, name: str = "王秀英", seq: int = 123) -> str:
    """A submitted case with a photo, a rating with a comment and a printed receipt."""
    app.catalogue.seed_if_empty()
    case_id = app.cases.new_draft(
        PENSION, applicant(name=name, id_number=id_number(seq=seq)), form=PENSION_FORM
    )
    app.cases.attach(case_id, "M01", tiny_jpeg(4, seed=seq), "image/jpeg")
    app.cases.check_material(case_id, "M02")
    case = app.cases.submit(case_id)
    app.feedback.rate("case", case_id, 2, comment=f"{name}说窗口太慢")
    app.printer.receipt(receipt_for(case, app.config, "社会保障", Messages("zh_CN")))
    return case_id


def finish_locally(app, case_id: str, status: str, days_ago: float = 0) -> None:
    """What a pull does once the platform finished the case: records answered, status applied."""
    at = app.clock.now().timestamp() - days_ago * 86400
    with app.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'delivered' WHERE state = 'pending'")
        apply_case_status(
            conn,
            {"case_id": case_id, "step": 5, "status": status,
             "at": datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")},
            vault=app.vault,
        )  # fmt: skip


def held(app, case_id: str) -> dict[str, int]:
    """Rows that still name the case (its own, its records, its receipts, its rating comments)."""
    conn = app.store.conn
    one = lambda sql: conn.execute(sql, (case_id,)).fetchone()[0]  # noqa: E731
    return {
        "case": one("SELECT count(*) FROM case_record WHERE case_id = ?"),
        "attachments": one("SELECT count(*) FROM case_attachment WHERE case_id = ?"),
        "records": one("SELECT count(*) FROM outbox WHERE record_id = ?"),
        "receipts": one("SELECT count(*) FROM print_job WHERE ref = ?"),
        "status": one("SELECT count(*) FROM case_status_event WHERE case_id = ?"),
        "comments": one("SELECT count(comment) FROM rating WHERE target_id = ?"),
    }


def files_of(config) -> list[str]:
    folder = config.data_dir / "attachments"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_case_the_platform_completed_is_purged_after_retain_days(tmp_path, hub):
    site = write_site(tmp_path, hub.site_toml())
    config = load_config(site)
    clock = ManualClock(datetime.now(UTC))
    app = build_app(config, clock)
    try:
        case_id = submitted_case(app)
        kept = submitted_case(app, name="李大山", seq=124)  # still in progress on the platform
        engine = app.sync.engine(app.store)
        assert engine.run_once(30).complete
        for status in ("accepted", "completed"):
            hub.service.set_case_status(app.cases.case_no(case_id), status)
        hub.service.set_case_status(app.cases.case_no(kept), "accepted")
        assert engine.run_once(30).complete
        engine.close()
        assert app.cases.case(case_id).status == "completed"
        assert len(files_of(config)) == 2

        clock.advance(days=29)
        assert app.privacy.purge("kiosk").cases == 0
        clock.advance(days=2)
        purged = app.privacy.purge("kiosk")
        assert (purged.cases, purged.attachments, purged.print_jobs) == (1, 1, 1)
        assert purged.records == 2, "the case's record and its rating's"
        assert held(app, case_id) == dict.fromkeys(held(app, case_id), 0)
        assert held(app, kept)["case"] == 1 and len(files_of(config)) == 1
        assert [c.case_id for c in app.cases.list_cases()] == [kept]
        (entry,) = [e for e in app.audit.entries() if e.action == "privacy.purge"]
        assert entry.actor == "kiosk" and entry.detail["cases"] == 1
    finally:
        app.close()
    status = json.loads(bianmin("status", "--json", site_file=site).stdout)
    assert status["privacy"]["purged"]["cases"] == 1
    assert status["privacy"]["retain_days"] == 30 and status["privacy"]["last_purge_at"]
    assert "1 cases" in bianmin("status", site_file=site).stdout


@pytest.mark.parametrize(
    ("status", "purged"),
    [("rejected", True), ("withdrawn", True), ("accepted", False), ("needs_correction", False),
     ("in_progress", False), ("received", False)],
)  # fmt: skip
def test_only_finished_cases_are_purged(app, clock, status, purged):
    case_id = submitted_case(app)
    finish_locally(app, case_id, status, days_ago=40)
    assert app.privacy.purge("kiosk").cases == int(purged)
    assert held(app, case_id)["case"] == int(not purged)


def test_nothing_still_waiting_for_the_platform_is_purged(app, clock):
    case_id = submitted_case(app)
    finish_locally(app, case_id, "completed", days_ago=40)
    rating = app.feedback.rate("case", case_id, 5)  # rated after completion, not yet sent
    assert app.privacy.purge("kiosk").cases == 0
    with app.store.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'delivered' WHERE record_id = ?", (rating.rating_id,)
        )
    assert app.privacy.purge("kiosk").cases == 1


def test_an_abandoned_draft_goes_a_fresh_one_and_a_correction_stay(app, clock):
    app.catalogue.seed_if_empty()
    old = app.cases.new_draft(PENSION, applicant(), form=PENSION_FORM)
    app.cases.attach(old, "M01", tiny_jpeg(4), "image/jpeg")
    correction = submitted_case(app, seq=125)
    finish_locally(app, correction, "needs_correction", days_ago=0)
    app.cases.start_revision(correction)
    clock.advance(days=31)
    fresh = app.cases.new_draft(PENSION, applicant(id_number=id_number(seq=126)), form=PENSION_FORM)
    purged = app.privacy.purge("shell:root")
    assert (purged.cases, purged.drafts, purged.attachments) == (0, 1, 1)
    assert held(app, old)["case"] == 0
    assert held(app, fresh)["case"] == 1 and held(app, correction)["case"] == 1


def test_retain_days_comes_from_the_site_file_and_the_cli_purges_by_hand(tmp_path, clock):
    site = write_site(tmp_path, "\n[privacy]\nretain_days = 7\n")
    config = load_config(site)
    assert config.privacy.retain_days == 7
    app = build_app(config, clock)
    try:
        case_id = submitted_case(app)
        finish_locally(app, case_id, "completed", days_ago=8)
    finally:
        app.close()
    result = bianmin("privacy", "purge", "--json", site_file=site)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["purged"]["cases"] == 1 and report["retain_days"] == 7
    text = bianmin("privacy", "purge", site_file=site)
    assert text.exit_code == 0 and "purged 0 finished cases" in text.stdout


def test_the_kiosk_purges_daily_as_a_chore(tmp_path):
    config = load_config(write_site(tmp_path))
    clock = ManualClock(datetime.now(UTC))
    app = build_app(config, clock)
    case_id = submitted_case(app)
    finish_locally(app, case_id, "withdrawn", days_ago=31)
    app.close()
    services = start_kiosk(config, clock)
    try:
        assert "privacy purge" in services.housekeeping.run_due()
        assert held(services, case_id)["case"] == 0 and files_of(config) == []
        assert services.privacy.totals()["purged"]["cases"] == 1
        assert "privacy purge" not in services.housekeeping.run_due(), "once a day"
        clock.advance(days=1)
        assert "privacy purge" not in services.housekeeping.run_due(), "nothing to purge"
    finally:
        services.close()


def test_a_ticket_keeps_no_id_number(config, app, clock):
    """Priority by age is decided from the card at the take; only "priority" is kept."""
    number = id_number(born="19400105", seq=77)
    ticket = app.queue.take("social", priority="age", id_number=number)
    assert ticket.ticket_no
    raw = b"".join(p.read_bytes() for p in config.data_dir.glob("bianmin.sqlite3*"))
    bodies = [json.dumps(app.outbox.body(seq), ensure_ascii=False)
              for (seq,) in app.store.conn.execute("SELECT seq FROM outbox")]  # fmt: skip
    columns = {r[1] for r in app.store.conn.execute("PRAGMA table_info(ticket)")}
    assert not columns & {"id_number", "applicant_key", "birth_date", "name"}
    for secret in (number, number[6:14], number[:14]):
        assert secret.encode() not in raw
        assert all(secret not in body for body in bodies)


@pytest.mark.parametrize(
    "status_at",
    [None, "", "garbled", "2026-10-01T09:00:00", "2026-10-24T01:00:00+00:00"],
    ids=["missing", "empty", "garbled", "no-zone", "exactly-retain-days"],
)
def test_a_finished_case_whose_final_time_is_not_clearly_past_retention_stays(
    app, clock, status_at
):
    """No purge on a guess: a status time that is missing, unreadable or without a zone, or
    exactly retain_days (30) ago, keeps the case; one second more and it goes."""
    case_id = submitted_case(app)
    finish_locally(app, case_id, "completed", days_ago=40)
    set_status_at = "UPDATE case_record SET status_at = ? WHERE case_id = ?"
    with app.store.transaction() as conn:
        conn.execute(set_status_at, (status_at, case_id))
    assert app.privacy.purge("kiosk").cases == 0
    assert held(app, case_id)["case"] == 1
    with app.store.transaction() as conn:
        conn.execute(set_status_at, ("2026-10-24T00:59:59+00:00", case_id))
    assert app.privacy.purge("kiosk").cases == 1


def test_a_purge_of_more_than_a_thousand_cases_removes_every_one(app, clock):
    """Ids go to SQLite 500 at a time: none may fall between two batches."""
    app.catalogue.seed_if_empty()
    first = app.cases.new_draft(PENSION, applicant(), form=PENSION_FORM)
    columns = [r[1] for r in app.store.conn.execute("PRAGMA table_info(case_record)")]
    others = ", ".join(c for c in columns if c != "case_id")
    with app.store.transaction() as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
            f" INSERT INTO case_record (case_id, {others})"
            f" SELECT printf('walked-away-%04d', i), {others} FROM case_record, n"
            " WHERE case_id = ?",
            (first,),
        )
    clock.advance(days=31)
    assert app.privacy.purge("kiosk").drafts == 1001
    assert app.store.conn.execute("SELECT count(*) FROM case_record").fetchone()[0] == 0


def test_an_attachment_file_already_gone_does_not_stop_the_purge(app, config, clock):
    case_id = submitted_case(app)
    finish_locally(app, case_id, "completed", days_ago=31)
    for name in files_of(config):  # removed by hand, or by a restore of an older backup
        (config.data_dir / "attachments" / name).unlink()
    purged = app.privacy.purge("kiosk")
    assert (purged.cases, purged.attachments) == (1, 1)
    assert held(app, case_id) == dict.fromkeys(held(app, case_id), 0)


def test_the_daily_purge_runs_once_a_day_whatever_became_due_since(app, clock):
    first = submitted_case(app)
    finish_locally(app, first, "completed", days_ago=31)
    assert app.privacy.purge_if_due("kiosk").cases == 1
    second = submitted_case(app, name="李大山", seq=124)
    finish_locally(app, second, "rejected", days_ago=31)
    assert app.privacy.purge_if_due("kiosk") is None, "it ran today"
    assert held(app, second)["case"] == 1
    clock.advance(days=1)
    assert app.privacy.purge_if_due("kiosk").cases == 1
    assert app.privacy.totals()["purged"]["cases"] == 2

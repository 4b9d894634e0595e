"""A case from draft to outbox record, with attachments, bundles, status and privacy."""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from datetime import UTC, date, datetime

import pytest

from kiosk.app import start_kiosk
from kiosk.core.appliers import appliers
from kiosk.core.cases import (
    AgentNotAllowed,
    AgentRef,
    AttachmentRejected,
    AuthorizationMissing,
    MaterialsMissing,
    NotADraft,
    NotRevisable,
    applicant_from_card,
)
from kiosk.core.forms import FormInvalid
from tests.cases_fixtures import CALENDAR_2025, applicant, id_number, kit, tiny_jpeg  # noqa: F401

PENSION = "511500-0101-01"  # 城乡居民基本养老保险参保登记: phone, address, grade; M01, M02
FORM = {"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"}


def outbox_rows(kit):  # noqa: F811
    return kit.store.conn.execute("SELECT seq, kind, record_id, revision FROM outbox").fetchall()


def ready_case(kit, **kw):  # noqa: F811
    case_id = kit.cases.new_draft(PENSION, applicant(), form=FORM, **kw)
    kit.cases.check_material(case_id, "M02")
    kit.cases.attach(case_id, "M01", tiny_jpeg(), "image/jpeg")
    return case_id


def test_submit_writes_the_contract_body_in_the_same_transaction(kit):  # noqa: F811
    kit.clock.set(datetime(2026, 11, 23, 1, 12, 44, tzinfo=UTC))
    case_id = kit.cases.new_draft(PENSION, applicant(), form={"phone": "13908171234"})
    kit.cases.update_form(case_id, {"address": FORM["address"], "grade": "300元"})
    photo = tiny_jpeg()
    attachment = kit.cases.attach(case_id, "M01", photo, "image/jpeg")
    kit.cases.check_material(case_id, "M02")
    assert outbox_rows(kit) == []
    kit.clock.set(datetime(2026, 11, 23, 1, 15, 2, tzinfo=UTC))
    case = kit.cases.submit(case_id)

    [(seq, kind, record_id, revision)] = outbox_rows(kit)
    assert (kind, record_id, revision) == ("case", case_id, 1)
    body = kit.outbox.body(seq)
    assert body == {
        "item_code": PENSION,
        "item_version": 3,
        "bundle_code": None,
        "channel": "kiosk",
        "applicant": applicant(),
        "agent": None,
        "form": FORM,
        "attachments": [
            {
                "id": attachment.attachment_id,
                "material_code": "M01",
                "media_type": "image/jpeg",
                "size": len(photo),
                "sha256": hashlib.sha256(photo).hexdigest(),
            }
        ],
        "created_at": "2026-11-23T09:12:44+08:00",
        "submitted_at": "2026-11-23T09:15:02+08:00",
    }
    uuid.UUID(case_id)
    listed = kit.store.conn.execute("SELECT * FROM outbox_attachment").fetchone()
    assert (listed["attachment_id"], listed["record_id"], listed["path"]) == (
        attachment.attachment_id,
        case_id,
        attachment.path,
    )
    assert case.state == "submitted" and case.revision == 1 and case.delivery == "pending"
    assert [e.status for e in case.timeline] == ["submitted"]
    with pytest.raises(NotADraft):
        kit.cases.update_form(case_id, {"grade": "500元"})


def test_a_failure_inside_submit_leaves_neither_the_case_change_nor_the_record(kit):  # noqa: F811
    case_id = ready_case(kit)
    with kit.store.transaction() as conn:  # a revision row already there makes submit fail late
        conn.execute(
            "INSERT INTO case_revision (case_id, revision, submitted_at) VALUES (?, 1, ?)",
            (case_id, "2026-11-23T09:00:00+08:00"),
        )
    with pytest.raises(Exception, match="UNIQUE"):
        kit.cases.submit(case_id)
    assert outbox_rows(kit) == []
    assert kit.cases.case(case_id).state == "draft"
    assert kit.store.conn.execute("SELECT count(*) FROM outbox_attachment").fetchone()[0] == 0


def test_submission_checks_form_and_materials(kit):  # noqa: F811
    case_id = kit.cases.new_draft(PENSION, applicant(), form={"phone": "13908171234"})
    with pytest.raises(FormInvalid) as info:
        kit.cases.submit(case_id)
    assert info.value.fields == ["address", "grade"]
    kit.cases.update_form(case_id, FORM)
    with pytest.raises(MaterialsMissing) as missing:
        kit.cases.submit(case_id)
    assert missing.value.names == ("居民身份证", "居民户口簿")
    kit.cases.check_material(case_id, "M01")
    kit.cases.check_material(case_id, "M02")
    checklist = kit.cases.case(case_id).materials
    assert all(m.satisfied for m in checklist)
    kit.cases.submit(case_id)


def test_attachment_files_are_sealed_and_fsynced_before_their_rows(kit):  # noqa: F811
    case_id = kit.cases.new_draft(PENSION, applicant(), form=FORM)
    photo = tiny_jpeg(8, seed=3)
    attachment = kit.cases.attach(case_id, "M02", photo, "image/jpeg")
    stored = (kit.data_dir / attachment.path).read_bytes()
    assert attachment.path.startswith("attachments/") and photo[:64] not in stored
    assert kit.cases.read_attachment(attachment.attachment_id) == photo
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    with pytest.raises(AttachmentRejected):
        kit.cases.attach(case_id, "M02", b"GIF89a", "image/gif")
    with pytest.raises(AttachmentRejected):
        kit.cases.attach(case_id, "M02", b"", "image/jpeg")
    kit.cases.remove_attachment(attachment.attachment_id)
    assert not (kit.data_dir / attachment.path).exists()
    assert list((kit.data_dir / "attachments").iterdir()) == []


def test_orphan_files_from_a_crash_are_swept(kit):  # noqa: F811
    case_id = ready_case(kit)
    orphan = kit.data_dir / "attachments" / "orphan.sealed"
    orphan.write_bytes(b"left by a crash")
    assert kit.cases.sweep_orphan_files(older_than_s=-60) == 1
    assert not orphan.exists()
    assert len(kit.cases.case(case_id).attachments) == 1


def test_agent_cases_need_authorization_and_an_item_that_allows_agents(kit):  # noqa: F811
    agent = AgentRef("A-0007", "李代办")
    case_id = ready_case(kit, channel="agent", agent=agent)
    with pytest.raises(AuthorizationMissing):
        kit.cases.submit(case_id)
    with pytest.raises(AuthorizationMissing):
        kit.cases.authorize(case_id, "signature", attachment_id=str(uuid.uuid4()))
    consent = kit.cases.attach(case_id, "AUTH", tiny_jpeg(seed=9), "image/jpeg")
    kit.cases.authorize(case_id, "signature", consent.attachment_id)
    kit.cases.submit(case_id)
    [(seq, *_)] = outbox_rows(kit)
    body = kit.outbox.body(seq)
    assert body["channel"] == "agent"
    assert body["agent"]["agent_id"] == "A-0007" and body["agent"]["name"] == "李代办"
    assert body["agent"]["authorization"]["method"] == "signature"
    assert body["agent"]["authorization"]["attachment_id"] == consent.attachment_id
    with pytest.raises(AgentNotAllowed):  # 出生登记 must be done by a parent in person
        kit.cases.new_draft("511500-0501-01", applicant(), channel="agent", agent=agent)


@pytest.mark.parametrize(
    ("kind", "id_type"),
    [
        ("resident", "resident_id"),
        ("J", "hk_mo_tw_residence"),
        ("I", "foreign_permanent"),
        ("Y", "foreign_permanent"),
    ],
)
def test_applicant_from_each_kind_of_card_the_reader_reads(kit, kind, id_type):  # noqa: F811
    from devices.idcard import load_cards
    from kiosk.resources import data_path

    cards = load_cards(data_path("assets") / "sim" / "cards.toml")  # the simulator's samples
    card = next(c for c in cards if c.kind.value == kind)
    person = applicant_from_card(card, phone="13808176543")
    assert person.id_type == id_type and person.from_card
    case_id = kit.cases.new_draft(PENSION, person)
    stored = kit.cases.case(case_id).applicant
    assert stored["id_type"] == id_type
    assert stored["id_number"] == card.id_number and stored["name"] == card.name
    assert stored["address"] == card.address and stored["phone"] == "13808176543"


def test_status_timeline_case_no_and_promised_date(kit):  # noqa: F811
    kit.clock.set(datetime(2025, 9, 30, 2, 0, tzinfo=UTC))
    with kit.store.transaction() as conn:
        appliers(kit.vault)["calendar"](conn, CALENDAR_2025)
    case_id = kit.cases.new_draft("511500-0301-04", applicant(), form={  # 高龄津贴: 10 days
        "phone": "13908171234", "address": FORM["address"], "bank_account": "6228480000000000000"})  # fmt: skip
    for code in ("M01", "M02", "M04"):
        kit.cases.check_material(case_id, code)
    case = kit.cases.submit(case_id)
    assert case.promised_date == date(2025, 10, 21)
    assert kit.cases.case_no(case_id) is None
    kit.store.conn.execute(
        "UPDATE outbox SET state = 'delivered', result = ? WHERE record_id = ?",
        (
            json.dumps({"id": case_id, "revision": 1, "status": "stored", "case_no": "SC2025-001"}),
            case_id,
        ),
    )
    assert kit.cases.case_no(case_id) == "SC2025-001"
    assert kit.cases.find("SC2025-001").case_id == case_id == kit.cases.find(case_id).case_id

    def status(step, name, at, **extra):
        change = {"case_id": case_id, "case_no": "SC2025-001", "step": step, "status": name,
                  "reason": None, "result": None, "at": at, **extra}  # fmt: skip
        with kit.store.transaction() as conn:
            appliers(kit.vault)["case_status"](conn, change)

    status(1, "received", "2025-09-30T10:05:00+08:00")
    status(3, "in_progress", "2025-10-09T09:00:00+08:00")
    status(2, "accepted", "2025-10-09T08:00:00+08:00")  # older step after a newer one: ignored
    status(3, "completed", "2025-10-10T09:00:00+08:00")  # same step again: ignored
    status(4, "completed", "2025-10-10T09:00:00+08:00", result={"note": "已发放"})
    status(4, "completed", "2025-10-10T09:00:00+08:00")  # replayed feed
    case = kit.cases.case(case_id)
    assert [(e.status, e.step) for e in case.timeline] == [
        ("submitted", None),
        ("received", 1),
        ("in_progress", 3),
        ("completed", 4),
    ]
    assert case.status == "completed" and case.case_no == "SC2025-001"
    assert case.timeline[-1].result == {"note": "已发放"}
    with pytest.raises(NotRevisable):
        kit.cases.start_revision(case_id)


def test_a_correction_is_a_new_revision_of_the_same_case(kit):  # noqa: F811
    case_id = ready_case(kit)
    kit.cases.submit(case_id)
    with kit.store.transaction() as conn:
        appliers(kit.vault)["case_status"](conn, {"case_id": case_id, "case_no": "N1", "step": 1,
            "status": "needs_correction", "reason": "户口簿照片不清晰", "result": None,
            "at": "2026-11-24T10:00:00+08:00"})  # fmt: skip
    kit.cases.start_revision(case_id)
    kit.cases.attach(case_id, "M02", tiny_jpeg(seed=5), "image/jpeg")
    case = kit.cases.submit(case_id)
    assert case.revision == 2
    assert [r["revision"] for r in outbox_rows(kit)] == [1, 2]
    body = kit.outbox.body(outbox_rows(kit)[1]["seq"])
    assert [a["material_code"] for a in body["attachments"]] == ["M01", "M02"]
    assert kit.store.conn.execute("SELECT count(*) FROM outbox_attachment").fetchone()[0] == 2


def test_a_bundle_becomes_one_case_per_item_with_materials_asked_once(kit):  # noqa: F811
    app = kit.cases.start_bundle("511500-9003-01", applicant(), form={"phone": "13908171234"})
    assert len(app.case_ids) == 3
    kit.cases.update_bundle_form(app.bundle_id, {
        "deceased_name": "王德明", "deceased_id_number": id_number(born="19370405", seq=51),
        "death_date": "2026-11-20", "relation": "子女", "bank_account": "6228480000000000000"})  # fmt: skip
    materials = {m.name: m for m in app.bundle.materials}
    id_card = materials["居民身份证"]
    attachments = kit.cases.attach_to_bundle(app.bundle_id, id_card, tiny_jpeg(), "image/jpeg")
    assert len(attachments) == len(id_card.used_by) == 3
    assert len({a.attachment_id for a in attachments}) == 3
    for material in app.bundle.materials:
        kit.cases.check_bundle_material(app.bundle_id, material)
    cases = kit.cases.submit_bundle(app.bundle_id)
    assert {c.item_code for c in cases} == set(app.bundle.item.bundle_items)
    bodies = [kit.outbox.body(r["seq"]) for r in outbox_rows(kit)]
    assert len(bodies) == 3 and {b["bundle_code"] for b in bodies} == {"511500-9003-01"}
    death = next(b for b in bodies if b["item_code"] == "511500-0501-02")
    assert set(death["form"]) == {"deceased_name", "deceased_id_number", "death_date", "phone"}


def test_a_bundle_is_submitted_all_or_nothing(kit):  # noqa: F811
    app = kit.cases.start_bundle("511500-9001-01", applicant())
    with pytest.raises(FormInvalid):
        kit.cases.submit_bundle(app.bundle_id)
    assert outbox_rows(kit) == []
    assert kit.cases.counts() == {"draft": 3, "submitted": 0}


def test_personal_data_is_not_in_the_database_file_and_found_by_lookup(kit):  # noqa: F811
    person = applicant(name="罗桂芳", id_number=id_number(seq=888), phone="13551234567")
    case_id = kit.cases.new_draft(PENSION, person, form=FORM)
    kit.cases.check_material(case_id, "M01")
    kit.cases.check_material(case_id, "M02")
    kit.cases.submit(case_id)
    kit.feedback.report_unsolved("低保申请不知道找谁", contact_phone="13551234567")
    raw = b"".join(
        p.read_bytes() for p in kit.data_dir.iterdir() if p.name.startswith("bianmin.sqlite3")
    )
    for secret in (person["id_number"], person["name"], person["phone"], FORM["address"]):
        assert secret.encode() not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
    found = kit.cases.cases_of_person(person["id_number"].lower())
    assert [c.case_id for c in found] == [case_id] and found[0].applicant_name == "罗桂芳"
    assert kit.cases.cases_of_person(id_number(seq=889)) == []


def test_a_kiosk_start_sweeps_hour_old_orphans_and_keeps_fresh_ones(config):
    folder = config.data_dir / "attachments"
    folder.mkdir(parents=True)
    old, fresh = folder / "old.sealed", folder / "fresh.sealed"
    old.write_bytes(b"left by a power cut yesterday")
    fresh.write_bytes(b"another process is about to commit its row")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    services = start_kiosk(config)
    try:
        assert not old.exists() and fresh.exists()
        assert not services.sync.configured
    finally:
        services.close()

"""Per-record results as the contract says: dead letters that never block, missing attachments."""

from __future__ import annotations

import random
import uuid

from kiosk.demo.platform import case_body, record
from kiosk.demo.sync_device import synthetic_case
from offline_sync.outbox import Outbox
from offline_sync.sync import dead_letters, read_status
from tests.platform_fixtures import platform_server  # noqa: F401
from tests.sync_fixtures import device  # noqa: F401

NOW = "2026-11-23T01:15:02+00:00"


def _queue(dev, kind: str, body: dict, record_id: str | None = None, revision: int = 1) -> str:
    record_id = record_id or str(uuid.uuid4())
    with dev.store.transaction():
        Outbox(dev.store, dev.vault).add(kind, record_id, revision, body, NOW)
    return record_id


def test_conflict_and_invalid_become_dead_letters_and_the_rest_is_delivered(device):  # noqa: F811
    rng = random.Random(1)
    first = _queue(device, "case", synthetic_case(rng))
    bad = synthetic_case(rng)
    bad["applicant"]["id_number"] = bad["applicant"]["id_number"][:17] + (
        "0" if bad["applicant"]["id_number"][17] != "0" else "1"
    )
    invalid = _queue(device, "case", bad)
    clash = str(uuid.uuid4())
    with device.platform.client() as client:  # the platform already holds another body
        client.push([record("case", synthetic_case(rng), clash)])
    conflict = _queue(device, "case", synthetic_case(rng), clash)
    last = _queue(
        device,
        "rating",
        {
            "target": {"type": "case", "id": first},
            "level": 1,
            "reasons": [],
            "comment": "等太久",
            "rated_at": NOW,
        },
    )
    report = device.engine().run_once(10)
    assert report.complete and report.dead == 2 and report.delivered == 2
    letters = {d.record_id: d for d in dead_letters(device.store.conn)}
    assert set(letters) == {invalid, conflict}
    assert letters[invalid].error.startswith("invalid: applicant.id_number")
    assert "applicant.id_number" in letters[invalid].error
    assert letters[conflict].error.startswith("conflict: body_differs")
    assert letters[conflict].result["status"] == "conflict"
    stored = {r["id"] for r in device.platform.service.stored_records()}
    assert {first, last} <= stored and invalid not in stored
    status = read_status(device.store.conn)
    assert (status.pending_records, status.dead_letters) == (0, 2)
    # a dead letter is never sent again
    assert device.engine().run_once(5).delivered == 0


def test_case_no_is_kept_with_the_delivered_record(device):  # noqa: F811
    case_id = _queue(device, "case", case_body())
    device.engine().run_once(10)
    row = device.store.conn.execute(
        "SELECT state, result FROM outbox WHERE record_id = ?", (case_id,)
    ).fetchone()
    case = device.platform.service.case(case_id)
    assert row["state"] == "delivered"
    assert f'"case_no":"{case["case_no"]}"' in row["result"]


def test_missing_attachments_are_uploaded_and_the_case_resent(device):  # noqa: F811
    queued = device.queue(random.Random(2), cases=2, attachments=1, attachment_bytes=3000)
    (att_id,) = queued.attachments
    # the device believes the platform has the file, the platform does not
    device.store.conn.execute("UPDATE outbox_attachment SET uploaded_at = ?", (NOW,))
    report = device.engine().run_once(10)
    assert report.complete and report.resent == 1 and report.attachments_uploaded == 1
    assert device.platform.service.attachment_data(att_id) == queued.attachments[att_id]
    assert device.platform.service.counts()["records"] == 2


def test_a_damaged_attachment_file_kills_only_its_case(device):  # noqa: F811
    queued = device.queue(random.Random(3), cases=6, attachments=2, attachment_bytes=3000)
    broken, fine = list(queued.attachments)
    (device.data_dir / f"attachments/{broken}.sealed").unlink()
    report = device.engine().run_once(10)
    assert report.complete and report.delivered == 5 and report.dead == 1
    (letter,) = dead_letters(device.store.conn)
    assert f"attachment {broken} cannot be sent" in letter.error
    assert "cannot read the file" in letter.error
    assert device.platform.service.attachment_data(fine) == queued.attachments[fine]


def test_a_later_revision_never_overtakes_an_earlier_one(device):  # noqa: F811
    queued = device.queue(random.Random(4), cases=1, attachments=1, attachment_bytes=3000)
    ((kind, case_id, _rev), first) = next(iter(queued.records.items()))
    # revision 1 will come back missing_attachments: the device wrongly believes it uploaded
    device.store.conn.execute("UPDATE outbox_attachment SET uploaded_at = ?", (NOW,))
    second = first | {"attachments": [], "form": first["form"] | {"grade": "300元"}}
    _queue(device, kind, second, case_id, revision=2)
    report = device.engine().run_once(10)
    assert report.complete and report.dead == 0 and report.resent == 1
    held = {(r["id"], r["revision"]): r["body"] for r in device.platform.service.stored_records()}
    assert held == {(case_id, 1): first, (case_id, 2): second}
    assert device.platform.service.case(case_id)["revision"] == 2

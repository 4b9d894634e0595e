"""Pushing records over real HTTP: stored, duplicate, conflict, invalid,
missing_attachments, case numbers, gzip both ways and the size limits."""

from __future__ import annotations

import copy
import gzip
import json
import re
import uuid

import pytest

from kiosk.demo.platform import (
    AGENT_ID,
    BUNDLE,
    NO_AGENT_ITEM,
    attachment,
    case_body,
    record,
    resident_id,
)
from offline_sync.client import TooLarge
from tests import platform_fixtures

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform

RATING = {
    "target": {"type": "ticket", "id": "7d4c7a39-2d8e-4b43-a3a5-7f0c1f6c2b10"},
    "level": 5,
    "reasons": [],
    "comment": None,
    "rated_at": "2026-11-23T09:20:00+08:00",
}
REPORT = {
    "description": "想办残疾证换领，村里办不了",
    "item_code": None,
    "contact_phone": "13900000000",
    "reported_at": "2026-11-23T09:21:00+08:00",
}
TICKET_EVENT = {
    "ticket_id": "4c0f6f3e-3a55-4a1a-9d43-2a2b7f1f3e01",
    "ticket_no": "A012",
    "service_code": "social",
    "event": "issued",
    "at": "2026-11-23T09:00:00+08:00",
    "counter": None,
    "priority": False,
}
AGENT = {
    "agent_id": AGENT_ID,
    "name": "李代办",
    "authorization": {
        "method": "id_card_present",
        "signed_at": "2026-11-23T09:10:00+08:00",
        "attachment_id": None,
    },
}


def test_each_kind_is_stored_then_comes_back_duplicate(platform):
    records = [
        record("case", case_body()),
        record("rating", RATING),
        record("unsolved_report", REPORT),
        record("ticket_event", TICKET_EVENT),
    ]
    with platform.client() as client:
        first = client.push(records)
        again = client.push(records)
    assert [r["status"] for r in first] == ["stored"] * 4
    assert [r["status"] for r in again] == ["duplicate"] * 4
    assert [(r["id"], r["revision"]) for r in first] == [(r["id"], 1) for r in records]
    assert re.fullmatch(r"511502-\d{8}-\d{6}", first[0]["case_no"])
    assert again[0]["case_no"] == first[0]["case_no"]
    assert all("case_no" not in r for r in first[1:])
    stored = {r["id"] for r in platform.service.stored_records()}
    assert {r["id"] for r in records} <= stored


def test_duplicate_compares_canonical_bodies_not_bytes(platform):
    rec = record("rating", RATING)
    assert platform.client().push([rec])[0]["status"] == "stored"
    reordered = {"records": [{**rec, "body": dict(reversed(list(RATING.items())))}]}
    text = json.dumps(reordered, indent=3, ensure_ascii=True).encode()
    response = platform.signed(
        "POST", "/api/v1/records", text, {"Content-Type": "application/json"}
    )
    assert response.json()["results"][0]["status"] == "duplicate"


def test_each_new_case_gets_its_own_number(platform):
    with platform.client() as client:
        results = client.push([record("case", case_body()) for _ in range(3)])
    numbers = [r["case_no"] for r in results]
    filed = [platform.service.case(n) for n in numbers]
    # each number leads to the case it was given for (the table's UNIQUE already keeps them apart)
    assert [c["case_id"] for c in filed] == [r["id"] for r in results]
    assert [c["status"] for c in filed] == ["received"] * 3


def test_same_revision_with_another_body_is_a_conflict(platform):
    rec = record("case", case_body())
    changed = copy.deepcopy(rec)
    changed["body"]["form"]["grade"] = "300元"
    with platform.client() as client:
        client.push([rec])
        (result,) = client.push([changed])
    assert result["status"] == "conflict" and result["error"]["code"] == "body_differs"
    assert "case_no" not in result


def test_a_revision_not_newer_than_the_stored_one_is_a_conflict(platform):
    rec = record("rating", RATING, revision=2)
    older = record("rating", RATING | {"level": 4}, record_id=rec["id"], revision=1)
    with platform.client() as client:
        assert client.push([rec])[0]["status"] == "stored"
        (result,) = client.push([older])
    assert result["status"] == "conflict" and result["error"]["code"] == "revision_not_newer"


def test_a_case_takes_new_revisions_only_while_received_or_needs_correction(platform):
    service = platform.service
    rec = record("case", case_body())
    with platform.client() as client:
        case_no = client.push([rec])[0]["case_no"]
        service.set_case_status(case_no, "needs_correction", reason="户口簿页不清晰，请重新拍照")
        second = record(
            "case", case_body(form={"phone": "13800000000", "grade": "300元"}), rec["id"], 2
        )
        (result,) = client.push([second])
        assert result["status"] == "stored" and result["case_no"] == case_no
        assert service.case(case_no)["status"] == "received"
        assert service.case(case_no)["revision"] == 2
        service.set_case_status(case_no, "accepted")
        third = record(
            "case", case_body(form={"phone": "13800000000", "grade": "200元"}), rec["id"], 3
        )
        (result,) = client.push([third])
    assert result["status"] == "conflict" and result["error"]["code"] == "case_closed"
    assert service.case(case_no)["revision"] == 2


def _bad_case(path: str, value):
    body = case_body()
    target = body
    *parents, last = path.split(".")
    for key in parents:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return body


_DELETE = object()
BAD_ID = resident_id()[:-1] + ("0" if resident_id()[-1] != "0" else "1")

INVALID_CASES = [
    ("applicant.id_number", BAD_ID, "applicant.id_number"),
    ("applicant.id_type", "passport", "applicant.id_type"),
    ("applicant.name", "", "applicant.name"),
    ("applicant.phone", "12345", "applicant.phone"),
    ("item_code", "511500-0000-00", "item_code"),
    ("item_version", 0, "item_version"),
    ("channel", "web", "channel"),
    ("agent", AGENT, "agent"),
    ("form.grade", _DELETE, "form.grade"),
    ("form.grade", "999元", "form.grade"),
    ("form.start", "23/11/2026", "form.start"),
    ("form.members", "three", "form.members"),
    ("form.spouse_id", BAD_ID, "form.spouse_id"),
    ("form.unknown", "x", "form.unknown"),
    ("submitted_at", "2026-11-23 09:15", "submitted_at"),
    ("created_at", "2026-11-23T09:15:02", "created_at"),
    ("bundle_code", NO_AGENT_ITEM, "bundle_code"),
]


@pytest.mark.parametrize(
    ("path", "value", "field"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES]
)
def test_invalid_cases_name_the_field(platform, path, value, field):
    rec = record("case", _bad_case(path, value))
    with platform.client() as client:
        (result,) = client.push([rec])
    assert result["status"] == "invalid"
    assert result["error"]["field"] == field
    assert result["error"]["message"].startswith(field)
    assert platform.service.case(rec["id"]) is None


def test_bad_attachment_entries_name_the_field(platform):
    good = attachment(b"jpeg")
    for key, value in [
        ("sha256", "ABC"),
        ("size", -1),
        ("material_code", "M99"),
        ("id", "not-a-uuid"),
    ]:
        rec = record("case", case_body(attachments=[good | {key: value}]))
        (result,) = platform.client().push([rec])
        assert result["status"] == "invalid"
        assert result["error"]["field"] == f"attachments[0].{key}"


def test_agent_cases(platform):
    with platform.client() as client:
        ok = record("case", case_body(channel="agent", agent=AGENT))
        assert client.push([ok])[0]["status"] == "stored"
        stranger = AGENT | {"agent_id": "A-000"}
        (unknown,) = client.push([record("case", case_body(channel="agent", agent=stranger))])
        assert unknown["error"]["field"] == "agent.agent_id"
        signed = AGENT | {"authorization": AGENT["authorization"] | {"method": "signature"}}
        (no_consent,) = client.push([record("case", case_body(channel="agent", agent=signed))])
        assert no_consent["error"]["field"] == "agent.authorization.attachment_id"
        (not_allowed,) = client.push(
            [record("case", case_body(NO_AGENT_ITEM, channel="agent", agent=AGENT))]
        )
        assert not_allowed["error"]["field"] == "channel"


def test_a_bundle_case_may_carry_materials_of_its_sibling_items(platform):
    sibling_material = attachment(b"application form", material_code="M03")
    body = case_body(bundle_code=BUNDLE, attachments=[sibling_material])
    (result,) = platform.client().push([record("case", body)])
    assert result == {
        "id": result["id"],
        "revision": 1,
        "status": "missing_attachments",
        "missing": [sibling_material["id"]],
    }


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("rating", RATING | {"level": 1}, "reasons"),
        ("rating", RATING | {"level": 2, "comment": "  "}, "reasons"),
        ("rating", RATING | {"level": 6}, "level"),
        ("rating", RATING | {"target": {"type": "shop", "id": str(uuid.uuid4())}}, "target.type"),
        ("unsolved_report", REPORT | {"description": ""}, "description"),
        ("unsolved_report", REPORT | {"reported_at": None}, "reported_at"),
        ("ticket_event", TICKET_EVENT | {"event": "lost"}, "event"),
        ("ticket_event", TICKET_EVENT | {"priority": "no"}, "priority"),
    ],
)
def test_invalid_other_kinds_name_the_field(platform, kind, body, field):
    (result,) = platform.client().push([record(kind, body)])
    assert result["status"] == "invalid" and result["error"]["field"] == field


def test_a_low_rating_with_a_reason_or_comment_is_fine(platform):
    with platform.client() as client:
        results = client.push(
            [
                record("rating", RATING | {"level": 1, "reasons": ["slow"]}),
                record("rating", RATING | {"level": 2, "comment": "等了很久"}),
            ]
        )
    assert [r["status"] for r in results] == ["stored", "stored"]


@pytest.mark.parametrize(
    ("rec", "field"),
    [
        ({"kind": "photo", "id": str(uuid.uuid4()), "revision": 1, "body": {}}, "kind"),
        ({"kind": "rating", "id": str(uuid.uuid4()).upper(), "revision": 1, "body": RATING}, "id"),
        ({"kind": "rating", "id": str(uuid.uuid4()), "revision": 0, "body": RATING}, "revision"),
        ({"kind": "rating", "id": str(uuid.uuid4()), "revision": 1, "body": []}, "body"),
    ],
)
def test_bad_envelopes_are_invalid(platform, rec, field):
    (result,) = platform.client().push([rec])
    assert result["status"] == "invalid" and result["error"]["field"] == field
    assert result["id"] == rec["id"]


def test_missing_attachments_stores_nothing_until_every_byte_is_there(platform):
    photo, scan = b"\xff\xd8photo" * 100, b"\xff\xd8scan" * 100
    first, second = attachment(photo), attachment(scan, material_code="M02")
    rec = record("case", case_body(attachments=[first, second]))
    with platform.client() as client:
        (result,) = client.push([rec])
        assert result["status"] == "missing_attachments"
        assert result["missing"] == [first["id"], second["id"]]
        client.upload(first["id"], rec["id"], photo, first["sha256"], "image/jpeg")
        assert client.push([rec])[0]["missing"] == [second["id"]]
        assert platform.service.case(rec["id"]) is None
        client.upload(second["id"], rec["id"], scan, second["sha256"], "image/jpeg")
        (result,) = client.push([rec])
    assert result["status"] == "stored"
    assert platform.service.attachment_data(second["id"]) == scan


def test_an_upload_with_another_digest_does_not_satisfy_the_case(platform):
    data = b"the real photo"
    entry = attachment(data)
    rec = record("case", case_body(attachments=[entry | {"sha256": "0" * 64}]))
    with platform.client() as client:
        client.upload(entry["id"], rec["id"], data, entry["sha256"], "image/jpeg")
        (result,) = client.push([rec])
    assert result["status"] == "missing_attachments"


def test_a_batch_is_stored_record_by_record(platform):
    batch = [
        record("rating", RATING),
        record("rating", RATING | {"level": 9}),
        record("unsolved_report", REPORT),
    ]
    with platform.client() as client:
        results = client.push(batch)
    assert [r["status"] for r in results] == ["stored", "invalid", "stored"]
    assert [r["id"] for r in results] == [r["id"] for r in batch]


def test_gzip_both_ways_and_plain_requests(platform):
    body = json.dumps({"records": [record("rating", RATING)]}).encode()
    plain = platform.signed("POST", "/api/v1/records", body)
    assert plain.json()["results"][0]["status"] == "stored"
    zipped = gzip.compress(body)
    response = platform.signed(
        "POST", "/api/v1/records", zipped, {"Content-Encoding": "gzip", "Accept-Encoding": "gzip"}
    )
    assert response.json()["results"][0]["status"] == "duplicate"
    feed = platform.signed("GET", "/api/v1/changes?limit=50", headers={"Accept-Encoding": "gzip"})
    assert feed.headers["Content-Encoding"] == "gzip"
    assert feed.json()["changes"]
    identity = platform.signed(
        "GET", "/api/v1/changes?limit=50", headers={"Accept-Encoding": "identity"}
    )
    assert "Content-Encoding" not in identity.headers


def test_a_corrupt_gzip_body_is_a_bad_request(platform):
    response = platform.signed(
        "POST", "/api/v1/records", b"\x1f\x8b not gzip", {"Content-Encoding": "gzip"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_more_than_500_records_is_too_large(platform):
    with platform.client() as client, pytest.raises(TooLarge):
        client.push([record("rating", RATING) for _ in range(501)])


def test_more_than_4_mib_before_compression_is_too_large(platform):
    padding = "好" * (1_500_000)  # 4.5 MB of UTF-8, compresses to almost nothing
    big = record("unsolved_report", REPORT | {"description": padding})
    with platform.client() as client:
        with pytest.raises(TooLarge):
            client.push([big])
        just_under = record("unsolved_report", REPORT | {"description": "好" * 1_300_000})
        assert client.push([just_under])[0]["status"] == "stored"
    raw = json.dumps({"records": [big]}, ensure_ascii=False).encode()
    response = platform.signed("POST", "/api/v1/records", raw)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_nan_is_not_json(platform):
    body = b'{"records":[{"kind":"rating","id":"x","revision":1,"body":{"level":NaN}}]}'
    response = platform.signed("POST", "/api/v1/records", body)
    assert response.status_code == 400 and "NaN" in response.json()["error"]["message"]

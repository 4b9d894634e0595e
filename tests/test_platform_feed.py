"""The change feed over real HTTP: what a device gets from the beginning, paging with
cursors, cursor_expired, case status steps moved by staff, and catalogue updates."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest

from kiosk.demo.platform import AGENT_ID, AGENT_PIN, FIXTURE_ITEMS, ITEM, case_body, record
from offline_sync.client import CursorExpired, PlatformError
from offline_sync.platform_server import StaffError
from tests import platform_fixtures

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform
platform_server = platform_fixtures.platform_server


def _pull_all(client, cursor=None, limit=200):
    changes, pages = [], 0
    while True:
        page = client.changes(cursor, limit)
        changes += page.changes
        cursor, pages = page.cursor, pages + 1
        if not page.has_more:
            return changes, cursor, pages


def test_from_the_beginning_a_device_gets_catalogue_agents_calendars_and_notices(platform):
    platform.service.add_notice(
        "春节放假通知",
        "2月15日至23日暂停窗口服务",
        "2026-02-01T00:00:00+08:00",
        "2026-02-24T00:00:00+08:00",
    )
    with platform.client() as client:
        changes, _, _ = _pull_all(client)
    by_type: dict[str, list] = {}
    for change in changes:
        by_type.setdefault(change["type"], []).append(change["data"])
    assert sorted(i["code"] for i in by_type["catalogue_item"]) == sorted(
        i["code"] for i in FIXTURE_ITEMS
    )
    calendars = {c["year"]: c for c in by_type["calendar"]}
    assert set(calendars) == {2026, 2027}
    assert (
        "2026-10-01" in calendars[2026]["holidays"] and "2026-02-17" in calendars[2026]["holidays"]
    )
    assert (
        "2026-10-10" in calendars[2026]["workdays"] and "2026-02-14" in calendars[2026]["workdays"]
    )
    assert all(
        date.fromisoformat(d).weekday() >= 5 for c in calendars.values() for d in c["workdays"]
    )
    (agent,) = [a for a in by_type["agent_account"] if a["agent_id"] == AGENT_ID]
    pin = agent["pin"]
    assert pin["scheme"] == "scrypt" and agent["active"] is True
    derived = hashlib.scrypt(
        AGENT_PIN.encode(),
        salt=base64.b64decode(pin["salt"]),
        n=pin["n"],
        r=pin["r"],
        p=pin["p"],
        dklen=32,
    )
    assert base64.b64encode(derived).decode() == pin["hash"]
    assert "1234" not in str(agent)
    assert any(n["title"] == "春节放假通知" for n in by_type["notice"])
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_paging_gives_the_same_changes_as_one_page(platform):
    with platform.client() as client:
        whole, cursor, pages = _pull_all(client, limit=500)
        paged, paged_cursor, many = _pull_all(client, limit=2)
        assert pages == 1 and many >= 3
        assert paged == whole
        assert client.changes(cursor, 10).changes == []
        assert client.changes(paged_cursor, 10).has_more is False


def test_limit_is_at_most_500_and_must_be_a_positive_number(platform):
    with platform.client() as client:
        assert len(client.changes(None, 100000).changes) <= 500
        with pytest.raises(PlatformError) as caught:
            client.changes(None, 0)
    assert (caught.value.status, caught.value.code) == (400, "bad_request")


def test_expired_and_unknown_cursors_are_410(platform):
    with platform.client() as client:
        _, cursor, _ = _pull_all(client)
        with pytest.raises(CursorExpired):
            client.changes("garbage!", 10)
        platform.service.expire_cursors()
        with pytest.raises(CursorExpired):
            client.changes(cursor, 10)
        again, _, _ = _pull_all(client)
    assert again


def test_case_status_steps_reach_only_the_submitting_device(platform, shared_platform):
    service = platform.service
    rec = record("case", case_body())
    with platform.client() as client:
        _, cursor, _ = _pull_all(client)
        case_no = client.push([rec])[0]["case_no"]
        service.set_case_status(case_no, "accepted")
        service.set_case_status(case_no, "accepted")  # again: nothing new
        service.set_case_status(case_no, "in_progress")
        service.set_case_status(case_no, "completed", result={"certificate_no": "川社保2026-0001"})
        changes, cursor, _ = _pull_all(client, cursor)
    steps = [c["data"] for c in changes if c["type"] == "case_status"]
    assert [(s["step"], s["status"]) for s in steps] == [
        (1, "received"),
        (2, "accepted"),
        (3, "in_progress"),
        (4, "completed"),
    ]
    assert {s["case_id"] for s in steps} == {rec["id"]} and {s["case_no"] for s in steps} == {
        case_no
    }
    assert steps[-1]["result"] == {"certificate_no": "川社保2026-0001"}
    assert all(s["at"].endswith("Z") for s in steps)
    with shared_platform.client() as other:
        theirs, _, _ = _pull_all(other)
    assert not [
        c for c in theirs if c["type"] == "case_status" and c["data"]["case_id"] == rec["id"]
    ]


def test_staff_cannot_skip_rules(platform):
    service = platform.service
    with platform.client() as client:
        case_no = client.push([record("case", case_body())])[0]["case_no"]
    with pytest.raises(StaffError, match="needs a reason"):
        service.set_case_status(case_no, "rejected")
    with pytest.raises(StaffError, match="can move to"):
        service.set_case_status(case_no, "completed")
    service.set_case_status(case_no, "withdrawn")
    with pytest.raises(StaffError, match="closed"):
        service.set_case_status(case_no, "accepted")
    with pytest.raises(StaffError, match="no such case"):
        service.set_case_status("511502-20260101-999999", "accepted")
    assert service.case(case_no)["step"] == 2


def test_a_new_item_version_replaces_the_old_one_in_the_feed(platform_server):
    service = platform_server.service
    with platform_server.client() as client:
        _, cursor, _ = _pull_all(client)
        newer = {**FIXTURE_ITEMS[0], "version": 2, "promised_days": 3}
        assert service.publish_item(newer) is True
        assert service.publish_item(newer) is False
        assert service.publish_item(FIXTURE_ITEMS[0]) is False
        service.remove_item(FIXTURE_ITEMS[1]["code"])
        update, _, _ = _pull_all(client, cursor)
        fresh, _, _ = _pull_all(client)
    assert [(c["type"], c["data"].get("version")) for c in update] == [
        ("catalogue_item", 2),
        ("catalogue_item_removed", None),
    ]
    items = {c["data"]["code"]: c for c in fresh if c["type"].startswith("catalogue")}
    assert items[ITEM]["data"]["version"] == 2
    assert items[FIXTURE_ITEMS[1]["code"]]["type"] == "catalogue_item_removed"
    assert len([c for c in fresh if c["type"].startswith("catalogue")]) == len(FIXTURE_ITEMS)


def test_a_case_naming_an_old_item_version_is_checked_against_that_version(platform_server):
    newer = {**FIXTURE_ITEMS[0], "version": 2, "form": []}
    platform_server.service.publish_item(newer)
    with platform_server.client() as client:
        old_form = client.push([record("case", case_body())])[0]
        new_form = client.push([record("case", case_body(item_version=2, form={}))])[0]
    assert (old_form["status"], new_form["status"]) == ("stored", "stored")


def test_calendars_and_agents_are_published_again_only_when_they_change(platform_server):
    service = platform_server.service
    before = service.counts()["changes"]
    assert service.load_calendars() == 0
    assert service.publish_calendar(2028, ["2028-01-01"], []) is True
    service.set_agent_active(AGENT_ID, False)
    with platform_server.client() as client:
        changes, _, _ = _pull_all(client)
    assert service.counts()["changes"] == before + 1  # the agent's change replaced its older one
    (agent,) = [c["data"] for c in changes if c["type"] == "agent_account"]
    assert agent["active"] is False

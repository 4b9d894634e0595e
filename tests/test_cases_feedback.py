"""Ratings, unsolved reports, agent accounts and notices."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime

import pytest

from kiosk.core.agents import AgentDirectory
from kiosk.core.appliers import appliers
from kiosk.core.forms import FormInvalid
from kiosk.core.notices import Notices
from tests.cases_fixtures import kit  # noqa: F401


def records(kit, kind):  # noqa: F811
    rows = kit.store.conn.execute(
        "SELECT seq FROM outbox WHERE kind = ? ORDER BY seq", (kind,)
    ).fetchall()
    return [kit.outbox.body(r[0]) for r in rows]


def test_a_rating_is_stored_with_its_record(kit):  # noqa: F811
    ticket = str(uuid.uuid4())
    kit.clock.set(datetime(2026, 11, 23, 2, 30, tzinfo=UTC))
    rating = kit.feedback.rate("ticket", ticket, 2, reasons=["wait", "slow"])
    [body] = records(kit, "rating")
    assert body == {
        "target": {"type": "ticket", "id": ticket},
        "level": 2,
        "reasons": ["wait", "slow"],
        "comment": None,
        "rated_at": "2026-11-23T10:30:00+08:00",
    }
    assert rating.level == 2
    kit.feedback.rate("case", str(uuid.uuid4()), 5)
    assert len(records(kit, "rating")) == 2


@pytest.mark.parametrize(
    "args, kwargs, key",
    [
        (("ticket", "A012", 5), {}, "rating.target"),
        (("case", str(uuid.uuid4()), 0), {}, "rating.level"),
        (("case", str(uuid.uuid4()), True), {}, "rating.level"),
        (("case", str(uuid.uuid4()), 1), {}, "rating.reasons.required"),
        (("case", str(uuid.uuid4()), 2), {"reasons": ["rude"]}, "rating.reason.unknown"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_queued(kit, args, kwargs, key):  # noqa: F811
    with pytest.raises(FormInvalid) as info:
        kit.feedback.rate(*args, **kwargs)
    assert key in [e.key for e in info.value.errors]
    assert records(kit, "rating") == []


def test_a_low_rating_with_only_a_comment_is_accepted_as_the_platform_allows(kit):  # noqa: F811
    kit.feedback.rate("case", str(uuid.uuid4()), 1, comment="窗口没人")
    assert records(kit, "rating")[0]["comment"] == "窗口没人"


def test_unsolved_reports_get_daily_reference_numbers(kit):  # noqa: F811
    kit.clock.set(datetime(2026, 11, 23, 15, 59, tzinfo=UTC))  # 23:59 Beijing time
    first = kit.feedback.report_unsolved("宅基地审批不知道找哪个部门", item_code="511500-0701-02")
    second = kit.feedback.report_unsolved("跑了三次没办成", contact_phone="139 0817 1234")
    kit.clock.set(datetime(2026, 11, 23, 16, 1, tzinfo=UTC))  # next local day
    third = kit.feedback.report_unsolved("设备打不出小票")
    assert [r.reference_no for r in (first, second, third)] == [
        "BC-1123-001",
        "BC-1123-002",
        "BC-1124-001",
    ]
    bodies = records(kit, "unsolved_report")
    assert bodies[0]["item_code"] == "511500-0701-02" and bodies[0]["contact_phone"] is None
    assert bodies[1]["contact_phone"] == "13908171234"
    assert set(bodies[2]) == {"description", "item_code", "contact_phone", "reported_at"}
    with pytest.raises(FormInvalid):
        kit.feedback.report_unsolved("  ")
    with pytest.raises(FormInvalid):
        kit.feedback.report_unsolved("有问题", contact_phone="12")


def scrypt_pin(pin: str) -> dict:
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=1024, r=8, p=1, dklen=32)
    return {
        "scheme": "scrypt",
        "n": 1024,
        "r": 8,
        "p": 1,
        "salt": base64.b64encode(salt).decode(),
        "hash": base64.b64encode(digest).decode(),
    }


def test_agent_accounts_are_stored_as_given_and_pins_check_offline(kit):  # noqa: F811
    account = {"agent_id": "A-0007", "name": "李代办", "active": True,
               "villages": ["511502101201"], "pin": scrypt_pin("2468")}  # fmt: skip
    for _ in range(2):
        with kit.store.transaction() as conn:
            appliers(kit.vault)["agent_account"](conn, account)
    directory = AgentDirectory(kit.store, kit.vault)
    assert [a.name for a in directory.active()] == ["李代办"]
    assert directory.verify_pin("A-0007", "2468") and not directory.verify_pin("A-0007", "1357")
    stored = kit.store.conn.execute("SELECT pin FROM agent_account").fetchone()[0]
    assert account["pin"]["hash"] in stored
    with kit.store.transaction() as conn:
        appliers(kit.vault)["agent_account"](conn, dict(account, active=False))
    assert directory.active() == [] and not directory.verify_pin("A-0007", "2468")
    assert not directory.verify_pin("A-9999", "2468")


def test_notices_for_the_home_screen(kit):  # noqa: F811
    kit.clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    notices = [
        {"id": "n1", "title": "城乡居民医保开始缴费", "text": "2027年度城乡居民医保集中缴费期为...",
         "valid_from": "2026-09-01T00:00:00+08:00", "valid_to": "2026-12-31T23:59:59+08:00"},
        {"id": "n2", "title": "元旦放假安排", "text": "...", "valid_from": "2026-12-20", "valid_to": None},
        {"id": "n3", "title": "高龄津贴认证", "text": "...", "valid_from": "2026-11-01", "valid_to": "2026-11-10"},
        {"id": "n4", "title": "停电通知", "text": "...", "valid_from": "2026-11-22T08:00:00+08:00", "valid_to": None},
    ]  # fmt: skip
    with kit.store.transaction() as conn:
        for notice in notices + notices:
            appliers(kit.vault)["notice"](conn, notice)
    current = Notices(kit.store, kit.clock).current()
    assert [n.id for n in current] == ["n4", "n1"]


def test_agent_names_and_status_reasons_are_sealed_at_rest(kit):  # noqa: F811
    account = {"agent_id": "A-0009", "name": "罗代办员", "active": True,
               "villages": [], "pin": scrypt_pin("1357")}  # fmt: skip
    status = {"case_id": "c-1", "case_no": "N9", "step": 1, "status": "needs_correction",
              "reason": "申请人陈秀英户口簿照片不清晰", "result": {"note": "请补交陈秀英材料"},
              "at": "2026-11-24T10:00:00+08:00"}  # fmt: skip
    with kit.store.transaction() as conn:
        appliers(kit.vault)["agent_account"](conn, account)
        appliers(kit.vault)["case_status"](conn, status)
    assert AgentDirectory(kit.store, kit.vault).get("A-0009").name == "罗代办员"
    files = list(kit.data_dir.glob("bianmin.sqlite3*"))
    raw = b"".join(p.read_bytes() for p in files)
    assert files and b"needs_correction" in raw  # the step itself is there, in clear
    for secret in ("罗代办员", "陈秀英"):
        assert secret.encode() not in raw and secret.encode("utf-16-le") not in raw

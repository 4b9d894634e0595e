"""Form values and applicants checked against the item's fields, one clear error per field."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.core.catalogue import FormField
from kiosk.core.forms import FormInvalid, validate_applicant, validate_form
from kiosk.core.messages import Messages
from tests.cases_fixtures import applicant, id_number

FIELDS = {
    "text": FormField("note", "情况说明", "text", True),
    "number": FormField("area", "面积（亩）", "number", True),
    "phone": FormField("phone", "联系电话", "phone", True),
    "date": FormField("day", "死亡日期", "date", True),
    "choice": FormField("grade", "缴费档次", "choice", True, ("200元", "300元")),
    "id_number": FormField("who", "逝者身份证号码", "id_number", True),
    "address": FormField("addr", "现居住地址", "address", True),
}

CASES = [
    ("text", "房屋漏雨", "房屋漏雨", None),
    ("text", "  两边有空格  ", "两边有空格", None),
    ("text", "x" * 201, None, "field.text_too_long"),
    ("text", "bell\x07", None, "field.text"),
    ("number", "3.5", 3.5, None),
    ("number", "12", 12, None),
    ("number", 7, 7, None),
    ("number", "1,200", 1200, None),
    ("number", "三亩", None, "field.number"),
    ("number", "nan", None, "field.number"),
    ("number", True, None, "field.number"),
    ("number", "-2", None, "field.number_negative"),
    ("phone", "13908171234", "13908171234", None),
    ("phone", "139 0817 1234", "13908171234", None),
    ("phone", "0831-2345678", "0831-2345678", None),
    ("phone", "12345", None, "field.phone"),
    ("phone", "23908171234", None, "field.phone"),
    ("date", "2026-02-28", "2026-02-28", None),
    ("date", date(2026, 2, 28), "2026-02-28", None),
    ("date", "2026-02-30", None, "field.date"),
    ("date", "28/02/2026", None, "field.date"),
    ("choice", "300元", "300元", None),
    ("choice", "250元", None, "field.choice"),
    ("id_number", id_number(seq=77), id_number(seq=77), None),
    ("id_number", id_number(seq=77)[:-1].lower() + id_number(seq=77)[-1].lower(), id_number(seq=77), None),
    ("id_number", id_number(seq=77)[:-1] + ("1" if id_number(seq=77)[-1] != "1" else "2"), None, "field.id_number"),
    ("id_number", "51150219580230123X", None, "field.id_number"),
    ("address", "翠屏区李庄镇高石村3组", "翠屏区李庄镇高石村3组", None),
    ("address", "3组", None, "field.address"),
    ("address", "Room 3, Some Road", None, "field.address"),
]  # fmt: skip


@pytest.mark.parametrize("kind, value, cleaned, key", CASES)
def test_each_field_type(kind, value, cleaned, key):
    f = FIELDS[kind]
    if key is None:
        assert validate_form([f], {f.name: value}) == {f.name: cleaned}
    else:
        with pytest.raises(FormInvalid) as info:
            validate_form([f], {f.name: value})
        assert [(e.field, e.key) for e in info.value.errors] == [(f.name, key)]


def test_required_optional_unknown_and_every_error_at_once():
    fields = [FIELDS["phone"], FormField("carer", "照护人电话", "phone", False), FIELDS["choice"]]
    with pytest.raises(FormInvalid) as info:
        validate_form(fields, {"carer": "", "grade": "1元", "colour": "red"})
    assert {(e.field, e.key) for e in info.value.errors} == {
        ("colour", "field.unknown"),
        ("phone", "field.required"),
        ("grade", "field.choice"),
    }
    # A draft may be incomplete, but what it holds must be right.
    assert validate_form(fields, {"phone": "13908171234"}, complete=False) == {
        "phone": "13908171234"
    }


def test_every_error_key_has_a_chinese_sentence_naming_the_field():
    messages = Messages("zh_CN")
    keys = {key for _, _, _, key in CASES if key} | {
        "field.required",
        "field.unknown",
        "field.invalid",
    }
    for key in keys:
        assert key in messages, key
    assert messages.get("field.required", label="联系电话") == "“联系电话”还没有填，请补上。"


@pytest.mark.parametrize(
    "changes, field, key",
    [
        ({"name": " "}, "name", "applicant.name_required"),
        ({"id_number": id_number()[:-1] + "0" if id_number()[-1] != "0" else "1"}, "id_number", "applicant.resident_id"),
        ({"id_number": ""}, "id_number", "applicant.id_number_required"),
        ({"id_type": "passport"}, "id_type", "applicant.id_type"),
        ({"id_type": "hk_mo_tw_residence"}, "id_number", "applicant.hk_mo_tw_residence"),
        ({"id_type": "foreign_permanent"}, "id_number", "applicant.foreign_permanent"),
        ({"phone": "110"}, "phone", "field.phone"),
    ],
)  # fmt: skip
def test_applicant_errors(changes, field, key):
    with pytest.raises(FormInvalid) as info:
        validate_applicant(applicant(**changes))
    assert [(e.field, e.key) for e in info.value.errors] == [(field, key)]


def test_applicant_document_types():
    permit = id_number(region="810000", born="19900101", seq=11)
    assert (
        validate_applicant(applicant(id_type="hk_mo_tw_residence", id_number=permit))["id_number"]
        == permit
    )
    for number in ("USA196512310012", id_number(region="933102", born="19801010", seq=5)):
        person = validate_applicant(
            applicant(id_type="foreign_permanent", id_number=number.lower())
        )
        assert person["id_number"] == number
    person = validate_applicant(applicant(phone=None, address="  "))
    assert person["phone"] is None and person["address"] is None


def test_every_case_error_status_and_applicant_key_has_a_sentence():
    import inspect

    from kiosk.core.cases import errors as case_errors
    from kiosk.core.forms import ID_TYPES
    from offline_sync.contract import CASE_STATUSES

    messages = Messages("zh_CN")
    errors = [c for _, c in inspect.getmembers(case_errors, inspect.isclass)]
    keys = {c.key for c in errors if issubclass(c, case_errors.CaseError)}
    keys |= {f"case.status.{s}" for s in (*CASE_STATUSES, "submitted")}
    keys |= {f"case.delivery.{s}" for s in ("pending", "delivered", "dead")}
    keys |= {f"applicant.{t}" for t in ID_TYPES}
    keys |= {"applicant.name", "applicant.name_required", "applicant.id_type"}
    keys |= {"applicant.id_number_required", "rating.target", "rating.level"}
    keys |= {"rating.reason.unknown", "rating.reasons.required", "case.promised"}
    assert len(keys) > 30
    assert sorted(k for k in keys if k not in messages) == []

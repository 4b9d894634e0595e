"""Seed catalogue files (contract section 6) in JSON or TOML, and their errors."""

from __future__ import annotations

import json

import pytest

from kiosk.demo.platform import FIXTURE_ITEMS, ITEM
from offline_sync.contract import CatalogueError, load_catalogue

TOML_ITEM = """
[[items]]
code = "511500-0301-01"
version = 2
name = "高龄津贴申领"
department = "县民政局"
theme = "民政救助"
audience = "person"
promised_days = 5
legal_days = 20
fee = "不收费"
agent_allowed = true
reach = ["province"]
conditions = ["年满80周岁"]
bundle_items = []

[[items.materials]]
code = "M01"
name = "居民身份证"
originals = 1
copies = 1
required = true

[[items.form]]
name = "bank_account"
label = "社保卡银行账号"
type = "text"
required = true
"""


def test_json_and_toml_files_of_a_directory_are_read_in_name_order(tmp_path):
    (tmp_path / "10-items.json").write_text(
        json.dumps(FIXTURE_ITEMS[:2], ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "20-more.toml").write_text(TOML_ITEM, encoding="utf-8")
    (tmp_path / "README.txt").write_text("ignored")
    items = load_catalogue(tmp_path)
    assert [i["code"] for i in items] == [ITEM, FIXTURE_ITEMS[1]["code"], "511500-0301-01"]
    assert items[2]["form"][0]["name"] == "bank_account"


def test_a_single_item_file_is_read(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(FIXTURE_ITEMS[0]), encoding="utf-8")
    assert [i["code"] for i in load_catalogue(path)] == [ITEM]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": "3"}, "version: expected an integer >= 1"),
        ({"audience": "everyone"}, "audience: expected person or legal_person"),
        ({"reach": ["moon"]}, "reach: expected a list of province, chuanyu, southwest"),
        (
            {
                "materials": [
                    {"code": "M01", "name": "", "originals": 1, "copies": 0, "required": True}
                ]
            },
            "materials[0].name",
        ),
        (
            {"form": [{"name": "Grade", "label": "档次", "type": "choice", "required": True}]},
            "form[0].name",
        ),
        (
            {"form": [{"name": "grade", "label": "档次", "type": "choice", "required": True}]},
            "form[0].options",
        ),
        (
            {"form": [{"name": "grade", "label": "档次", "type": "colour", "required": True}]},
            "form[0].type",
        ),
        ({"bundle_items": ["511500-0000-00"]}, "bundle_items names unknown item 511500-0000-00"),
    ],
)
def test_a_bad_item_is_named_with_its_file_and_field(tmp_path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps([FIXTURE_ITEMS[1], FIXTURE_ITEMS[0] | change], ensure_ascii=False),
        encoding="utf-8",
    )
    with pytest.raises(
        CatalogueError, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as caught:
        load_catalogue(path)
    text = str(caught.value)
    assert str(path) in text or "bundle" in text


def test_file_level_errors(tmp_path):
    with pytest.raises(CatalogueError, match="no such catalogue"):
        load_catalogue(tmp_path / "missing.json")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[items]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(broken)
    twice = tmp_path / "twice"
    twice.mkdir()
    for name in ("a.json", "b.json"):
        (twice / name).write_text(json.dumps(FIXTURE_ITEMS[1]), encoding="utf-8")
    with pytest.raises(CatalogueError, match="already defined in"):
        load_catalogue(twice)

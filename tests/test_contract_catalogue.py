"""The device and the reference platform accept and refuse exactly the same catalogue items.

Each row changes one thing of a valid item; the device (the ``catalogue_item`` change
applier on a real store) and the platform (publishing on its own SQLite file) must both
take it, or both refuse it naming the same field.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from devices.idcard.idnumber import is_valid_id_number
from kiosk.core.catalogue import Catalogue, apply_catalogue_item, seed_dir
from kiosk.core.catalogue import schema as catalogue_schema
from offline_sync.contract import CatalogueError, load_catalogue
from offline_sync.platform_server import PlatformService
from offline_sync.store import Store

CODE = "511500-0301-04"
BASE: dict[str, Any] = {
    "code": CODE,
    "version": 1,
    "name": "高龄津贴申领",
    "department": "县民政局",
    "theme": "民政",
    "audience": "person",
    "promised_days": 5,
    "legal_days": 20,
    "fee": "不收费",
    "agent_allowed": True,
    "reach": ["province", "chuanyu"],
    "conditions": ["年满80周岁"],
    "materials": [
        {"code": "M01", "name": "居民身份证", "originals": 1, "copies": 0, "required": True},
        {"code": "M02", "name": "居民户口簿", "originals": 1, "copies": 1, "required": False},
    ],
    "form": [
        {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
        {
            "name": "grade",
            "label": "档次",
            "type": "choice",
            "options": ["一档", "二档"],
            "required": False,
        },
    ],
    "bundle_items": [],
}
MATERIAL = BASE["materials"][0]
FIELD = BASE["form"][0]

ACCEPTED = {
    "the contract's example": {},
    "no reach, no conditions": {"reach": [], "conditions": []},
    "no materials, no form": {"materials": [], "form": []},
    "zero days": {"promised_days": 0, "legal_days": 0},
    "a legal person's item": {"audience": "legal_person"},
    "a bundle of other items": {"bundle_items": ["511500-0301-01", "511500-0101-01"]},
    "options on a text field are ignored": {"form": [FIELD | {"options": ["x"]}]},
}

REFUSED = {
    "not an object": (["code"], "item"),
    "letters in the code": ({"code": "SC-0001"}, "code"),
    "a short code": ({"code": "511500-0001-5"}, "code"),
    "a code that is a number": ({"code": 511500000105}, "code"),
    "no code": ({"code": None}, "code"),
    "version 0": ({"version": 0}, "version"),
    "version as text": ({"version": "3"}, "version"),
    "version true": ({"version": True}, "version"),
    "a blank name": ({"name": "  "}, "name"),
    "no department": ({"department": None}, "department"),
    "an unknown audience": ({"audience": "everyone"}, "audience"),
    "negative days": ({"promised_days": -1}, "promised_days"),
    "fractional days": ({"legal_days": 1.5}, "legal_days"),
    "agent_allowed as text": ({"agent_allowed": "yes"}, "agent_allowed"),
    "an unknown reach": ({"reach": ["moon"]}, "reach"),
    "reach not a list": ({"reach": "province"}, "reach"),
    "a condition that is a number": ({"conditions": [1]}, "conditions"),
    "materials not a list": ({"materials": {}}, "materials"),
    "a material that is text": ({"materials": ["M01"]}, "materials[0]"),
    "a material without a code": ({"materials": [MATERIAL | {"code": ""}]}, "materials[0].code"),
    "a material code twice": ({"materials": [MATERIAL, MATERIAL]}, "materials[1].code"),
    "a material without a name": ({"materials": [MATERIAL | {"name": ""}]}, "materials[0].name"),
    "negative copies": ({"materials": [MATERIAL | {"copies": -1}]}, "materials[0].copies"),
    "required as text": (
        {"materials": [MATERIAL | {"required": "yes"}]},
        "materials[0].required",
    ),
    "a field name in capitals": ({"form": [FIELD | {"name": "Phone"}]}, "form[0].name"),
    "a field name twice": ({"form": [FIELD, FIELD]}, "form[1].name"),
    "a field without a label": ({"form": [FIELD | {"label": " "}]}, "form[0].label"),
    "an unknown field type": ({"form": [FIELD | {"type": "signature"}]}, "form[0].type"),
    "a choice without options": (
        {"form": [FIELD | {"type": "choice", "options": []}]},
        "form[0].options",
    ),
    "a choice with a number option": (
        {"form": [FIELD | {"type": "choice", "options": [200]}]},
        "form[0].options",
    ),
    "field required missing": (
        {"form": [{k: v for k, v in FIELD.items() if k != "required"}]},
        "form[0].required",
    ),
    "a bundle naming a non-code": ({"bundle_items": ["退休一件事"]}, "bundle_items"),
    "a bundle naming itself": ({"bundle_items": [CODE]}, "bundle_items"),
}


def _changed(change: Any) -> Any:
    if not isinstance(change, dict):
        return change
    item = copy.deepcopy(BASE)
    item.update(copy.deepcopy(change))
    return {k: v for k, v in item.items() if v is not None}


@pytest.fixture(scope="module")
def device(tmp_path_factory) -> Any:
    store = Store.open(
        tmp_path_factory.mktemp("device") / "d.sqlite3", [catalogue_schema.migrations]
    )
    yield store
    store.close()


@pytest.fixture(scope="module")
def platform(tmp_path_factory) -> Any:
    service = PlatformService.open(
        tmp_path_factory.mktemp("platform") / "p.db", resident_id_valid=is_valid_id_number
    )
    yield service
    service.close()


def _device_takes(store: Store, item: Any) -> None:
    with store.transaction() as conn:
        apply_catalogue_item(conn, item)


@pytest.mark.parametrize("change", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_both_accept(device, platform, change):
    item = _changed(change)
    _device_takes(device, item)
    platform.publish_item(item)


@pytest.mark.parametrize(("change", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_both_refuse_naming_the_same_field(device, platform, change, field):
    item = _changed(change)
    with pytest.raises(CatalogueError) as on_device:
        _device_takes(device, item)
    with pytest.raises(CatalogueError) as on_platform:
        platform.publish_item(item)
    assert on_device.value.params == on_platform.value.params
    assert on_device.value.params["field"] == field
    assert f"{field}: expected" in str(on_device.value)


def test_the_error_carries_a_key_params_and_an_english_message(device):
    with pytest.raises(CatalogueError) as caught:
        _device_takes(device, _changed({"audience": "everyone"}))
    error = caught.value
    assert error.key == "catalogue.invalid"
    assert error.params == {
        "where": f"catalogue item ({CODE})",
        "field": "audience",
        "expected": "person or legal_person",
    }
    assert str(error) == f"catalogue item ({CODE}): audience: expected person or legal_person"


def test_both_read_the_shipped_seed_with_the_same_loader(tmp_path):
    store = Store.open(tmp_path / "d.sqlite3", [catalogue_schema.migrations])
    try:
        on_device = Catalogue(store).seed_if_empty()
    finally:
        store.close()
    fresh = PlatformService.open(tmp_path / "p.db", resident_id_valid=is_valid_id_number)
    try:
        on_platform = fresh.load_catalogue(seed_dir())
    finally:
        fresh.close()
    assert on_device == on_platform == len(load_catalogue(seed_dir())) > 40


def test_a_bad_seed_folder_is_refused_alike(tmp_path):
    folder = tmp_path / "seed"
    folder.mkdir()
    bad = _changed({"form": [FIELD | {"type": "colour"}]})
    (folder / "10-items.json").write_text(json.dumps([bad], ensure_ascii=False), "utf-8")
    store = Store.open(tmp_path / "d.sqlite3", [catalogue_schema.migrations])
    service = PlatformService.open(tmp_path / "p.db", resident_id_valid=is_valid_id_number)
    try:
        with pytest.raises(CatalogueError) as on_device:
            Catalogue(store).seed_if_empty(folder)
        with pytest.raises(CatalogueError) as on_platform:
            service.load_catalogue(folder)
    finally:
        store.close()
        service.close()
    assert str(on_device.value) == str(on_platform.value)
    assert str(folder / "10-items.json") in str(on_device.value)
    assert "form[0].type: expected one of text, number" in str(on_device.value)

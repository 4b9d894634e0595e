"""The catalogue kept in step with the platform's change feed, idempotently."""

from __future__ import annotations

import copy
import json

import pytest

from kiosk.core.appliers import appliers
from kiosk.core.catalogue import CatalogueError, seed_dir
from kiosk.demo.synthetic import synthetic_items
from offline_sync.contract import CHANGE_TYPES, load_catalogue
from tests.cases_fixtures import kit  # noqa: F401


def seed_item(code: str) -> dict:
    return copy.deepcopy(next(i for i in load_catalogue(seed_dir()) if i["code"] == code))


def apply(kit, kind, data):  # noqa: F811
    with kit.store.transaction() as conn:
        appliers(kit.vault)[kind](conn, data)


def test_appliers_cover_every_change_type_of_the_contract(kit):  # noqa: F811
    assert set(appliers(kit.vault)) == set(CHANGE_TYPES)


def test_higher_version_replaces_and_reindexes_lower_or_equal_is_ignored(kit):  # noqa: F811
    item = seed_item("511500-0301-04")
    newer = dict(item, version=item["version"] + 1, name="高龄老人津贴申领")
    apply(kit, "catalogue_item", newer)
    assert kit.catalogue.item("511500-0301-04").name == "高龄老人津贴申领"
    assert kit.catalogue.search("高龄老人")[0].code == "511500-0301-04"
    older = dict(item, name="旧名称")
    apply(kit, "catalogue_item", older)
    apply(kit, "catalogue_item", dict(newer, name="同版本不同名"))
    assert kit.catalogue.item("511500-0301-04").name == "高龄老人津贴申领"
    assert kit.catalogue.search("旧名称") == []
    assert kit.catalogue.search("同版本不同名") == []


def test_replaying_the_whole_feed_changes_nothing(kit):  # noqa: F811
    before = kit.store.conn.execute(
        "SELECT code, version, body FROM catalogue_item ORDER BY code"
    ).fetchall()
    for item in load_catalogue(seed_dir()):
        apply(kit, "catalogue_item", item)
        apply(kit, "catalogue_item", item)
    after = kit.store.conn.execute(
        "SELECT code, version, body FROM catalogue_item ORDER BY code"
    ).fetchall()
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    fts = kit.store.conn.execute("SELECT count(*) FROM catalogue_fts").fetchone()[0]
    assert fts == len(after)


def test_removal_is_idempotent_and_leaves_no_search_hit(kit):  # noqa: F811
    apply(kit, "catalogue_item_removed", {"code": "511500-0601-05"})
    apply(kit, "catalogue_item_removed", {"code": "511500-0601-05"})
    apply(kit, "catalogue_item_removed", {"code": "511500-9999-99"})
    assert kit.catalogue.search("畜禽养殖") == []
    assert kit.catalogue.count() == len(load_catalogue(seed_dir())) - 1


@pytest.mark.parametrize(
    "kind, data, message",
    [
        ("catalogue_item", {"code": "nonsense"}, "code: expected an item code"),
        ("catalogue_item_removed", {"item": "511500-0101-01"}, "without a code"),
        ("case_status", {"case_id": "x", "step": "1", "status": "done"}, "malformed"),
        ("agent_account", {"agent_id": "A-1", "pin": "1234"}, "malformed"),
        ("notice", {"id": "n1", "title": "停电"}, "malformed"),
        ("calendar", {"holidays": []}, "without a year"),
        ("calendar", {"year": 2025, "holidays": ["not a date"]}, "not YYYY-MM-DD"),
    ],
)
def test_a_malformed_change_is_refused_with_a_reason_and_changes_nothing(kit, kind, data, message):  # noqa: F811
    before = kit.store.conn.execute("SELECT total_changes()").fetchone()[0]
    with pytest.raises(ValueError, match=message):
        apply(kit, kind, data)
    assert kit.store.conn.execute("SELECT total_changes()").fetchone()[0] == before


def test_a_bad_item_is_refused_and_the_stored_one_kept(kit):  # noqa: F811
    bad = seed_item("511500-0101-01")
    bad["version"] = 99
    bad["form"][0]["type"] = "signature"
    with pytest.raises(CatalogueError, match=r"form\[0\]\.type: expected one of"):
        apply(kit, "catalogue_item", bad)
    assert kit.catalogue.item("511500-0101-01").version == 3


def test_seeding_happens_only_on_an_empty_catalogue(kit):  # noqa: F811
    apply(kit, "catalogue_item_removed", {"code": "511500-0101-01"})
    assert kit.catalogue.seed_if_empty() == 0
    assert kit.catalogue.count() == len(load_catalogue(seed_dir())) - 1


def test_item_round_trips_exactly_as_the_platform_sent_it(kit):  # noqa: F811
    item = seed_item("511500-9003-01")
    assert kit.catalogue.item_dict(item["code"]) == item
    assert json.loads(json.dumps(kit.catalogue.item_dict(item["code"]))) == item


def test_synthetic_catalogue_for_benchmarks_is_valid_and_searchable(kit):  # noqa: F811
    stored = kit.catalogue.put_many(synthetic_items(300))
    assert stored == 300
    assert kit.catalogue.search("ylbx", limit=5)


def test_a_fresh_store_is_seeded_on_first_read_only(tmp_path):
    from kiosk.core.catalogue import Catalogue
    from tests.cases_fixtures import make_kit

    fresh = make_kit(tmp_path / "fresh")
    try:
        catalogue = Catalogue(fresh.store)
        assert catalogue.count() == 0  # counting does not seed
        assert catalogue.search("低保")[0].name == "最低生活保障审核确认"
        assert catalogue.count() == len(load_catalogue(seed_dir()))
    finally:
        fresh.store.close()

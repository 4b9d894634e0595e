"""Finding a service the way villagers and staff type it: Chinese, pinyin, initials, codes."""

from __future__ import annotations

import pytest

from kiosk.core.catalogue import FIELD_TYPES, THEME_ORDER, MatchKind, seed_dir
from kiosk.core.catalogue.search_text import segment_pinyin
from offline_sync.contract import load_catalogue
from tests.cases_fixtures import kit  # noqa: F401


def names(hits):
    return [h.name for h in hits]


def test_seed_catalogue_is_realistic_and_complete():
    items = load_catalogue(seed_dir())
    bundles = [i for i in items if i["bundle_items"]]
    assert len(items) - len(bundles) >= 40 and len(bundles) == 3
    assert {i["theme"] for i in items} == set(THEME_ORDER)
    assert {f["type"] for i in items for f in i["form"]} == set(FIELD_TYPES)
    codes = {i["code"] for i in items}
    assert len(codes) == len(items)
    assert all(c in codes for b in bundles for c in b["bundle_items"])
    assert any(not m["required"] for i in items for m in i["materials"])
    assert any(m["copies"] for i in items for m in i["materials"])


@pytest.mark.parametrize(
    "query, expected_first",
    [
        ("城乡居民基本养老保险参保登记", "城乡居民基本养老保险参保登记"),
        ("残疾人证新办", "残疾人证新办"),
        ("shenhouyijianshi", "身后一件事"),
        ("shyjs", "身后一件事"),
        ("低保", "最低生活保障审核确认"),
        ("dibao", "最低生活保障审核确认"),
        ("社保卡", "社会保障卡挂失与补换"),
        ("ＣＪＲＺＸＢ", "残疾人证新办"),  # full-width letters from a Chinese keyboard
        ("511500-0301-04", "高龄津贴申领"),
    ],
)
def test_the_best_match_comes_first(kit, query, expected_first):  # noqa: F811
    hits = kit.catalogue.search(query)
    assert hits and hits[0].name == expected_first


def test_chinese_pinyin_and_initials_all_find_pension_insurance(kit):  # noqa: F811
    target = "城乡居民基本养老保险参保登记"
    for query in ("养老保险", "yanglaobaoxian", "yanglao", "yangl", "ylbx", "YLBX"):
        assert target in names(kit.catalogue.search(query, limit=50)), query


def test_ranking_exact_then_prefix_then_inside_then_initials_then_content(kit):  # noqa: F811
    hits = kit.catalogue.search("残疾人证", limit=50)
    kinds = [h.match for h in hits]
    assert kinds == sorted(kinds)
    assert hits[0].match is MatchKind.PREFIX and hits[0].name.startswith("残疾人证")
    # 残疾人证 appears as materials of the subsidy items: found, but after the names.
    assert MatchKind.CONTENT in kinds
    assert kit.catalogue.search("高龄津贴申领")[0].match is MatchKind.EXACT
    initials = kit.catalogue.search("cjrz")
    assert initials and all(h.match is MatchKind.INITIALS_PREFIX for h in initials)
    inside = kit.catalogue.search("bx", limit=50)
    assert {h.match for h in inside} == {MatchKind.INITIALS}


def test_multiple_words_must_all_match_and_theme_filters(kit):  # noqa: F811
    both = names(kit.catalogue.search("养老 转移"))
    assert both == ["城乡居民基本养老保险关系转移接续"]
    medical = kit.catalogue.search("参保", theme="医疗保障")
    assert medical and all(h.theme == "医疗保障" for h in medical)


def test_nonsense_and_punctuation_find_nothing_without_error(kit):  # noqa: F811
    for query in ("", "   ", '"', "*", "AND OR NOT", "()", "qqqqqq", "😀", "'; DROP TABLE x"):
        assert isinstance(kit.catalogue.search(query), list), query
    assert kit.catalogue.search("qqqqqq") == []


def test_themes_in_hall_order_with_counts(kit):  # noqa: F811
    themes = kit.catalogue.themes()
    assert [t.name for t in themes] == list(THEME_ORDER)
    assert sum(t.count for t in themes) == kit.catalogue.count()
    assert {h.theme for h in kit.catalogue.in_theme("民政")} == {"民政"}


def test_bundle_asks_a_shared_material_once(kit):  # noqa: F811
    bundle = kit.catalogue.bundle("511500-9001-01")
    assert [i.name for i in bundle.items] == [
        "出生登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
    ]
    by_name = {m.name: m for m in bundle.materials}
    assert len(by_name) == len(bundle.materials)
    id_card = by_name["居民身份证"]
    assert {code for code, _ in id_card.used_by} == {i.code for i in bundle.items}
    assert id_card.originals == 1 and id_card.copies == 1  # 出生登记 wants a copy too
    assert by_name["出生医学证明"].used_by == (("511500-0501-01", "M06"),)
    assert [f.name for f in bundle.form].count("phone") == 1


def test_typed_pinyin_is_read_as_syllables_the_last_one_possibly_unfinished():
    assert segment_pinyin("yanglao")[0] == ["yang", "lao"]
    assert segment_pinyin("yangl")[0] == ["yang", "l"]
    assert ["xian"] in segment_pinyin("xian")
    assert segment_pinyin("123") == [] and segment_pinyin("vvv") == []

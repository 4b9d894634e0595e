"""The message catalogue: .po parsing, in-memory .mo compilation, lookups through gettext."""

from __future__ import annotations

import gettext
import io
import subprocess

import pytest

from kiosk.core.messages import CatalogueError, Messages, _, compile_po, locale_dir, parse_po

PO = locale_dir() / "zh_CN" / "LC_MESSAGES" / "bianmin.po"


def test_lookup_fills_placeholders():
    messages = Messages("zh_CN")
    assert messages.get("queue.ticket.ahead", count=3) == "前面还有 3 人"
    assert messages("home.take_number") == "取号"
    assert _("home.guide") == "办事指南"


def test_unknown_key_or_missing_value_shows_the_key_or_raw_text_never_raises():
    messages = Messages("zh_CN")
    assert messages.get("no.such.key") == "no.such.key"
    assert messages.get("queue.ticket.ahead") == "前面还有 {count} 人"
    assert messages.get("queue.ticket.ahead", wrong=1) == "前面还有 {count} 人"


def test_every_message_is_chinese_text_without_stray_markup():
    messages = Messages("zh_CN")
    for key in messages:
        text = messages.get(key)
        assert text.strip() == text, key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), key


@pytest.mark.parametrize("po", sorted(PO.parent.glob("*.po")), ids=lambda p: p.name)
def test_compiled_catalogue_matches_gnu_msgfmt(tmp_path, po):
    # GNU gettext is among make's system packages: this runs wherever make test does.
    mo = tmp_path / "ref.mo"
    subprocess.run(["msgfmt", "-c", "-o", str(mo), str(po)], check=True, capture_output=True)
    reference = gettext.GNUTranslations(mo.open("rb"))
    ours = gettext.GNUTranslations(io.BytesIO(compile_po(parse_po(po.read_text("utf-8")))))
    entries = parse_po(po.read_text("utf-8"))
    assert len(entries) > 1
    for key in entries:
        if key:
            assert ours.gettext(key) == reference.gettext(key) == entries[key]


def test_po_parser_reads_continuations_escapes_and_skips_fuzzy():
    text = (
        'msgid "a"\nmsgstr ""\n"第一行\\n"\n"第二行"\n\n'
        '#, fuzzy\nmsgid "b"\nmsgstr "旧"\n\n'
        'msgid "c"\nmsgstr "引号\\"内\\""\n\n'
        'msgid "d"\nmsgstr ""\n'
    )
    assert parse_po(text) == {"a": "第一行\n第二行", "c": '引号"内"'}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('msgid "a"\n', ":1: msgid without msgstr"),
        ('msgid "a"\nmsgstr "x"\nmsgid "a"\nmsgstr "y"\n', "defined twice"),
        ("msgid a\nmsgstr b\n", ":1: expected a quoted string"),
        ('msgstr "x"\n', ":1: msgstr without a msgid"),
    ],
)
def test_po_errors_name_file_and_line(text, where):
    with pytest.raises(CatalogueError, match=where):
        parse_po(text, "x.po")


def test_each_area_has_its_own_po_file_and_keys_stay_unique(tmp_path):
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "ui.po").write_text('msgid "ui.ok"\nmsgstr "好"\n', "utf-8")
    (folder / "cases.po").write_text('msgid "cases.bad"\nmsgstr "不对"\n', "utf-8")
    messages = Messages("zh_CN", root=tmp_path)
    assert messages.get("ui.ok") == "好" and messages.get("cases.bad") == "不对"
    (folder / "more.po").write_text('msgid "ui.ok"\nmsgstr "行"\n', "utf-8")
    with pytest.raises(CatalogueError, match="already defined"):
        Messages("zh_CN", root=tmp_path, strict=True)
    assert Messages("zh_CN", root=tmp_path).get("ui.ok") in {"好", "行"}


def test_the_shipped_catalogues_define_each_key_once():
    Messages("zh_CN", strict=True)


def test_missing_language_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogueError, match="no .po catalogue for language 'ii'"):
        Messages("ii", root=tmp_path)


def test_every_message_key_the_kiosk_uses_is_in_the_catalogue():
    import re

    from kiosk.resources import data_path

    ui = data_path("assets").parent / "kiosk" / "ui"
    pattern = re.compile(
        r"""(?:\bt\(|show_message\(|ask_for_card\(|voice_key = |_key = )\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
    )
    used = set()
    for path in [*ui.rglob("*.py"), *ui.rglob("*.kv")]:
        used.update(pattern.findall(path.read_text("utf-8")))
    messages = Messages("zh_CN", strict=True)
    assert len(used) > 100
    assert sorted(key for key in used if key not in messages) == []


def test_keys_the_kiosk_builds_from_values_are_in_the_catalogue():
    from kiosk.core.catalogue import REACHES
    from kiosk.core.feedback import LEVELS, RATING_REASONS
    from offline_sync.contract import CASE_STATUSES

    built = (
        [f"case.status.{s}" for s in (*CASE_STATUSES, "submitted")]
        + [f"guide.reach.{r}" for r in REACHES]
        + [f"rating.{n}" for n in LEVELS]
        + [f"rating.reason.{r}" for r in RATING_REASONS]
        + [f"queue.priority.{p}" for p in ("age", "disability", "pregnancy", "military")]
        + [f"unsolved.kind.{k}" for k in ("who", "materials", "trips", "system", "nobody", "other")]
        + [f"weekday.{d}" for d in range(1, 8)]
    )
    messages = Messages("zh_CN")
    assert [key for key in built if key not in messages] == []

"""How text becomes search tokens and FTS5 queries: Chinese one character per token, pinyin
one syllable per token, initials one letter per token, and what villagers call things."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
_MAX_SEGMENTATIONS = 4
# A search is a few words typed on a screen keyboard (or a scanned code): what is longer
# is cut, so no input can make a search slow.
MAX_QUERY_CHARS = 64
MAX_QUERY_TERMS = 8

# What villagers say, and the official words of item names (typed or spoken either way).
ALIASES = {
    "低保": "最低生活保障",
    "五保": "特困人员",
    "社保": "社会保障",
    "社保卡": "社会保障卡",
    "医保": "医疗保险",
    "户口本": "户口簿",
    "残疾证": "残疾人证",
    "危房": "危房改造",
    "养老金": "养老保险待遇",
    "农机补贴": "农机购置与应用补贴",
    "种粮补贴": "耕地地力保护补贴",
    "火化补贴": "殡葬补贴",
    "丧葬费": "丧葬补助金",
}


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no white space: the form search compares."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def _char_tokens(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


@functools.lru_cache(maxsize=8192)
def _syllables_of(text: str) -> tuple[str, ...]:
    # Cached: departments, conditions, material names and labels repeat across items.
    # pypinyin loads its phrase tables (~0.3 s) on import: only when text is indexed.
    from pypinyin import Style, lazy_pinyin

    text = unicodedata.normalize("NFKC", text).lower()
    return tuple(
        lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: re.findall(r"[a-z0-9]+", s))
    )


def search_columns(item: dict[str, Any]) -> dict[str, str]:
    """The stored search columns of a catalogue item (contract section 6 dict)."""
    syllables = _syllables_of(item["name"])
    pieces = (
        [item["department"], item["theme"], *item["conditions"]]
        + [m["name"] for m in item["materials"]]
        + [f["label"] for f in item["form"]]
    )
    return {
        "search_name": normalise(item["name"]),
        "search_pinyin": "".join(syllables),
        "search_initials": "".join(s[0] for s in syllables),
        "fts_name": _char_tokens(item["name"]),
        "fts_pinyin": " ".join(syllables),
        "fts_initials": " ".join(s[0] for s in syllables),
        "fts_content": _char_tokens(" ".join(pieces)),
        "fts_content_pinyin": " ".join(" ".join(_syllables_of(p)) for p in pieces),
    }


@functools.cache
def _pinyin_syllables() -> tuple[frozenset[str], frozenset[str]]:
    """Every toneless pinyin syllable pypinyin knows, and every prefix of one."""
    from pypinyin import pinyin_dict
    from pypinyin.contrib.tone_convert import to_normal

    readings: set[str] = set()
    for values in pinyin_dict.pinyin_dict.values():
        readings.update(values.split(","))
    syllables = {to_normal(r, v_to_u=False) for r in readings}
    syllables = {s for s in syllables if s.isascii() and s.isalpha()}
    prefixes = {s[:i] for s in syllables for i in range(1, len(s) + 1)}
    return frozenset(syllables), frozenset(prefixes)


def warm_up() -> None:
    """Load pypinyin's tables now (about 0.5 s) rather than on the first pinyin search."""
    _pinyin_syllables()
    _syllables_of("便民")


def segment_pinyin(text: str) -> list[list[str]]:
    """Ways to read ``text`` as pinyin syllables, the last possibly unfinished; longest first.

    ``yanglao`` -> ``[["yang", "lao"], ...]``; ``yangl`` -> ``[["yang", "l"], ...]``.
    At most a few readings, fewest syllables first. Linear in the length of ``text``: a
    position from which no reading can end is known before the search reaches it.
    """
    if not (text.isascii() and text.isalpha()) or len(text) > MAX_QUERY_CHARS:
        return []
    syllables, prefixes = _pinyin_syllables()
    # ends[i]: text[i:] can be read as syllables, the last possibly unfinished.
    ends = [False] * (len(text) + 1)
    for i in range(len(text) - 1, -1, -1):
        ends[i] = text[i:] in prefixes or any(
            text[i : i + n] in syllables and i + n < len(text) and ends[i + n]
            for n in range(1, min(6, len(text) - i) + 1)
        )
    found: list[list[str]] = []

    def walk(start: int, acc: list[str]) -> None:
        rest = text[start:]
        if rest in prefixes:
            found.append([*acc, rest])
            if rest in syllables:
                return
        for end in range(min(6, len(rest)), 0, -1):
            if len(found) >= _MAX_SEGMENTATIONS:
                return
            head = rest[:end]
            if head in syllables and end < len(rest) and ends[start + end]:
                walk(start + end, [*acc, head])

    if ends[0]:
        walk(0, [])
    return sorted(found[:_MAX_SEGMENTATIONS], key=len)


def _phrase(tokens: Iterable[str], prefix: bool = False) -> str:
    body = " ".join(tokens)
    return f'"{body}"' + ("*" if prefix else "")


def _term_query(term: str) -> str | None:
    if _CJK.search(term):
        tokens = _WORD.findall(term)
        return f"{{name content}} : {_phrase(tokens)}" if tokens else None
    letters = re.sub(r"[^a-z0-9]", "", term)
    if not letters:
        return None
    if len(letters) == 1 and letters.isalpha():
        # The first key of a pinyin keyboard: names with a word starting with it.
        return f"initials : {_phrase(letters)}"
    parts = [f"{{name content}} : {_phrase([letters], prefix=True)}"]
    if letters.isalpha():
        parts.append(f"initials : {_phrase(letters)}")
        for reading in segment_pinyin(letters):
            phrase = _phrase(reading, prefix=True)
            parts.append(f"pinyin : {phrase}")
            parts.append(f"content_pinyin : {phrase}")
    return "(" + " OR ".join(parts) + ")"


@functools.cache
def _alias_keys() -> dict[str, str]:
    """Alias lookup by Chinese text and by full pinyin."""
    keys = {}
    for alias, official in ALIASES.items():
        keys[alias] = official
        keys["".join(_syllables_of(alias))] = official
    return keys


def expand_alias(text: str) -> str | None:
    """The official words for a common name (``低保``, ``dibao`` -> ``最低生活保障``), if any."""
    return _alias_keys().get(normalise(text))


def build_match(text: str) -> str | None:
    """The FTS5 MATCH expression for a user's search text, or None if nothing is searchable.

    Only the first ``MAX_QUERY_CHARS`` characters and ``MAX_QUERY_TERMS`` words count.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_QUERY_CHARS]).lower()
    terms = []
    for word in text.split()[:MAX_QUERY_TERMS]:
        query = _term_query(word)
        official = expand_alias(word)
        if official:
            query = f"({query} OR {_term_query(official)})"
        if query:
            terms.append(query)
    return " AND ".join(terms) if terms else None

"""Search input is bounded and pinyin segmentation is linear: nothing typed or scanned makes
a search slow (1,000 letters raised RecursionError; 51 letters of pinyin took 31 s)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.catalogue.search_text import (
    MAX_QUERY_CHARS,
    _pinyin_syllables,
    build_match,
    segment_pinyin,
)

PIECES = ["nge", "ana", "xian", "a", "n", "g", "e", "er", "yang", "lao", "zhang", "v", "q"]


def reference(text: str) -> list[list[str]]:
    """The segmentation as it was specified (exhaustive), for short texts only."""
    syllables, prefixes = _pinyin_syllables()
    found: list[list[str]] = []

    def walk(rest: str, acc: list[str]) -> None:
        if len(found) >= 4:
            return
        if rest in prefixes:
            found.append([*acc, rest])
            if rest in syllables:
                return
        for end in range(min(6, len(rest)), 0, -1):
            head = rest[:end]
            if head in syllables and end < len(rest):
                walk(rest[end:], [*acc, head])

    if text.isascii() and text.isalpha():
        walk(text, [])
    return sorted(found, key=len)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5))
def test_the_linear_segmentation_reads_as_before(pieces):
    text = "".join(pieces)
    assert segment_pinyin(text) == reference(text)


@pytest.mark.parametrize("text", ["nge" * 17, "ana" * 17 + "v", "nge" * 21 + "v", "a" * 64])
def test_long_pinyin_is_segmented_at_once(text):
    started = time.perf_counter()
    segment_pinyin(text)
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize(
    "text",
    ["a" * 1000, "nge" * 400, "社保 " * 1000, "yang lao " * 500, "x" * 100_000],
    ids=["1000-letters", "1200-pinyin", "1000-words", "1000-pinyin-words", "100k"],
)
def test_any_search_text_is_answered_quickly(app, text):
    started = time.perf_counter()
    app.catalogue.search(text)
    assert build_match(text) is None or len(build_match(text)) < 20_000
    assert time.perf_counter() - started < 1.0


def test_a_search_counts_only_what_a_person_could_type():
    assert build_match("yanglao " + "x" * MAX_QUERY_CHARS) == build_match("yanglao " + "x" * 200)
    assert build_match("社保") and build_match("   ") is None

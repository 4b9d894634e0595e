"""Finding a service without pinyin: themes by life event (生育, 上学, 就业, 养老, 残疾,
身后事...), each with a picture, and the items most used at this site.

Many villagers cannot spell pinyin. The guide opens on 常办事项 (what this kiosk's cases
were most for) and on life events; an item belongs to an event when its name says so
(出生 → 生育, 丧葬 → 身后事...). Pictures are ``assets/pictograms/<key>.png``, drawn for
the program (``assets/pictograms/draw.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.core.catalogue import SearchHit


@dataclass(frozen=True)
class LifeEvent:
    """A life event: its key (the picture's and the message's name) and the words in an
    item's name that place it under the event."""

    key: str
    words: str

    def covers(self, name: str) -> bool:
        """True when an item with this name belongs to the event."""
        return re.search(self.words, name) is not None


LIFE_EVENTS = (
    LifeEvent("birth", "出生|新生儿|生育|婴儿"),  # not 儿童: 事实无人抚养儿童 is hardship
    LifeEvent("school", "学生|上学|入学|助学|教育"),
    LifeEvent("work", "就业|失业|求职|创业|职业"),
    LifeEvent("old_age", "养老|退休|高龄|老年|待遇领取资格"),
    LifeEvent("health", "医疗|医保|就医|慢特病|报销"),
    LifeEvent("disability", "残疾"),
    LifeEvent("hardship", "低保|最低生活|特困|救助|困难|无人抚养|孤儿"),
    LifeEvent("home", "住房|宅基地|房屋|建房|危房|不动产"),
    LifeEvent("farming", "耕地|农机|农业|土地承包|畜禽|养殖"),
    LifeEvent("papers", "户口|身份证|居住证|户籍|迁移"),
    LifeEvent("death", "丧葬|死亡|殡葬|身后|逝者"),
)
POPULAR = 6


def event(key: str) -> LifeEvent:
    """The life event called ``key``; KeyError when there is none."""
    for e in LIFE_EVENTS:
        if e.key == key:
            return e
    raise KeyError(key)


def items_of_event(hits: list[SearchHit], key: str) -> list[SearchHit]:
    """The items (and bundles) of one life event."""
    chosen = event(key)
    return [hit for hit in hits if chosen.covers(hit.name)]


def popular(counted: list[SearchHit], every: list[SearchHit]) -> list[SearchHit]:
    """常办事项: the items most applied for here (``counted``, most first), filled up to
    :data:`POPULAR` with the first item of each life event while the counts are few."""
    chosen = list(counted[:POPULAR])
    for life in LIFE_EVENTS:
        if len(chosen) >= POPULAR:
            break
        first = next((h for h in every if life.covers(h.name) and h not in chosen), None)
        if first is not None:
            chosen.append(first)
    return chosen

"""办事指南: 常办事项 (most used here), life events with pictures, the catalogue's themes, a
search by pinyin initials (社保 -> SB), an item's page (split into pages a villager turns
with 上一页 / 下一页), and its materials list on paper with the page's QR code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core.catalogue import Item, SearchHit, Theme
from kiosk.core.flows.base import FlowServices, Result, Step, uses_services
from kiosk.core.forms import KeyedEntry
from kiosk.core.life_events import LIFE_EVENTS, items_of_event, popular
from kiosk.core.messages import Messages
from kiosk.core.receipts import Material, MaterialsList

if TYPE_CHECKING:  # printing needs the printer's drivers; a tablet has none
    from kiosk.core.printing import PrintResult

SEARCH_ENTRY = KeyedEntry("letters", 12)
SEARCH_LIMIT = 60
# How much of an item's guide one page holds when the front-end does not measure its
# page: lines of about LINE_CHARS characters.
PAGE_LINES = 9
LINE_CHARS = 30


@dataclass(frozen=True)
class EventTile:
    """A life event on the guide's first page: its key (picture, name) and how many items."""

    key: str
    count: int


@dataclass(frozen=True, kw_only=True)
class ThemesStep(Step):
    """The guide's first page: 常办事项, life events, and the catalogue's themes."""

    popular: tuple[SearchHit, ...]
    events: tuple[EventTile, ...]
    themes: tuple[Theme, ...]


@dataclass(frozen=True, kw_only=True)
class SearchStep(Step):
    """The items matching the initials typed so far, best first."""

    letters: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, kw_only=True)
class ItemsStep(Step):
    """A list of items under a heading (a theme's or a life event's name, or the letters)."""

    heading: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True)
class GuideSection:
    """A heading and its lines, on one page of an item's guide."""

    heading: str
    lines: tuple[str, ...]


# Whether one page holds these sections (a front-end measures its page).
PageFits = Callable[[Sequence[GuideSection]], bool]


@dataclass(frozen=True, kw_only=True)
class ItemStep(Step):
    """One item's guide in ``sections``, and the text of its QR code (the same on the
    screen and on the printed materials list). A front-end shows it in pages
    (:meth:`in_pages`, measured by what its page holds); ``pages`` counts the pages of
    the estimate by lines."""

    item: Item
    sections: tuple[GuideSection, ...]
    qr_text: str

    def in_pages(self, fits: PageFits | None = None) -> tuple[tuple[GuideSection, ...], ...]:
        """The sections on pages; ``fits`` tells whether a page holds some sections (the
        front-end measures its page), else an estimate by lines."""
        return paginate(self.sections, fits)


def material_line(m, messages: Messages) -> str:
    """``居民身份证：原件 1 份``."""
    t = messages.get
    parts = []
    if m.originals:
        parts.append(f"{t('guide.item.original')} {t('guide.item.copies', count=m.originals)}")
    if m.copies:
        parts.append(f"{t('guide.item.copy')} {t('guide.item.copies', count=m.copies)}")
    optional = f"（{t('guide.item.optional')}）" if not m.required else ""
    return f"{m.name}{optional}：{'，'.join(parts)}"


def time_limit(item: Item, messages: Messages) -> str:
    """``1 个工作日（法定 5 个工作日）``, or 当场办结."""
    t = messages.get
    if item.promised_days == 0:
        return t("guide.item.time_limit.instant")
    promised = t("guide.item.time_limit.days", days=item.promised_days)
    return f"{promised}（{t('guide.item.time_limit.legal', days=item.legal_days)}）"


def guide_sections(item: Item, messages: Messages) -> tuple[GuideSection, ...]:
    """An item's guide: conditions, materials, time limit, fee, where else it is done."""
    t = messages.get
    where = (
        "、".join(t(f"guide.reach.{code}") for code in item.reach)
        if item.reach
        else t("guide.item.where.none")
    )
    return (
        GuideSection(t("guide.item.conditions"), tuple(item.conditions)),
        GuideSection(
            t("guide.item.materials"), tuple(material_line(m, messages) for m in item.materials)
        ),
        GuideSection(t("guide.item.time_limit"), (time_limit(item, messages),)),
        GuideSection(t("guide.item.fee"), (item.fee or t("guide.item.fee.free"),)),
        GuideSection(t("guide.item.where"), (where,)),
    )


def _lines(text: str) -> int:
    return max(1, -(-len(text) // LINE_CHARS))


def estimated_fit(sections: Sequence[GuideSection]) -> bool:
    """True when the sections take at most :data:`PAGE_LINES` lines (a heading is one)."""
    return sum(1 + sum(_lines(line) for line in s.lines) for s in sections) <= PAGE_LINES


def paginate(
    sections: Sequence[GuideSection], fits: PageFits | None = None
) -> tuple[tuple[GuideSection, ...], ...]:
    """Sections on as many pages as it takes, each page what ``fits`` says it holds (default
    :func:`estimated_fit`): a long section continues on the next page under its heading
    again; nothing is cut (a line too long for a page has a page of its own)."""
    fits = fits or estimated_fit
    pages: list[list[GuideSection]] = [[]]
    for section in sections:
        lines: list[str] = []
        for line in section.lines:
            trial = GuideSection(section.heading, (*lines, line))
            if not fits([*pages[-1], trial]) and (lines or pages[-1]):
                if lines:
                    pages[-1].append(GuideSection(section.heading, tuple(lines)))
                pages.append([])
                lines = []
            lines.append(line)
        pages[-1].append(GuideSection(section.heading, tuple(lines)))
    return tuple(tuple(page) for page in pages if page)


def guide_qr_text(item: Item, messages: Messages, site_name: str) -> str:
    """The text of the guide's QR code: a phone shows it, and keeps it, without a network."""
    t = messages.get
    lines = [item.name, item.department, "", t("guide.item.materials")]
    lines += [f"{i}. {material_line(m, messages)}" for i, m in enumerate(item.materials, 1)]
    lines += ["", f"{t('guide.item.time_limit')}：{time_limit(item, messages)}"]
    lines += [f"{t('guide.item.fee')}：{item.fee}", site_name]
    return "\n".join(lines)


def materials_list(item: Item, messages: Messages, qr_text: str = "") -> MaterialsList:
    """The printable materials list of a catalogue item (with the guide's QR code text)."""
    t = messages.get
    lines = [
        Material(
            name=m.name,
            kind=t("guide.item.original") if m.originals else t("guide.item.copy"),
            copies=m.originals or m.copies,
            note="" if m.required else t("guide.item.optional"),
        )
        for m in item.materials
    ]
    return MaterialsList(
        item_name=item.name,
        materials=lines,
        time_limit=time_limit(item, messages),
        place=item.department,
        fee=item.fee or t("guide.item.fee.free"),
        guide_qr=qr_text,
    )


class GuideFlow:
    """Browsing the service guide; nothing personal is held."""

    personal = False

    def __init__(self, messages: Messages) -> None:
        self.messages = messages
        self.searched = SearchStep(letters="", hits=())

    def _every(self, services: FlowServices) -> list[SearchHit]:
        catalogue = services.catalogue
        return [hit for theme in catalogue.themes() for hit in catalogue.in_theme(theme.name)]

    @uses_services()
    def themes(self, services: FlowServices) -> Result:
        """The guide's first page: 常办事项, life events, themes."""
        every = self._every(services)
        by_code = {hit.code: hit for hit in every}
        counted = [by_code[c] for c in services.cases.popular_items() if c in by_code]
        events = tuple(
            EventTile(life.key, len(items_of_event(every, life.key))) for life in LIFE_EVENTS
        )
        return ThemesStep(
            popular=tuple(popular(counted, every)),
            events=tuple(e for e in events if e.count),
            themes=tuple(services.catalogue.themes()),
        )

    @uses_services()
    def open_theme(self, services: FlowServices, theme: str) -> Result:
        """The items of one theme."""
        return ItemsStep(heading=theme, hits=tuple(services.catalogue.in_theme(theme)))

    @uses_services()
    def open_event(self, services: FlowServices, key: str) -> Result:
        """The items of one life event."""
        hits = items_of_event(self._every(services), key)
        return ItemsStep(heading=self.messages.get(f"life.{key}"), hits=tuple(hits))

    def _nothing_typed(self, letters: str) -> Result | None:
        if letters:
            return None
        self.searched = SearchStep(letters="", hits=())
        return self.searched

    @uses_services(_nothing_typed)
    def search(self, services: FlowServices, letters: str) -> Result:
        """The items matching ``letters`` (pinyin initials, a name, or a code)."""
        hits = services.catalogue.search(letters, limit=SEARCH_LIMIT)
        self.searched = SearchStep(letters=letters, hits=tuple(hits))
        return self.searched

    def all_hits(self) -> ItemsStep:
        """Every match of the last search, as a list of items."""
        return ItemsStep(heading=self.searched.letters, hits=self.searched.hits)

    @uses_services()
    def open_item(self, services: FlowServices, code: str) -> Result:
        """The guide page of item ``code``, its first page."""
        item = services.catalogue.item(code)
        sections = guide_sections(item, self.messages)
        return ItemStep(
            item=item,
            sections=sections,
            qr_text=guide_qr_text(item, self.messages, services.config.site.name),
            page=1,
            pages=len(paginate(sections)),
        )

    @uses_services()
    def print_materials(self, services: FlowServices, step: ItemStep) -> PrintResult:
        """Print the item's materials list with the QR code the page shows."""
        return services.printer.materials(materials_list(step.item, self.messages, step.qr_text))

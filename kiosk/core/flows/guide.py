"""办事指南: themes, a theme's items, a search by pinyin initials (社保 -> SB), an item's page,
and its materials list on paper."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.catalogue import Item, SearchHit, Theme
from kiosk.core.flows.base import FlowServices, Result, Step, uses_services
from kiosk.core.forms import KeyedEntry
from kiosk.core.messages import Messages
from kiosk.core.printing import PrintResult
from kiosk.core.receipts import Material, MaterialsList

SEARCH_ENTRY = KeyedEntry("letters", 12)
SEARCH_LIMIT = 60


@dataclass(frozen=True, kw_only=True)
class ThemesStep(Step):
    """The catalogue's themes, each with its number of items."""

    themes: tuple[Theme, ...]


@dataclass(frozen=True, kw_only=True)
class SearchStep(Step):
    """The items matching the initials typed so far, best first."""

    letters: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, kw_only=True)
class ItemsStep(Step):
    """A list of items under a heading (a theme's name, or the letters searched)."""

    heading: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, kw_only=True)
class ItemStep(Step):
    """One item's guide page."""

    item: Item


def materials_list(item: Item, messages: Messages) -> MaterialsList:
    """The printable materials list of a catalogue item."""
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
        legal_days=item.legal_days,
        promised_days=item.promised_days,
        place=item.department,
        fee=item.fee,
    )


class GuideFlow:
    """Browsing the service guide; nothing personal is held."""

    personal = False

    def __init__(self, messages: Messages) -> None:
        self.messages = messages
        self.searched = SearchStep(letters="", hits=())

    @uses_services()
    def themes(self, services: FlowServices) -> Result:
        """The themes to choose from."""
        return ThemesStep(themes=tuple(services.catalogue.themes()))

    @uses_services()
    def open_theme(self, services: FlowServices, theme: str) -> Result:
        """The items of one theme."""
        return ItemsStep(heading=theme, hits=tuple(services.catalogue.in_theme(theme)))

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
        """The guide page of item ``code``."""
        return ItemStep(item=services.catalogue.item(code))

    @uses_services()
    def print_materials(self, services: FlowServices, item: Item) -> PrintResult:
        """Print the item's materials list (the result says whether paper came out)."""
        return services.printer.materials(materials_list(item, self.messages))

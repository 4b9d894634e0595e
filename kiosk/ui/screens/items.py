"""A page of catalogue items (a theme's, or all search results), six big buttons a page."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen

PAGE_SIZE = 6


class ItemsScreen(KioskScreen):
    """Pages of items; tapping one opens its guide page (or, when applying, its form)."""

    kv_name = "items"
    heading = StringProperty("")
    hits = ListProperty()
    page = NumericProperty(0)

    def load_theme(self, theme: str) -> None:
        """Show the items of ``theme``."""
        self.forward(self.session.guide.open_theme, theme)

    def render(self, step) -> None:
        """The items of an :class:`ItemsStep`, from the first page."""
        super().render(step)
        self.heading = step.heading
        self.page = 0
        self.hits = list(step.hits)
        self._fill()

    def turn(self, step: int) -> None:
        """Next (+1) or previous (-1) page."""
        last = max(0, (len(self.hits) - 1) // PAGE_SIZE)
        self.page = min(last, max(0, self.page + step))
        self._fill()

    @property
    def pages(self) -> int:
        """How many pages the items fill."""
        return max(1, -(-len(self.hits) // PAGE_SIZE))

    def _fill(self) -> None:
        grid = self.ids.item_grid
        grid.clear_widgets()
        start = self.page * PAGE_SIZE
        for hit in self.hits[start : start + PAGE_SIZE]:
            # The name alone, as large as fits (the county department under it read as
            # "go to the county").
            button = Factory.NameButton(text=hit.name)
            button.code = hit.code
            button.bind(on_release=lambda b: self.open_item(b.code))
            grid.add_widget(button)

    def open_item(self, code: str) -> None:
        """Open the guide page of one item."""
        self.forward(self.session.guide.open_item, code)

    def wipe(self) -> None:
        super().wipe()
        self.hits = []
        self.page = 0

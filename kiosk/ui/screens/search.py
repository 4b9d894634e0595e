"""办事指南 search: an on-screen keyboard of letters for pinyin initials (社保 -> SB); no IME."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import ListProperty, StringProperty

from kiosk.core.flows.guide import SEARCH_ENTRY
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import FitLabel, KButton, apply_key

SHOWN = 3


class SearchScreen(KioskScreen):
    """Typed letters, the best three matches as buttons, and all matches a tap away."""

    kv_name = "search"
    voice_key = "voice.guide"
    typed = StringProperty("")
    hits = ListProperty()

    def on_key(self, key: str) -> None:
        """A key of the letter pad."""
        self.typed = apply_key(self.typed, key, SEARCH_ENTRY.max_length)
        self.forward(self.session.guide.search, self.typed, done=self._found)

    def _found(self, step) -> None:
        if step.letters != self.typed:
            return  # a later key is on its way
        self.render(step)
        self.hits = list(step.hits)
        row = self.ids.results
        row.clear_widgets()
        for hit in step.hits[:SHOWN]:
            button = Factory.NameButton(text=hit.name)
            button.code = hit.code
            button.bind(on_release=lambda b: self.forward(self.session.guide.open_item, b.code))
            row.add_widget(button)
        if self.typed and not step.hits:  # said big where the results would be
            none = FitLabel(text=self.app.t("guide.search.none"), max_size=self.app.fs["title"])
            none.color, none.bold = self.app.pal["danger"], True
            row.add_widget(none)
        if len(step.hits) > SHOWN:
            more = KButton(text=self.app.t("guide.search.all", count=len(step.hits)))
            more.bind(on_release=lambda _b: self.show_all())
            row.add_widget(more)

    def show_all(self) -> None:
        """Every match on the item pages."""
        self.forward(self.session.guide.all_hits)

    def wipe(self) -> None:
        super().wipe()
        self.typed = ""
        self.hits = []
        self.ids.results.clear_widgets()

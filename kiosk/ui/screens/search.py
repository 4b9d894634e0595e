"""办事指南 search: an on-screen keyboard of letters for pinyin initials (社保 -> SB); no IME."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton, apply_key

MAX_LETTERS = 12
SHOWN = 3
RESULT_LIMIT = 60


class SearchScreen(KioskScreen):
    """Typed letters, the best three matches as buttons, and all matches a tap away."""

    kv_name = "search"
    voice_key = "voice.guide"
    typed = StringProperty("")
    hits = ListProperty()

    def on_key(self, key: str) -> None:
        """A key of the letter pad."""
        self.typed = apply_key(self.typed, key, MAX_LETTERS)
        text = self.typed
        if not text:
            self._found(text, [])
            return
        self.app.call(
            lambda s: s.catalogue.search(text, limit=RESULT_LIMIT),
            lambda hits: self._found(text, hits),
        )

    def _found(self, text: str, hits: list) -> None:
        if text != self.typed:
            return  # a later key is on its way
        self.hits = hits
        row = self.ids.results
        row.clear_widgets()
        for hit in hits[:SHOWN]:
            button = KButton(role="surface", text=f"[b]{hit.name}[/b]")
            button.code = hit.code
            button.bind(on_release=lambda b: self.app.screen("items").open_item(b.code))
            row.add_widget(button)
        if len(hits) > SHOWN:
            more = KButton(text=self.app.t("guide.search.all", count=len(hits)))
            more.bind(on_release=lambda _b: self.show_all())
            row.add_widget(more)

    def show_all(self) -> None:
        """Every match on the item pages."""
        self.app.screen("items").show_hits(self.typed, list(self.hits))
        self.app.go("items")

    def wipe(self) -> None:
        self.typed = ""
        self.hits = []
        self.ids.results.clear_widgets()

"""办事指南: 常办事项 (what this kiosk's cases were most for), life events with pictures for
those who cannot spell pinyin, the catalogue's themes a tap away, and the pinyin search."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton, pictogram


class EventTile(KButton):
    """A life event's button: its picture and its name."""

    picture = ObjectProperty(None, allownone=True)
    icon = NumericProperty(100)


class GuideScreen(KioskScreen):
    """The guide's first page (a :class:`ThemesStep`)."""

    kv_name = "guide"
    voice_key = "voice.guide"
    showing_themes = BooleanProperty(False)

    def on_showing_themes(self, _screen, showing: bool) -> None:
        self.steps_back = showing  # 返回 from the themes is the first page, not home

    def refresh(self) -> None:
        self.showing_themes = False
        self.forward(self.session.guide.themes, done=self.render)  # not a move: stay here

    def render(self, step) -> None:
        """常办事项, life events and themes."""
        super().render(step)
        size = self.app.fs["small"]
        popular = self.ids.popular
        popular.clear_widgets()
        for hit in step.popular:
            button = Factory.NameButton(text=hit.name)
            button.code = hit.code
            button.bind(on_release=lambda b: self.forward(self.session.guide.open_item, b.code))
            popular.add_widget(button)
        events = self.ids.events
        events.clear_widgets()
        for i, tile in enumerate(step.events):
            button = EventTile(
                role=f"tile{i % 6}",
                text=self.app.t(f"life.{tile.key}"),
                picture=pictogram(tile.key),
            )
            button.key = tile.key
            button.bind(on_release=lambda b: self.forward(self.session.guide.open_event, b.key))
            events.add_widget(button)
        grid = self.ids.themes
        grid.clear_widgets()
        for i, theme in enumerate(step.themes):
            count = self.app.t("guide.items.count", count=theme.count)
            button = KButton(
                role=f"tile{i % 6}", text=f"[b]{theme.name}[/b]\n[size={size}]{count}[/size]"
            )
            button.theme = theme.name
            button.bind(on_release=lambda b: self.open_theme(b.theme))
            grid.add_widget(button)

    def open_theme(self, theme: str) -> None:
        """Show the items of one theme."""
        self.forward(self.session.guide.open_theme, theme)

    def go_back(self) -> None:
        """返回: from the themes to the first page, else the previous screen."""
        if self.showing_themes:
            self.showing_themes = False
        else:
            self.app.back()

"""办事指南: themes of the catalogue, and the way into the pinyin-initials search."""

from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import KButton


class GuideScreen(KioskScreen):
    """One button per theme, with its number of items."""

    kv_name = "guide"
    voice_key = "voice.guide"

    def refresh(self) -> None:
        self.forward(self.session.guide.themes, done=self.render)  # not a move: stay here

    def render(self, step) -> None:
        """One button per theme (a :class:`ThemesStep`)."""
        super().render(step)
        grid = self.ids.themes
        grid.clear_widgets()
        for i, theme in enumerate(step.themes):
            count = self.app.t("guide.items.count", count=theme.count)
            size = self.app.fs["small"]
            button = KButton(
                role=f"tile{i % 6}", text=f"[b]{theme.name}[/b]\n[size={size}]{count}[/size]"
            )
            button.theme = theme.name
            button.bind(on_release=lambda b: self.open_theme(b.theme))
            grid.add_widget(button)

    def open_theme(self, theme: str) -> None:
        """Show the items of one theme."""
        self.forward(self.session.guide.open_theme, theme)

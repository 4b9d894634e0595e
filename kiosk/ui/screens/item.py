"""An item's guide: conditions, materials, time limits, fee, 通办, in pages turned with
上一页 / 下一页; a QR code of the guide (the printed materials list carries the same).

The pages are what this screen's page holds, measured in its font (大字模式 makes more of
them), so nothing runs off the page."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.core.text.markup import MarkupLabel
from kivy.properties import (
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class ItemScreen(KioskScreen):
    """What to bring and what to expect, for one item (an :class:`ItemStep`)."""

    kv_name = "item"
    item = ObjectProperty(None, allownone=True)
    body = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    page = NumericProperty(1)
    pages = NumericProperty(1)
    sheets = ListProperty()  # the sections on each page

    def on_kv_post(self, *_args: object) -> None:
        self._repaginate = Clock.create_trigger(self._paginate, -1)
        self.ids.body.bind(size=self._repaginate, font_size=self._repaginate)

    def render(self, step) -> None:
        """The guide of ``step.item``, from its first page."""
        super().render(step)
        self.item = step.item
        self.page = 1
        self._paginate()
        self.qr = qr_texture(step.qr_text, box_px=6)

    def _paginate(self, *_args: object) -> None:
        if self.step is None:
            return
        self.sheets = list(self.step.in_pages(self._fits))
        self.pages = len(self.sheets)
        self.page = min(self.page, self.pages)
        self._fill()

    def _markup(self, sections) -> str:
        big = self.app.fs["title"]
        return "\n\n".join(
            f"[size={big}][b]{s.heading}[/b][/size]\n"
            + "\n".join(f"  · {line}" for line in s.lines)
            for s in sections
        )

    def _fits(self, sections) -> bool:
        """Whether the page holds ``sections`` in the body's font and width."""
        body = self.ids.body
        if body.width < 2 or body.height < 2:
            return True  # not laid out yet: paginated again once it is
        probe = MarkupLabel(
            text=self._markup(sections),
            font_size=body.font_size,
            line_height=body.line_height,
            text_size=(body.width, None),
        )
        probe.render()
        return probe._internal_size[1] <= body.height

    def turn(self, delta: int) -> None:
        """上一页 / 下一页."""
        self.page = min(self.pages, max(1, self.page + delta))
        self._fill()
        self.on_enter()

    def _fill(self) -> None:
        self.body = self._markup(self.sheets[self.page - 1]) if self.sheets else ""

    def on_enter(self, *_args: object) -> None:
        """Read the page aloud (the voice says what is written)."""
        if self.sheets:
            sections = self.sheets[self.page - 1]
            self.app.say("。".join(f"{s.heading}：{'；'.join(s.lines)}" for s in sections))

    def print_materials(self) -> None:
        """Print the materials list (with the guide's QR code)."""
        if self.step is not None:
            self.forward_once(self.session.guide.print_materials, self.step, done=self._printed)

    def _printed(self, result) -> None:
        if result.printed:
            self.app.show_message("guide.item.printed", role="success")
        else:
            self.app.show_message("guide.item.no_print")

    def apply(self) -> None:
        """我要办这件事: start the application for this item."""
        if self.item is not None:
            self.forward(self.session.application.choose_item, self.item)

    def wipe(self) -> None:
        super().wipe()
        self.item = None
        self.body = ""
        self.qr = None
        self.sheets = []
        self.page = self.pages = 1

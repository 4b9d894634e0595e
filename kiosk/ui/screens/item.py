"""An item's guide: conditions, materials, time limits, fee, 通办, in pages turned with
上一页 / 下一页; a QR code of the guide (the printed materials list carries the same)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class ItemScreen(KioskScreen):
    """What to bring and what to expect, for one item (an :class:`ItemStep`)."""

    kv_name = "item"
    item = ObjectProperty(None, allownone=True)
    body = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    printing = BooleanProperty(False)
    page = NumericProperty(1)
    pages = NumericProperty(1)

    def render(self, step) -> None:
        """The guide of ``step.item``, from its first page."""
        super().render(step)
        self.item = step.item
        self.pages = len(step.sections_by_page)
        self.page = 1
        self._fill()
        self.qr = qr_texture(step.qr_text, box_px=6)

    def turn(self, delta: int) -> None:
        """上一页 / 下一页."""
        self.page = min(self.pages, max(1, self.page + delta))
        self._fill()

    def _fill(self) -> None:
        big = self.app.fs["title"]
        sections = self.step.sections_by_page[self.page - 1]
        self.body = "\n\n".join(
            f"[size={big}][b]{s.heading}[/b][/size]\n"
            + "\n".join(f"  · {line}" for line in s.lines)
            for s in sections
        )

    def on_enter(self, *_args: object) -> None:
        """Read the page aloud (the voice says what is written)."""
        if self.step is not None:
            sections = self.step.sections_by_page[self.page - 1]
            self.app.say("。".join(f"{s.heading}：{'；'.join(s.lines)}" for s in sections))

    def print_materials(self) -> None:
        """Print the materials list (with the guide's QR code)."""
        if self.step is None or self.printing:
            return
        self.printing = True
        self.forward(
            self.session.guide.print_materials,
            self.step,
            done=self._printed,
            failed=self._print_failed,
        )

    def _printed(self, result) -> None:
        self.printing = False
        if result.printed:
            self.app.show_message("guide.item.printed", role="success")
        else:
            self.app.show_message("guide.item.no_print")

    def _print_failed(self, exc: BaseException) -> None:
        self.printing = False
        self.app.show_problem(exc)

    def apply(self) -> None:
        """我要办这件事: start the application for this item."""
        if self.item is not None:
            self.forward(self.session.application.choose_item, self.item)

    def wipe(self) -> None:
        super().wipe()
        self.item = None
        self.body = ""
        self.qr = None
        self.page = self.pages = 1

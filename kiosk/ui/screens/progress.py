"""进度查询: the card, a typed ID number, the receipt's reference (typed or scanned) or its QR
-> the cases, where each stands in true words, its steps and what to do next."""

from __future__ import annotations

from datetime import datetime

from kivy.graphics import Color, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.core.wording import long_date
from kiosk.ui.screens.base import KioskScreen

SHOWN_CASES = 2


class ProgressScreen(KioskScreen):
    """A person's cases with their status timeline and promised dates."""

    kv_name = "progress"
    voice_key = "voice.progress"
    cases = ListProperty()
    searched = BooleanProperty(False)
    page = NumericProperty(0)
    pages = NumericProperty(1)
    _count_on_entry = False

    def on_card(self, card) -> None:
        """A card was read: look up that person."""
        self.forward(self.session.progress.card_read, card)

    def on_scan(self, text: str) -> None:
        """A receipt QR was scanned: show that case."""
        self.forward(self.session.progress.scanned, text)

    def key_in(self) -> None:
        """手动输入: key the ID number instead of the card."""
        self.forward(self.session.progress.key_in)

    def key_reference(self) -> None:
        """输入回执编号: key the reference on the receipt."""
        self.forward(self.session.progress.key_reference)

    def render(self, step) -> None:
        """The cases found (a :class:`CasesStep`), with their steps."""
        super().render(step)
        self.cases = list(step.cases)
        self.searched = True
        self.page = 0
        self.pages = max(1, -(-len(self.cases) // SHOWN_CASES))
        self._fill()
        self._count_on_entry = self.app.manager.current != self.name
        if not self._count_on_entry:
            self._say_count()

    def turn(self, delta: int) -> None:
        """上一页 / 下一页 of the cases found."""
        self.page = min(self.pages - 1, max(0, self.page + delta))
        self._fill()

    def _fill(self) -> None:
        box = self.ids.cases
        box.clear_widgets()
        start = self.page * SHOWN_CASES
        for case in self.cases[start : start + SHOWN_CASES]:
            box.add_widget(self._case_panel(case))

    def on_enter(self, *_args: object) -> None:
        super().on_enter()
        if self._count_on_entry:  # arrived with the cases of a keyed number
            self._count_on_entry = False
            self._say_count()

    def _say_count(self) -> None:
        count = len(self.cases)
        self.app.say(
            self.app.t("progress.count", count=count) if count else self.app.t("progress.none")
        )

    def _case_panel(self, case) -> BoxLayout:
        t, messages = self.app.t, self.app.messages
        summary = case.summary
        stage = t(f"case.stage.{case.stage}")
        title = self.app.fs["title"]
        lines = [
            f"[size={title}][b]{summary.item_name}[/b]   "
            f"[color={self._hex('primary')}]{stage}[/color][/size]"
        ]
        if summary.reference:
            lines.append(t("progress.reference", reference=summary.reference))
        if case.promised_shown:
            lines.append(t("progress.promised", date=long_date(summary.promised_date, messages)))
        steps = "  →  ".join(self._step(e.status, e.at) for e in case.timeline)
        lines.append(steps)
        lines += [line.text(messages) for line in case.next_steps]
        panel = BoxLayout(orientation="vertical", padding=dp(20))
        with panel.canvas.before:
            Color(*self.app.pal["surface"])
            panel._bg = RoundedRectangle(radius=[dp(20)])
        panel.bind(
            pos=lambda w, pos: setattr(w._bg, "pos", pos),
            size=lambda w, size: setattr(w._bg, "size", size),
        )
        label = Label(
            text="\n".join(lines),
            markup=True,
            color=self.app.pal["on_surface"],
            font_size=self.app.fs["small"],
            halign="left",
            valign="top",
        )
        label.bind(size=lambda w, size: setattr(w, "text_size", size))
        panel.add_widget(label)
        return panel

    def _step(self, status: str, at: str) -> str:
        moment, t = datetime.fromisoformat(at), self.app.t
        return t(
            "progress.step", month=moment.month, day=moment.day, status=t(f"case.status.{status}")
        )

    def _hex(self, role: str) -> str:
        r, g, b, _a = self.app.pal[role]
        return f"{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"

    def wipe(self) -> None:
        super().wipe()
        self.cases = []
        self.searched = False
        self.page, self.pages = 0, 1
        self.ids.cases.clear_widgets()

"""进度查询: the card, a typed ID number, the receipt's reference (typed or scanned) or its QR
-> the cases, where each stands in true words, its steps and what to do next."""

from __future__ import annotations

from datetime import datetime

from kivy.graphics import Color, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.wording import long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import FitLabel

SHOWN_CASES = 1  # a case a page, in print large enough to read
ACTION_STAGES = ("needs_correction", "rejected")  # the villager must do something


class ProgressScreen(KioskScreen):
    """A person's cases with their status timeline and promised dates."""

    kv_name = "progress"
    cases = ListProperty()
    searched = BooleanProperty(False)
    page = NumericProperty(0)
    pages = NumericProperty(1)
    _count_on_entry = False

    @property
    def voice_key(self) -> str:
        """The prompt: 扫描回执 only when receipts carry a code to scan (a platform link)."""
        return "voice.progress" if self.app.site.platform.url else "voice.progress.no_qr"

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
        """One case: its item and where it stands (a case needing the villager's action in
        red), its reference, promise and steps, then what to do next in bold; every text
        as large as its part of the page holds."""
        t, messages, fs = self.app.t, self.app.messages, self.app.fs
        summary = case.summary
        panel = BoxLayout(orientation="vertical", padding=dp(24), spacing=dp(8))
        with panel.canvas.before:
            Color(*self.app.pal["surface"])
            panel._bg = RoundedRectangle(radius=[dp(20)])
        panel.bind(
            pos=lambda w, pos: setattr(w._bg, "pos", pos),
            size=lambda w, size: setattr(w._bg, "size", size),
        )
        facts = []
        if summary.reference:
            facts.append(t("progress.reference", reference=summary.reference))
        if case.promised_shown:
            facts.append(t("progress.promised", date=long_date(summary.promised_date, messages)))
        steps = "  →  ".join(self._step(e.status, e.at) for e in case.timeline)
        heading = BoxLayout(size_hint_y=None, height=dp(90), spacing=dp(24))
        heading.add_widget(self._text(summary.item_name, fs["title"], "on_surface", True))
        stage = self._text(t(f"case.stage.{case.stage}"), fs["title"], self._stage_colour(case))
        stage.bold, stage.halign = True, "right"
        heading.add_widget(stage)
        panel.add_widget(heading)
        details = self._text("\n".join([*filter(None, ["   ".join(facts), steps])]), fs["small"])
        details.size_hint_y = 0.6
        panel.add_widget(details)
        panel.add_widget(
            self._text("\n".join(s.text(messages) for s in case.next_steps), fs["body"], bold=True)
        )
        return panel

    def _text(self, text: str, size: float, colour: str = "on_surface", bold: bool = False):
        label = FitLabel(text=text, max_size=size, bold=bold, halign="left")
        label.color = self.app.pal[colour]
        return label

    @staticmethod
    def _stage_colour(case) -> str:
        return "danger" if case.stage in ACTION_STAGES else "primary"

    def _step(self, status: str, at: str) -> str:
        """``11月24日 还要补交材料`` (what to bring is in the next steps, in large type)."""
        moment, t = datetime.fromisoformat(at), self.app.t
        return t(
            "progress.step", month=moment.month, day=moment.day, status=t(f"case.status.{status}")
        )

    def wipe(self) -> None:
        super().wipe()
        self.cases = []
        self.searched = False
        self.page, self.pages = 0, 1
        self.ids.cases.clear_widgets()

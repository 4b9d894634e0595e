"""进度查询: the card, a typed ID number or the receipt's QR -> that person's cases and steps."""

from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.ui.screens.base import KioskScreen

SHOWN_CASES = 3


class ProgressScreen(KioskScreen):
    """A person's cases with their status timeline and promised dates."""

    kv_name = "progress"
    voice_key = "voice.progress"
    cases = ListProperty()
    searched = BooleanProperty(False)
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

    def render(self, step) -> None:
        """The cases found (a :class:`CasesStep`), with their steps."""
        super().render(step)
        self.cases = list(step.cases)
        self.searched = True
        box = self.ids.cases
        box.clear_widgets()
        for case in step.cases[:SHOWN_CASES]:
            box.add_widget(self._case_panel(case.summary, case.timeline))
        self._count_on_entry = self.app.manager.current != self.name
        if not self._count_on_entry:
            self._say_count()

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

    def _case_panel(self, summary, timeline) -> BoxLayout:
        t = self.app.t
        status = t(f"case.status.{summary.status or 'submitted'}")
        title = self.app.fs["title"]
        lines = [
            f"[size={title}][b]{summary.item_name}[/b]   "
            f"[color={self._hex('primary')}]{status}[/color][/size]"
        ]
        if summary.case_no:
            lines.append(t("receipt.case_no", case_no=summary.case_no))
        if summary.promised_date:
            lines.append(t("progress.promised", date=summary.promised_date.isoformat()))
        steps = "  →  ".join(f"{t(f'case.status.{e.status}')} {e.at[5:10]}" for e in timeline)
        lines.append(steps)
        panel = BoxLayout(orientation="vertical", padding=dp(24))
        label = Label(
            text="\n".join(lines),
            markup=True,
            color=self.app.pal["on_surface"],
            font_size=self.app.fs["body"],
            halign="left",
            valign="top",
        )
        label.bind(size=lambda w, size: setattr(w, "text_size", size))
        panel.add_widget(label)
        return panel

    def _hex(self, role: str) -> str:
        r, g, b, _a = self.app.pal[role]
        return f"{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"

    def wipe(self) -> None:
        super().wipe()
        self.cases = []
        self.searched = False
        self.ids.cases.clear_widgets()

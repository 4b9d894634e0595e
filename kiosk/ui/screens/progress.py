"""进度查询: the card, a typed ID number or the receipt's QR -> that person's cases and steps."""

from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.core.applying import case_id_from_scan
from kiosk.ui.screens.base import KioskScreen

SHOWN_CASES = 3


class ProgressScreen(KioskScreen):
    """A person's cases with their status timeline and promised dates."""

    kv_name = "progress"
    voice_key = "voice.progress"
    cases = ListProperty()
    searched = BooleanProperty(False)

    def on_card(self, card) -> None:
        """A card was read: look up that person."""
        self.look_up(card.id_number)

    def on_scan(self, text: str) -> None:
        """A receipt QR was scanned: show that case."""
        case_id = case_id_from_scan(text)
        if case_id is None:
            self.app.show_message("progress.bad_qr")
            return
        self.app.call(
            lambda s: [self._with_timeline(s, s.cases.case(case_id).summary)], self._found
        )

    def look_up(self, id_number: str) -> None:
        """The cases of the person with this ID number (the number is not kept)."""

        def find(services):
            found = services.cases.cases_of_person(id_number)
            return [self._with_timeline(services, c) for c in found if c.state == "submitted"]

        self.app.call(find, self._found)
        if self.app.manager.current != "progress":
            self.app.go("progress")

    @staticmethod
    def _with_timeline(services, summary):
        return summary, services.cases.timeline(summary.case_id)

    def _found(self, cases: list) -> None:
        self.cases = cases
        self.searched = True
        box = self.ids.cases
        box.clear_widgets()
        for summary, timeline in cases[:SHOWN_CASES]:
            box.add_widget(self._case_panel(summary, timeline))
        self.app.say(
            self.app.t("progress.count", count=len(cases)) if cases else self.app.t("progress.none")
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
        self.cases = []
        self.searched = False
        self.ids.cases.clear_widgets()

"""办不成事: what could not be done (a choice), an optional phone on the pad, a reference number."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key

KINDS = ("who", "materials", "trips", "system", "nobody", "other")
PHONE_LENGTH = 11


class UnsolvedScreen(KioskScreen):
    """Choose the problem, then (optionally) a phone number, then submit."""

    kv_name = "unsolved"
    voice_key = "voice.unsolved"
    kind = StringProperty("")
    phone = StringProperty("")
    reference = StringProperty("")
    problem = StringProperty("")

    def choose(self, kind: str) -> None:
        """A problem was chosen: ask for a phone number next."""
        self.kind = kind
        self.app.say(self.app.t("unsolved.phone"))

    def on_key(self, key: str) -> None:
        """A key of the phone pad."""
        self.problem = ""
        self.phone = apply_key(self.phone, key, PHONE_LENGTH)

    def submit(self, with_phone: bool) -> None:
        """Record the report (the feedback service checks the phone number)."""
        description = self.app.t(f"unsolved.kind.{self.kind}")
        phone = self.phone if with_phone else None
        item_code = self.app.session.item_code
        self.app.call(
            lambda s: s.feedback.report_unsolved(description, item_code, phone),
            self._recorded,
            self._failed,
        )

    def _recorded(self, report) -> None:
        self.reference = report.reference_no
        self.phone = ""
        self.app.say(self.app.t("unsolved.done", ref=report.reference_no))

    def _failed(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if errors:
            self.problem = self.app.t(errors[0].key, **errors[0].params())
        else:
            self.app.show_problem(exc)

    def wipe(self) -> None:
        self.kind = self.phone = self.reference = self.problem = ""

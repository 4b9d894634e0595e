"""办不成事: what could not be done (a choice), an optional phone on the pad, a reference number."""

from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from kiosk.core.flows.unsolved import PHONE_ENTRY
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key


class UnsolvedScreen(KioskScreen):
    """Choose the problem, then (optionally) a phone number, then submit (an :class:`UnsolvedStep`)."""

    kv_name = "unsolved"
    voice_key = "voice.unsolved"
    speak_problems = False
    phone_entry = ObjectProperty(PHONE_ENTRY)
    kind = StringProperty("")
    phone = StringProperty("")
    reference = StringProperty("")
    next_text = StringProperty("")
    problem = StringProperty("")

    def render(self, step) -> None:
        """The section of the step: the kinds, the phone pad, or the reference number."""
        super().render(step)
        self.kind = step.kind
        self.next_text = "\n".join(line.text(self.app.messages) for line in step.next_steps)
        if step.reference and step.reference != self.reference:
            self.phone = ""
            said = self.app.t("unsolved.done", ref=step.reference)
            self.app.say(f"{said}{self.next_text}")
        elif step.kind and not step.reference:
            self.app.say(self.app.t("unsolved.phone"))
        self.reference = step.reference

    def choose(self, kind: str) -> None:
        """A problem was chosen: ask for a phone number next."""
        self.forward(self.session.unsolved.choose_kind, kind)

    def on_key(self, key: str) -> None:
        """A key of the phone pad."""
        self.problem = ""
        self.phone = apply_key(self.phone, key, self.phone_entry.max_length)

    def submit(self, with_phone: bool) -> None:
        """Record the report (the flow checks the phone number)."""
        self.forward(self.session.unsolved.submit, self.phone if with_phone else None)

    def wipe(self) -> None:
        super().wipe()
        self.kind = self.phone = self.reference = self.problem = self.next_text = ""

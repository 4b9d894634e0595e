"""Keying a number on the pad: an ID number (0-9 and X, checked with GB 11643) when the
reader fails, or the digits of a receipt's reference (LZ-1123-007) for 进度查询."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.cases.reference import DEFAULT_LETTERS, shown_while_typing
from kiosk.core.flows import FieldErrors
from kiosk.core.forms import ID_NUMBER_ENTRY, FieldError
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import apply_key


class IdEntryScreen(KioskScreen):
    """18 characters grouped 6-8-4 as on the card, or a reference as on the receipt; the
    flow they are for checks them."""

    kv_name = "id_entry"
    voice_key = "voice.id_entry"
    purpose = StringProperty("application")  # the flow the number goes to: application | progress
    answer = StringProperty("keyed_id_number")
    for_reference = BooleanProperty(False)
    keyed = StringProperty("")
    shown = StringProperty("")
    problem = StringProperty("")

    def render(self, step) -> None:
        """Key a number for the step method ``step.answer`` of the flow ``step.purpose``."""
        super().render(step)
        self.purpose = step.purpose
        self.answer = step.answer
        self.for_reference = step.entry.keys == "reference"
        self.keyed = ""
        self._show()

    def on_enter(self, *_args: object) -> None:
        key = "voice.reference_entry" if self.for_reference else self.voice_key
        self.app.say(self.app.t(key))

    def on_key(self, key: str) -> None:
        """A key of the pad."""
        entry = self.step.entry if self.step else ID_NUMBER_ENTRY
        self.keyed = apply_key(self.keyed, key, entry.max_length)
        self.problem = ""
        self._show()

    def _show(self) -> None:
        keyed = self.keyed
        if self.for_reference:
            self.shown = shown_while_typing(self.app.site.site.letters or DEFAULT_LETTERS, keyed)
            return
        groups = [keyed[:6], keyed[6:14], keyed[14:]]
        self.shown = "  ".join(g for g in groups if g)

    def refresh(self) -> None:
        self._show()

    def done(self) -> None:
        """确定: the flow checks the number and carries on with it."""
        flow = getattr(self.session, self.purpose)
        self.forward(getattr(flow, self.answer), self.keyed, done=self._answered)

    def _answered(self, result) -> None:
        if not isinstance(result, FieldErrors):
            self.keyed = ""
        self.follow(result)

    def refused(self, error: FieldError) -> None:
        """Short: how many are missing; wrong: said aloud too."""
        self.problem = self.app.t(error.key, **error.params())
        self.app.say(self.problem)

    def wipe(self) -> None:
        super().wipe()
        self.keyed = self.problem = self.shown = ""

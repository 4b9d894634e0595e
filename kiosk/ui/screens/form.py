"""我要办 step 3: the item's form, one field a page, touch widgets only.

Choices are buttons, numbers and phones a numeric pad, ID numbers the ID pad, dates a
date picker. Chinese free text cannot be typed here: an address comes from the ID card,
and a text field offers digits (bank accounts) or "explain at the counter". The flow
checks each value and keeps it in the draft before the next page.
"""

from __future__ import annotations

from datetime import date

from kivy.metrics import dp
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import DIGITS, ID_DIGITS, Choice, DatePicker, KButton, Keypad, apply_key

PADS = {"digits": DIGITS, "id": ID_DIGITS}


class FormScreen(KioskScreen):
    """One field of the draft's form (a :class:`FieldStep`)."""

    kv_name = "form"
    voice_key = "voice.form"
    label = StringProperty("")
    shown = StringProperty("")
    problem = StringProperty("")
    editor = ObjectProperty(None, allownone=True)

    def render(self, step) -> None:
        """Build the page of ``step.field``, holding ``step.value``."""
        super().render(step)
        self.shown = step.value
        self._build()

    def _set(self, value: str) -> None:
        self.shown = value
        self.problem = ""

    def _choices(self, options, cols: int, spacing: float) -> GridLayout:
        name = self.step.field.name
        grid = GridLayout(cols=cols, spacing=dp(spacing))
        for option in options:
            choice = Choice(text=option, value=option, group=f"form-{name}")
            choice.state = "down" if option == self.shown else "normal"
            choice.bind(on_release=lambda c: self._set(c.value if c.state == "down" else ""))
            grid.add_widget(choice)
        return grid

    def _build(self) -> None:
        step = self.step
        f = step.field
        self.label = f.label
        self.problem = ""
        box = self.ids.editor
        box.clear_widgets()
        if f.type == "choice":
            box.add_widget(self._choices(step.options, 3, 16))
        elif f.type == "date":
            picker = DatePicker()
            picker.set(date.fromisoformat(step.value))
            picker.bind(
                year=lambda p, _v: self._set(p.value.isoformat()),
                month=lambda p, _v: self._set(p.value.isoformat()),
                day=lambda p, _v: self._set(p.value.isoformat()),
            )
            box.add_widget(picker)
        elif f.type == "address":
            box.add_widget(self._choices(step.options, 1, 20))
        else:
            pad = Keypad(
                keys=PADS[step.entry.keys], spacing=dp(10), size_hint_x=None, width=dp(760)
            )
            pad.bind(on_key=lambda _p, key: self._key(key))
            box.add_widget(pad)
            if step.at_counter:
                counter = KButton(role="secondary", text=step.at_counter)
                counter.bind(on_release=lambda _b: self._set(step.at_counter))
                box.add_widget(counter)
        self.editor = box.children[0] if box.children else None

    def _key(self, key: str) -> None:
        step = self.step
        keyed = "" if step.at_counter and self.shown == step.at_counter else self.shown
        self._set(apply_key(keyed, key, step.entry.max_length))

    def next(self) -> None:
        """下一步: the flow checks this value and keeps it, then the next page."""
        self.forward(self.session.application.enter, self.step.field.name, self.shown)

    def previous(self) -> None:
        """上一步: the previous field, or the previous screen."""
        self.forward(self.session.application.previous, self.step.field.name)

    def wipe(self) -> None:
        super().wipe()
        self.label = self.shown = self.problem = ""
        self.ids.editor.clear_widgets()

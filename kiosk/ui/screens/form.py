"""我要办 step 3: the item's form, one field a page, touch widgets only.

Choices are buttons, numbers and phones a numeric pad, ID numbers the ID pad, dates a
date picker. Chinese free text cannot be typed here: an address comes from the ID card,
and a text field offers digits (bank accounts) or "explain at the counter". Each value is
checked by the case service (``update_form``) before the next page.
"""

from __future__ import annotations

from datetime import date

from kivy.metrics import dp
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import DIGITS, ID_DIGITS, Choice, DatePicker, KButton, Keypad, apply_key

PAD_TYPES = {"phone": DIGITS, "number": DIGITS, "id_number": ID_DIGITS, "text": DIGITS}
MAX_KEYED = {"phone": 11, "number": 9, "id_number": 18, "text": 30}


class FormScreen(KioskScreen):
    """Fill the draft's form field by field."""

    kv_name = "form"
    voice_key = "voice.form"
    item = ObjectProperty(None, allownone=True)
    step = NumericProperty(0)
    label = StringProperty("")
    shown = StringProperty("")
    problem = StringProperty("")
    editor = ObjectProperty(None, allownone=True)

    def begin(self) -> None:
        """Start at the first field of the session's item."""
        code = self.app.session.item_code
        self.step = 0
        self.app.call(lambda s: s.catalogue.item(code), self._loaded)

    def _loaded(self, item) -> None:
        self.item = item
        if not item.form:
            self._finish()
            return
        self._build()

    @property
    def field(self):
        """The field on this page."""
        return self.item.form[self.step]

    def _value(self) -> str:
        return str(self.app.session.form.get(self.field.name, ""))

    def _set(self, value: str) -> None:
        self.app.session.form[self.field.name] = value
        self.problem = ""
        self._show()

    def _show(self) -> None:
        self.shown = self._value()

    def _build(self) -> None:
        f = self.field
        self.label = f.label
        self.problem = ""
        box = self.ids.editor
        box.clear_widgets()
        if f.type == "choice":
            grid = GridLayout(cols=3, spacing=dp(16))
            for option in f.options:
                choice = Choice(text=option, value=option, group=f"form-{f.name}")
                choice.state = "down" if option == self._value() else "normal"
                choice.bind(on_release=lambda c: self._set(c.value if c.state == "down" else ""))
                grid.add_widget(choice)
            box.add_widget(grid)
        elif f.type == "date":
            picker = DatePicker()
            if self._value():
                picker.set(date.fromisoformat(self._value()))
            else:
                picker.set(self.app.clock.now().astimezone(self.app.zone).date())
            picker.bind(
                year=lambda p, _v: self._set(p.value.isoformat()),
                month=lambda p, _v: self._set(p.value.isoformat()),
                day=lambda p, _v: self._set(p.value.isoformat()),
            )
            self.app.session.form[f.name] = picker.value.isoformat()
            box.add_widget(picker)
        elif f.type == "address":
            grid = GridLayout(cols=1, spacing=dp(20))
            applicant = self.app.session.applicant
            options = [applicant.address] if applicant and applicant.address else []
            options.append(self.app.t("form.at_counter"))
            for option in options:
                choice = Choice(text=option, value=option, group=f"form-{f.name}")
                choice.state = "down" if option == self._value() else "normal"
                choice.bind(on_release=lambda c: self._set(c.value if c.state == "down" else ""))
                grid.add_widget(choice)
            box.add_widget(grid)
        else:
            pad = Keypad(
                keys=PAD_TYPES.get(f.type, DIGITS), spacing=dp(10), size_hint_x=None, width=dp(760)
            )
            pad.bind(on_key=lambda _p, key: self._key(key))
            box.add_widget(pad)
            if f.type == "text":
                counter = KButton(role="secondary", text=self.app.t("form.at_counter"))
                counter.bind(on_release=lambda _b: self._set(self.app.t("form.at_counter")))
                box.add_widget(counter)
        self.editor = box.children[0] if box.children else None
        self._show()

    def _key(self, key: str) -> None:
        f = self.field
        keyed = self._value()
        if keyed == self.app.t("form.at_counter"):
            keyed = ""
        self._set(apply_key(keyed, key, MAX_KEYED.get(f.type, 30)))

    def next(self) -> None:
        """下一步: check this value with the case service, then the next page."""
        f = self.field
        value = self._value()
        if f.required and not value.strip():
            self.problem = self.app.t("form.missing", label=f.label)
            self.app.say(self.problem)
            return
        case_id = self.app.session.case_id
        self.app.call(
            lambda s: s.cases.update_form(case_id, {f.name: value}), self._saved, self._invalid
        )

    def _saved(self, _form) -> None:
        if self.step + 1 < len(self.item.form):
            self.step += 1
            self._build()
        else:
            self._finish()

    def _invalid(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if not errors:
            self.app.show_problem(exc)
            return
        error = errors[0]
        self.problem = self.app.t(error.key, **error.params())
        self.app.say(self.problem)

    def previous(self) -> None:
        """上一步: the previous field, or the previous screen."""
        if self.step == 0:
            self.app.back()
            return
        self.step -= 1
        self._build()

    def _finish(self) -> None:
        self.app.screen("materials").begin()
        self.app.go("materials")

    def wipe(self) -> None:
        self.item = None
        self.step = 0
        self.label = self.shown = self.problem = ""
        self.ids.editor.clear_widgets()

"""我要办: the item's form, one field a page, touch widgets only.

Choices are buttons, numbers and phones the numeric pad, ID numbers the ID pad, dates the
date picker (早一天 / 今天 / 晚一天...), places province → city → county with big buttons.
A field that is the applicant's own address offers the address on the ID card, never
chosen for them. Chinese free text cannot be typed here: a text field offers digits
(bank accounts) or "explain at the counter". What is wrong shows right under the field.
"""

from __future__ import annotations

from datetime import date

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.core.regions import place_name
from kiosk.core.wording import group_phone, long_date
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import (
    DIGITS,
    ID_DIGITS,
    Choice,
    DatePicker,
    FitChoice,
    KButton,
    Keypad,
    apply_key,
)

PADS = {"digits": DIGITS, "id": ID_DIGITS}
CHOICE_COLUMNS = 4
CHOICE_SHORT = 5  # characters that fit a quarter of the row (农村信用社); longer: two columns
PLACE_COLUMNS, PLACE_ROWS = 4, 2


class FormScreen(KioskScreen):
    """One field of the draft's form (a :class:`FieldStep`)."""

    kv_name = "form"
    voice_key = "voice.form"
    label = StringProperty("")
    shown = StringProperty("")
    shown_text = StringProperty("")
    empty_text = StringProperty("")  # what the empty field says to do
    problem = StringProperty("")
    keyed = BooleanProperty(False)
    place_page = NumericProperty(0)

    def render(self, step) -> None:
        """Build the page of ``step.field``, holding ``step.value``."""
        if self.step is None or step.field.name != self.step.field.name:
            self.place_page = 0
        super().render(step)
        self.shown = step.value
        self.shown_text = self._readable(step.value)
        self._build()

    def on_shown(self, *_args: object) -> None:
        self.shown_text = self._readable(self.shown)

    def _readable(self, value: str) -> str:
        """The value as a villager reads it: a phone grouped, a date in words, a place
        being picked as far as it goes."""
        if self.step is not None and self.step.picks_place and not value and self.step.place_path:
            return place_name(self.step.place_path) + self.app.t("form.place.more")
        if not value or self.step is None:
            return value
        kind = self.step.field.type
        if kind == "phone":
            return group_phone(value)
        if kind == "id_number":
            return " ".join(p for p in (value[:6], value[6:14], value[14:]) if p)
        if kind == "date":
            try:
                return long_date(date.fromisoformat(value), self.app.messages)
            except ValueError:
                return value
        return value

    def _set(self, value: str) -> None:
        self.shown = value
        self.problem = ""

    def _choices(self, options, cols: int) -> GridLayout:
        name = self.step.field.name
        grid = GridLayout(cols=cols, spacing=dp(16))
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
        box, side = self.ids.editor, self.ids.pad_place
        box.clear_widgets()
        side.clear_widgets()
        self.keyed = step.entry is not None
        self.empty_text = self._empty_text(step)
        if f.type == "choice":
            short = max(map(len, step.options), default=0) <= CHOICE_SHORT
            box.add_widget(self._choices(step.options, CHOICE_COLUMNS if short else 2))
        elif f.type == "date":
            picker = DatePicker(today=step.today)
            if step.value:
                picker.value = date.fromisoformat(step.value)
            picker.bind(value=lambda p, v: self._set(v.isoformat() if v else ""))
            box.add_widget(picker)
        elif step.picks_place:
            box.add_widget(self._place_picker())
        elif f.type == "address":
            box.add_widget(self._choices(step.options, 1))
        else:
            pad = Keypad(keys=PADS[step.entry.keys], spacing=dp(14))
            pad.bind(on_key=lambda _p, key: self._key(key))
            side.add_widget(pad)
            if step.at_counter:
                counter = KButton(
                    role="secondary", text=step.at_counter, size_hint_y=None, height=dp(170)
                )
                counter.bind(on_release=lambda _b: self._set(step.at_counter))
                box.add_widget(counter)
            box.add_widget(BoxLayout())

    def _empty_text(self, step) -> str:
        """Type on the pad (a phone: a relative's will do); tap 今天 first; else choose."""
        t = self.app.t
        if step.entry is not None:
            return t("form.type.phone") if step.field.type == "phone" else t("form.type")
        if step.field.type == "date":
            return t("form.date.first")
        return t("form.choose")

    def _place_picker(self) -> BoxLayout:
        """The places of the level reached, a page of eight, with 重新选择 and the pages."""
        step, t = self.step, self.app.t
        per_page = PLACE_COLUMNS * PLACE_ROWS
        pages = max(1, -(-len(step.places) // per_page))
        self.place_page = min(self.place_page, pages - 1)
        start = self.place_page * per_page
        chosen = {r.code for r in step.place_path}
        grid = GridLayout(cols=PLACE_COLUMNS, rows=PLACE_ROWS, spacing=dp(14))
        for region in step.places[start : start + per_page]:
            button = FitChoice(text=region.name, value=region.code)
            button.state = "down" if region.code in chosen else "normal"
            button.region = region
            button.bind(on_release=lambda b: self._pick(b.region))
            grid.add_widget(button)
        for _ in range(per_page - len(step.places[start : start + per_page])):
            grid.add_widget(BoxLayout())
        row = BoxLayout(spacing=dp(14), size_hint_y=None, height=dp(170))
        again = KButton(role="secondary", text=t("form.place.again"))
        again.disabled = not step.place_path
        again.bind(
            on_release=lambda _b: self.forward(
                self.session.application.place_again, step.field.name
            )
        )
        # Not 上一页 / 下一页: beside 下一步 they differ by one character.
        earlier = KButton(role="secondary", text=t("form.place.earlier"))
        earlier.disabled = self.place_page == 0
        earlier.bind(on_release=lambda _b: self._turn(-1))
        later = KButton(role="secondary", text=t("form.place.later"))
        later.disabled = self.place_page >= pages - 1
        later.bind(on_release=lambda _b: self._turn(1))
        row.add_widget(again)
        row.add_widget(earlier)
        row.add_widget(later)
        box = BoxLayout(orientation="vertical", spacing=dp(14))
        box.add_widget(grid)
        box.add_widget(row)
        return box

    def _turn(self, delta: int) -> None:
        self.place_page += delta
        self._build()

    def _pick(self, region) -> None:
        if region.level != "county":
            self.place_page = 0
        self.forward(self.session.application.pick_place, self.step.field.name, region)

    def _key(self, key: str) -> None:
        step = self.step
        keyed = "" if step.at_counter and self.shown == step.at_counter else self.shown
        self._set(apply_key(keyed, key, step.entry.max_length))

    def next(self) -> None:
        """下一步: the flow checks this value and keeps it, then the next page."""
        self.forward(self.session.application.enter, self.step.field.name, self.shown)

    def go_back(self) -> None:
        """返回: the previous field, or the page before the form."""
        self.forward(self.session.application.previous, self.step.field.name)

    def wipe(self) -> None:
        super().wipe()
        self.label = self.shown = self.problem = ""
        self.place_page = 0
        self.ids.editor.clear_widgets()
        self.ids.pad_place.clear_widgets()

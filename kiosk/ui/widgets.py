"""The kiosk's building blocks: big buttons, choice buttons, keypads. Looks are in widgets.kv."""

from __future__ import annotations

import calendar
from datetime import date

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

BACKSPACE = "backspace"
CLEAR = "clear"


class KButton(ButtonBehavior, Label):
    """A large button coloured by its palette ``role`` (primary, secondary, danger, tile0...)."""

    role = StringProperty("primary")


class Tile(KButton):
    """A home-screen tile: a big title over a one-line hint."""

    title = StringProperty("")
    hint = StringProperty("")


class FaceButton(KButton):
    """One of the five rating faces: 5 非常满意 (a broad smile) ... 1 非常不满意 (a frown)."""

    level = NumericProperty(3)
    selected = BooleanProperty(False)
    face = NumericProperty(180)  # the face's diameter, fitted to the button in widgets.kv


class Choice(ToggleButtonBehavior, Label):
    """A choice that stays selected (a reason, a material in the checklist); shows a tick."""

    value = StringProperty("")

    def _do_press(self) -> None:
        # Tapping a selected choice of a group keeps it; a lone choice toggles.
        if self.group is not None and self.state == "down" and not self.allow_no_selection:
            return
        super()._do_press()


class Hideable:
    """A part of a screen shown only in some states; hidden, it is invisible and takes no touch
    (not even through children that overflow its squeezed size)."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch) -> bool:
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch) -> bool:
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch) -> bool:
        return super().on_touch_up(touch) if self.shown else False


class Section(Hideable, BoxLayout):
    """A vertical or horizontal :class:`Hideable` box."""


class GridSection(Hideable, GridLayout):
    """A :class:`Hideable` grid."""


class Keypad(GridLayout):
    """Keys in a grid; each tap dispatches ``on_key`` with the key's value.

    Values are the characters themselves, plus :data:`BACKSPACE` and :data:`CLEAR`.
    """

    keys = ListProperty()
    extra_key = StringProperty("")
    enabled = BooleanProperty(True)
    __events__ = ("on_key",)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.bind(keys=self._rebuild)
        self._rebuild()

    def _rebuild(self, *_args: object) -> None:
        """Make the buttons for the key list."""
        self.clear_widgets()
        for value in self.keys:
            button = KeypadKey(value=value)
            button.bind(on_release=lambda b: self.dispatch("on_key", b.value))
            self.add_widget(button)

    def on_key(self, value: str) -> None:
        """Default handler: nothing."""


class KeypadKey(KButton):
    """One key of a :class:`Keypad`."""

    value = StringProperty("")


DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", CLEAR, "0", BACKSPACE]
ID_DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", BACKSPACE]
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [BACKSPACE, CLEAR]  # A-Z, as taught


def apply_key(text: str, key: str, max_length: int) -> str:
    """The text after one key press of a pad: a character, backspace or clear."""
    if key == BACKSPACE:
        return text[:-1]
    if key == CLEAR:
        return ""
    return text + key if len(text) < max_length else text


class DatePicker(GridLayout):
    """Year, month and day, each with big 加/减 buttons; the day is kept valid for the month."""

    year = NumericProperty(2000)
    month = NumericProperty(1)
    day = NumericProperty(1)

    def step(self, part: str, delta: int) -> None:
        """Move ``part`` (year, month, day) by ``delta``, wrapping months and days."""
        if part == "year":
            self.year = max(1900, min(2100, self.year + delta))
        elif part == "month":
            self.month = (self.month - 1 + delta) % 12 + 1
        else:
            self.day = (self.day - 1 + delta) % days_in_month(self.year, self.month) + 1
        self.day = min(self.day, days_in_month(self.year, self.month))

    @property
    def value(self) -> date:
        """The date shown."""
        return date(int(self.year), int(self.month), int(self.day))

    def set(self, value: date) -> None:
        """Show ``value``."""
        self.year, self.month, self.day = value.year, value.month, value.day


def days_in_month(year: int, month: int) -> int:
    """28 to 31."""
    return calendar.monthrange(int(year), int(month))[1]

"""The kiosk's building blocks: big buttons, choice buttons, keypads, the header, the date
picker. Looks are in widgets.kv.

Every keypad has one layout: digits as on a phone (1 2 3 at the top, 0 below 8), 删一个
and 全删 in the right-hand column, and on the ID pad an X key of its own with its label.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import get_hex_from_color

from kiosk.core.line_breaks import break_lines
from kiosk.resources import data_path

BACKSPACE = "backspace"  # 删一个
CLEAR = "clear"  # 全删
GAP = ""  # an empty place on a keypad: no key


class LineBreaking:
    """A label whose lines break where Chinese allows (after 、，。, see
    :mod:`kiosk.core.line_breaks`), not wherever Kivy's wrap runs out of room. The widget's
    ``text`` stays as given; only what is drawn gets the line breaks. ``splits_a_word`` is
    True when a word or a short phrase did not fit on a line of its own."""

    splits_a_word = BooleanProperty(False)

    def texture_update(self, *largs: object) -> None:
        core = self._label
        width = self.text_size[0]
        text = self.text
        if width and text and not (self.markup and "[" in text):
            room = width - self.padding[0] - self.padding[2]  # as Kivy wraps: not a dot more
            extents = core.get_cached_extents()
            broken = break_lines(text, lambda line: extents(line)[0] <= room)
            text = "\n".join(broken.lines)
            self.splits_a_word = broken.splits_a_word
        else:
            self.splits_a_word = False
        if not isinstance(core, MarkupLabel):
            core.text = text
            super().texture_update(*largs)
            return
        # Kivy's markup branch rebuilds the core text from ``self.text``: do it with ours.
        if self.halign == "justify" or self.strip:
            text = text.strip()
        if not text:
            super().texture_update(*largs)
            return
        self.texture = None
        colour = get_hex_from_color(self.disabled_color if self.disabled else self.color)
        core.text = f"[color={colour}]{text}[/color]"
        core.refresh()
        if core.texture:
            core.texture.bind()
        self.refs, self.anchors = core.refs, core.anchors
        if core.texture is not None:
            self.texture = core.texture
            self.texture_size = list(core.texture.size)
        self.is_shortened = core.is_shortened


class KLabel(LineBreaking, Label):
    """A text of a screen that wraps to its width (looks in widgets.kv)."""


class WrapLabel(LineBreaking, Label):
    """A label breaking its lines where Chinese allows, with no looks of its own."""


class Fitting(LineBreaking):
    """A text that always fits its box: at ``max_size`` when it can, else the largest size
    at which it fits, its lines breaking only where Chinese allows (a long name, with no
    pause in it, is broken into even lines only if it must be). Never cut. Markup with
    tags is shown at ``max_size``."""

    max_size = NumericProperty(40)
    min_size = NumericProperty(12)

    def __init__(self, **kwargs: object) -> None:
        self._refit = Clock.create_trigger(self._fit, -1)
        super().__init__(**kwargs)
        for name in ("text", "size", "text_size", "max_size", "min_size", "bold"):
            self.fbind(name, self._refit)

    def _fit(self, *_args: object) -> None:
        if self.markup and "[" in self.text:
            self.font_size = self.max_size
            return
        pad_l, pad_t, pad_r, pad_b = self.padding
        width = (self.text_size[0] or self.width) - pad_l - pad_r
        height = (self.text_size[1] or self.height) - pad_t - pad_b
        sizes = list(range(int(self.max_size), int(self.min_size), -2)) or [int(self.min_size)]
        layouts = [(size, self._layout(size, width)) for size in sizes]
        whole = [size for size, (broken, tall) in layouts if not broken.forced and tall <= height]
        kept = [size for size, (b, tall) in layouts if not b.splits_a_word and tall <= height]
        unbroken = [size for size in whole if size >= 0.5 * self.max_size]
        self.font_size = (unbroken or kept or whole or [sizes[-1]])[0]

    def _layout(self, size: int, width: float):
        probe = CoreLabel(font_size=size, font_name=self.font_name, bold=self.bold)
        extents = probe.get_cached_extents()
        broken = break_lines(self.text, lambda line: extents(line)[0] <= width)
        line = extents("国")[1] * self.line_height
        return broken, line * len(broken.lines)


class FitLabel(Fitting, Label):
    """A label that always fits its box (see :class:`Fitting`)."""


class KButton(ButtonBehavior, LineBreaking, Label):
    """A large button coloured by its palette ``role`` (primary, secondary, danger, tile0...)."""

    role = StringProperty("primary")


class FitButton(ButtonBehavior, Fitting, Label):
    """A button whose text always fits it (see :class:`Fitting`); looks as KButton's."""

    role = StringProperty("primary")


def pictogram(key: str):
    """The texture of ``assets/pictograms/<key>.png`` (white on transparent: drawn in the
    colour of the text on it)."""
    return CoreImage(str(data_path("assets") / "pictograms" / f"{key}.png")).texture


class Tile(KButton):
    """A home-screen tile: its picture (for those who read little) over a big title and a
    one-line hint."""

    title = StringProperty("")
    hint = StringProperty("")
    picture = ObjectProperty(None, allownone=True)
    title_size = NumericProperty(0)
    icon = NumericProperty(0)


class FaceButton(KButton):
    """One of the five rating faces: 5 非常满意 (a broad smile) ... 1 非常不满意 (a frown)."""

    level = NumericProperty(3)
    selected = BooleanProperty(False)
    face = NumericProperty(180)  # the face's diameter, fitted to the button in widgets.kv


class Choosing(ToggleButtonBehavior):
    """Stays selected once tapped; tapping the selected choice of a group keeps it, a lone
    choice toggles. ``value`` is what it stands for."""

    value = StringProperty("")

    def _do_press(self) -> None:
        if self.group is not None and self.state == "down" and not self.allow_no_selection:
            return
        super()._do_press()


class Choice(Choosing, LineBreaking, Label):
    """A choice that stays selected (a reason, a material in the checklist); shows a tick."""


class FitChoice(Choosing, Fitting, Label):
    """A choice whose name always fits it (a place; see :class:`Fitting`)."""


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
        """Make the buttons for the key list (an empty place for :data:`GAP`)."""
        self.clear_widgets()
        for value in self.keys:
            if value == GAP:
                self.add_widget(Widget())
                continue
            button = KeypadKey(value=value)
            button.bind(on_release=lambda b: self.dispatch("on_key", b.value))
            self.add_widget(button)

    def on_key(self, value: str) -> None:
        """Default handler: nothing."""


class KeypadKey(FitButton):
    """One key of a :class:`Keypad`."""

    value = StringProperty("")


# Four columns: digits as on a phone, 删一个 and 全删 on the right, X (the ID pad only) below.
DIGITS = ["1", "2", "3", BACKSPACE, "4", "5", "6", CLEAR, "7", "8", "9", GAP, GAP, "0", GAP, GAP]
ID_DIGITS = ["1", "2", "3", BACKSPACE, "4", "5", "6", CLEAR, "7", "8", "9", "X", GAP, "0", GAP, GAP]
PAD_COLUMNS = 4
# Ten columns: A-Z as taught, then 删一个 and 全删 at the right-hand end.
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [GAP, GAP, BACKSPACE, CLEAR]


def apply_key(text: str, key: str, max_length: int) -> str:
    """The text after one key press of a pad: a character, backspace or clear."""
    if key == BACKSPACE:
        return text[:-1]
    if key == CLEAR:
        return ""
    return text + key if len(text) < max_length else text


class DatePicker(BoxLayout):
    """A date, as 2026年11月24日 星期二, moved with big buttons: 早一天 / 今天 / 晚一天, a
    month and a year either way. Nothing is chosen until a button is tapped (``value`` None);
    the buttons count from ``today`` until then."""

    value = ObjectProperty(None, allownone=True)
    today = ObjectProperty(date(2000, 1, 1))

    def move(self, days: int = 0, months: int = 0, years: int = 0) -> None:
        """Move the date (from today while none is chosen); 0, 0, 0 is 今天."""
        start = self.value or self.today
        if months or years:
            month = start.month - 1 + months + 12 * years
            year = max(1900, min(2100, start.year + month // 12))
            month = month % 12 + 1
            start = date(year, month, min(start.day, days_in_month(year, month)))
        if not (days or months or years):
            start = self.today
        self.value = start + timedelta(days=days)


def days_in_month(year: int, month: int) -> int:
    """28 to 31."""
    return calendar.monthrange(int(year), int(month))[1]

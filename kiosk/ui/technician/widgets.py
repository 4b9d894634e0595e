"""The technicians' widgets: menu tiles, and a field typed on an on-screen keyboard.

A technician types a URL, a device id or a 64-hex secret on the screen's keys, or on a
USB keyboard plugged in for the visit (its keys go to the open keyboard too). A secret
is shown while it is typed on the keyboard, and only counted on the screen behind.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm._:/@")
BACKSPACE = "backspace"
SHIFT = "shift"
MAX_LENGTH = 200
KEY_BACKSPACE = 8
KEY_ENTER = (13, 271)
KEY_ESCAPE = 27


class TextField(ButtonBehavior, Label):
    """A value typed on the on-screen keyboard: tap to edit; ``on_change`` after 确定."""

    value = StringProperty("")
    label = StringProperty("")  # what to type, shown above the keys
    placeholder = StringProperty("")
    secret = BooleanProperty(False)
    __events__ = ("on_change",)

    def on_release(self) -> None:
        Keyboard(field=self).open(animation=False)

    def on_change(self, value: str) -> None:
        """Default handler: nothing."""


class KeyboardKey(ButtonBehavior, Label):
    """One key of the on-screen keyboard."""

    value = StringProperty("")
    keyboard = ObjectProperty(None)

    def on_release(self) -> None:
        self.keyboard.press(self.value)


class Keyboard(ModalView):
    """Letters, digits and what URLs and ids are made of, over the lower screen."""

    field = ObjectProperty(None)
    text = StringProperty("")
    upper = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = self.field.value if self.field is not None else ""
        for row in ROWS:
            line = BoxLayout(spacing=dp(10))
            for character in row:
                line.add_widget(KeyboardKey(value=character, keyboard=self))
            self.ids.rows.add_widget(line)
        Window.bind(on_textinput=self._typed, on_key_down=self._key_down)

    def press(self, value: str) -> None:
        """A key of the screen (or of a USB keyboard)."""
        if value == BACKSPACE:
            self.text = self.text[:-1]
        elif value == SHIFT:
            self.upper = not self.upper
        elif len(self.text) < MAX_LENGTH:
            self.text += value.upper() if self.upper else value

    def done(self) -> None:
        """确定: the field takes the text."""
        field = self.field
        self.dismiss(animation=False)
        if field.value != self.text.strip():
            field.value = self.text.strip()
            field.dispatch("on_change", field.value)

    def on_dismiss(self) -> None:
        Window.unbind(on_textinput=self._typed, on_key_down=self._key_down)

    def _typed(self, _window: Any, text: str) -> None:
        for character in text:
            if character.isprintable() and len(self.text) < MAX_LENGTH:
                self.text += character

    def _key_down(self, _window: Any, key: int, *_args: Any) -> bool:
        if key == KEY_BACKSPACE:
            self.press(BACKSPACE)
        elif key in KEY_ENTER:
            self.done()
        elif key == KEY_ESCAPE:
            self.dismiss(animation=False)
        else:
            return False
        return True


def shown(value: str, secret: bool) -> str:
    """A secret in groups of eight as it is typed (``0123abcd 4567...``); else the value."""
    if not secret:
        return value
    return " ".join(value[i : i + 8] for i in range(0, len(value), 8))


class MenuTile(ButtonBehavior, BoxLayout):
    """An entry of the technician menu: a title and, beneath it, the setting in force."""

    title = StringProperty("")
    setting = StringProperty("")

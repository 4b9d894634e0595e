"""The tablet's widgets: buttons, labels, inputs, list rows, the header's badge and progress.

Sizes are in dp of a tablet whose short side is 800 px (``launch.TABLET_DESIGN_PX``); the looks
come from the kiosk's palette (``app.pal``), the font sizes from :data:`TABLET_TYPE`.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.spinner import Spinner, SpinnerOption
from kivy.uix.textinput import TextInput

# Font sizes in dp for a 10-inch tablet held at arm's length.
TABLET_TYPE = {"title": 30, "body": 22, "button": 22, "small": 18, "huge": 44}
MIN_TARGET_DP = 56  # about 9 mm on a 10-inch 1280x800 tablet


class ABtn(ButtonBehavior, Label):
    """A button; ``role`` picks its colours (primary, secondary, danger, success)."""

    role = StringProperty("secondary")


class ATab(ToggleButtonBehavior, Label):
    """One tab of a row of tabs."""

    key = StringProperty("")


class ALabel(Label):
    """Text that wraps to its width and grows in height."""

    role = StringProperty("on_background")


class AInput(TextInput):
    """One line of input (the system keyboard or IME types into it)."""

    error = BooleanProperty(False)


class AgentRow(ButtonBehavior, BoxLayout):
    """A list row: a title, a line under it and a tag on the right (a status)."""

    title = StringProperty("")
    detail = StringProperty("")
    tag = StringProperty("")
    tag_role = StringProperty("secondary")
    key = StringProperty("")


class AgentHeader(BoxLayout):
    """The bar over every screen after login: title, the 未发送 badge, sync and lock."""

    title = StringProperty("")
    crumbs = ListProperty()


class AOption(SpinnerOption):
    """One option of a choice's drop-down."""


class AChoice(Spinner):
    """A choice field: tap, then tap an option."""

    error = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("option_cls", AOption)
        super().__init__(**kwargs)

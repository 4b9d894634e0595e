"""Views over the screens: a notice (tap to close), a question with two answers."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView


class AgentNotice(ModalView):
    """One sentence over the screen (a problem, a warning, a success); tap closes it."""

    text = StringProperty("")
    role = StringProperty("danger")


class AgentQuestion(ModalView):
    """A question with a yes and a no (``on_yes`` / ``on_no``)."""

    text = StringProperty("")
    yes_text = StringProperty("")
    no_text = StringProperty("")
    __events__ = ("on_yes", "on_no")

    def on_yes(self) -> None:
        """Default: nothing."""

    def on_no(self) -> None:
        """Default: nothing."""

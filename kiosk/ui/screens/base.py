"""What every kiosk screen shares: its .kv file, a title, a spoken prompt, guarded actions."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from kivy.app import App
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A thin screen: reads state from the app and its services, forwards taps to them.

    ``voice_key`` names the sentence spoken when the screen shows; ``personal`` screens
    hold someone's data and are left (and wiped) when the idle countdown ends.
    """

    kv_name: ClassVar[str] = ""
    voice_key: ClassVar[str] = ""

    @classmethod
    def kv_path(cls) -> Path:
        """This screen's .kv file, next to its module."""
        return Path(__file__).with_name(f"{cls.kv_name}.kv")

    @property
    def app(self):
        """The running kiosk app."""
        return App.get_running_app()

    def on_pre_enter(self, *_args: object) -> None:
        self.app.guard(self.refresh)

    def on_enter(self, *_args: object) -> None:
        if self.voice_key:
            self.app.say(self.app.t(self.voice_key))

    def refresh(self) -> None:
        """Fill the screen from the app's state; called each time it is shown."""

    def wipe(self) -> None:
        """Forget anything personal shown on this screen (called on the way home)."""

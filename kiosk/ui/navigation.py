"""Which screen shows, and the way back: screens are built the first time they are needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

from kiosk.ui.screens import SCREENS

if TYPE_CHECKING:
    from kiosk.ui.screens.base import KioskScreen

HOME = SCREENS[0].kv_name


class Navigator:
    """The screen manager with a history for 返回."""

    def __init__(self, screens: Sequence[type[Screen]] = SCREENS) -> None:
        self.manager = ScreenManager(transition=NoTransition())
        self.manager.add_widget(SCREENS[0](name=HOME))
        self._history: list[str] = []
        self._classes = {s.kv_name: s for s in screens}

    @property
    def current(self) -> str:
        """The name of the screen on show."""
        return self.manager.current

    @property
    def back_goes_home(self) -> bool:
        """True when the previous screen is the home screen (or there is none)."""
        return not self._history or self._history[-1] == HOME

    def screen(self, name: str) -> KioskScreen:
        """The screen called ``name``, built the first time it is needed (a fast start)."""
        if not self.manager.has_screen(name):
            self.manager.add_widget(self._classes[name](name=name))
        return self.manager.get_screen(name)

    def go(self, name: str) -> None:
        """Show the screen ``name``; the current one is remembered for 返回."""
        if name == self.manager.current:
            return
        self.screen(name)
        self._history.append(self.manager.current)
        self.manager.current = name

    def back(self) -> bool:
        """Show the previous screen; False when there is none."""
        if not self._history:
            return False
        self.manager.current = self._history.pop()
        return True

    def home(self) -> None:
        """Home, with every built screen's personal contents wiped and the history gone."""
        for screen in self.manager.screens:
            screen.wipe()
        self._history.clear()
        self.manager.current = HOME

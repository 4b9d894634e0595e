"""What every tablet screen shares: its kv file beside it, and a list it can fill."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.agent.widgets import AgentRow
from kiosk.core.errors import explain

SCREENS_DIR = Path(__file__).resolve().parent


class AgentScreen(Screen):
    """A thin screen: it shows what the desk gives and forwards taps."""

    @classmethod
    def kv_path(cls) -> Path:
        """The screen's kv file: ``<module>.kv`` beside its module."""
        return SCREENS_DIR / f"{cls.__module__.rsplit('.', 1)[-1]}.kv"

    @property
    def app(self) -> Any:
        """The running app."""
        return App.get_running_app()

    def explained(self, exc: BaseException) -> str:
        """The sentence a person reads for ``exc`` (from the message catalogue)."""
        key, params = explain(exc, self.app.messages)
        return self.app.t(key, **params)

    def refresh(self) -> None:
        """Reload what the screen shows (on every visit)."""

    def clear(self) -> None:
        """Forget everything personal (lock)."""

    def fill(self, box: Any, rows: Iterable[dict[str, Any]], on_tap: Callable[[str], None]) -> None:
        """Fill the list ``box`` with :class:`AgentRow` widgets (``title``, ``detail``, ``tag``,
        ``tag_role``, ``key``); a tap calls ``on_tap(key)``."""
        box.clear_widgets()
        for values in rows:
            row = AgentRow(**values)
            row.bind(on_release=lambda r: on_tap(r.key))
            box.add_widget(row)

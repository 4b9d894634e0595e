"""What the technicians' screens share: their .kv files, and work run off the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from kivy.app import App
from kivy.clock import Clock
from kivy.uix.screenmanager import Screen

HERE = Path(__file__).resolve().parent


class TechnicianScreen(Screen):
    """A screen behind the technician PIN; ``refresh`` fills it each time it shows."""

    kv_name: ClassVar[str] = ""

    @classmethod
    def kv_path(cls) -> Path:
        """This screen's .kv file, next to its module."""
        return HERE / f"{cls.kv_name}.kv"

    @property
    def app(self) -> Any:
        """The running kiosk app."""
        return App.get_running_app()

    def on_pre_enter(self, *_args: object) -> None:
        self.app.guard(self.refresh)

    def refresh(self) -> None:
        """Fill the screen from the configuration in force."""

    def wipe(self) -> None:
        """Forget what was typed or found (called on the way home)."""


def in_background(
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    name: str,
) -> None:
    """Run ``work()`` on a thread of its own (a set-up test, the doctor: they block for
    seconds on ports and links), then ``done(result)`` or ``failed(exc)`` on the UI thread."""
    app = App.get_running_app()

    def answer(handler: Callable[[Any], None], value: Any) -> None:
        if App.get_running_app() is app:  # an answer after the kiosk stopped changes nothing
            app.guard(handler, value)

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # handed to the screen, which says what failed
            Clock.schedule_once(lambda _dt, error=exc: answer(failed, error))
            return
        Clock.schedule_once(lambda _dt: answer(done, result))

    threading.Thread(target=run, name=name, daemon=True).start()

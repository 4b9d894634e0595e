"""The error edge of the kiosk: no exception passes it, every one becomes a plain sentence.

An exception from a service call, a device or a Kivy callback is logged in full for the
technician and shown to the villager as one sentence from the message catalogue, never
as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.base import ExceptionHandler, ExceptionManager

from kiosk.core.errors import explain
from kiosk.core.local_faults import describe_local_fault
from kiosk.core.messages import Messages
from kiosk.ui.overlays import MessageView

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


def problem_key(exc: BaseException, messages: Messages) -> str:
    """The catalogue key that tells a villager about ``exc``: its own key, else a generic one."""
    return problem_message(exc, messages)[0]


def problem_message(exc: BaseException, messages: Messages) -> tuple[str, dict[str, object]]:
    """The catalogue key and its values for ``exc`` (see :func:`kiosk.core.errors.explain`)."""
    return explain(exc, messages)


class _KivyHandler(ExceptionHandler):
    """The last net: an exception escaping a Kivy callback is logged and shown, not raised."""

    def __init__(self, edge: ErrorEdge) -> None:
        super().__init__()
        self.edge = edge

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        self.edge.show_problem(inst)
        return ExceptionManager.PASS


class ErrorEdge:
    """Guards actions, shows problems and messages over the current screen."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self._view: MessageView | None = None
        self._handler = _KivyHandler(self)

    def install(self) -> None:
        """Catch what escapes Kivy callbacks from now on."""
        ExceptionManager.add_handler(self._handler)

    def remove(self) -> None:
        """Stop catching Kivy's exceptions (the app is stopping)."""
        if self._handler in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self._handler)

    def guard(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``action``; an exception becomes a plain sentence on screen (and None)."""
        try:
            return action(*args, **kwargs)
        except Exception as exc:  # the screen edge: nothing passes it
            self.show_problem(exc)
            return None

    def show_problem(self, exc: BaseException) -> None:
        """Log ``exc`` for the technician; tell the villager what to do in one sentence."""
        app = self.app
        fault = describe_local_fault(exc)  # a full disk is one line, not a traceback
        if fault is not None:
            log.error("kiosk screen %s: %s", app.current_screen_name, fault)
        else:
            log.error("kiosk screen %s: %s", app.current_screen_name, exc, exc_info=exc)
        key, values = problem_message(exc, app.messages)
        self.show_message(key, **values)

    def show_message(self, key: str, role: str = "danger", **values: object) -> None:
        """Show (and say) the sentence ``key`` over the current screen."""
        self.show_text(self.app.t(key, **values), role)

    def show_text(self, text: str, role: str = "danger") -> None:
        """Show (and say) ``text`` (sentences of the catalogue) over the current screen."""
        if self._view is None:
            self._view = MessageView()
        self._view.text = text
        self._view.role = role
        if self._view.parent is None:
            self._view.open(animation=False)
        self.app.say(text)

    def clear(self) -> None:
        """Close the message and forget its sentence (on the way home)."""
        if self._view is not None:
            self._view.dismiss(animation=False)
            self._view.text = ""

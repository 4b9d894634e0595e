"""What every kiosk screen shares: its .kv file, a spoken prompt, the step it shows, and the
way a tap goes to a flow and its answer comes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from kivy.app import App
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.screenmanager import Screen

from kiosk.core.flows import FieldErrors, needs_services, quick_answer
from kiosk.core.forms import FieldError
from kiosk.ui.screens.steps import show_step


class KioskScreen(Screen):
    """A thin screen: renders the step of a flow it is given and forwards taps to the flow.

    ``voice_key`` names the sentence spoken when the screen shows; ``step`` is the step on
    show (None when the screen was reached by plain navigation, e.g. a home tile).
    """

    kv_name: ClassVar[str] = ""
    voice_key: ClassVar[str] = ""
    speak_problems: ClassVar[bool] = True
    step = ObjectProperty(None, allownone=True)
    # True while a tap's work is on its way (submitting, printing, issuing): see forward_once.
    busy = BooleanProperty(False)
    # True while the header's 返回 goes to an earlier page of this screen, not the screen
    # before it (the guide's themes back to its first page).
    steps_back = BooleanProperty(False)

    @classmethod
    def kv_path(cls) -> Path:
        """This screen's .kv file, next to its module."""
        return Path(__file__).with_name(f"{cls.kv_name}.kv")

    def __init__(self, **kwargs: Any) -> None:
        # The app that built the screen: a late event (an animation ending after the app
        # stopped) reaches this stopped app, never whichever app is running next.
        self._app = App.get_running_app()
        super().__init__(**kwargs)

    @property
    def app(self):
        """The kiosk app this screen belongs to."""
        return self._app

    @property
    def session(self):
        """The flows of the person at the screen."""
        return self.app.session

    def on_pre_enter(self, *_args: object) -> None:
        self.app.guard(self.refresh)

    def on_enter(self, *_args: object) -> None:
        if self.voice_key:
            self.app.say(self.app.t(self.voice_key))

    def on_steps_back(self, *_args: object) -> None:
        if self.manager is not None and self.manager.current_screen is self:
            self.app.refresh_back()

    def render(self, step: Any) -> None:
        """Show ``step`` (called before the screen is shown, or while it is)."""
        self.step = step

    def refresh(self) -> None:
        """Fill the screen from the app's state; called each time it is shown."""

    def wipe(self) -> None:
        """Forget anything personal shown on this screen (called on the way home)."""
        self.step = None
        self.busy = False

    # -- taps to flows -----------------------------------------------------------------------

    def forward(
        self,
        method: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Hand a tap to a flow's step ``method`` and follow what it answers (or ``done``).

        A method that needs the services runs on the service thread, unless it can answer
        at once (a blank field, a level needing reasons); any other runs here and now.
        """
        follow = done or self.follow
        if not needs_services(method):
            follow(method(*args))
            return
        quick = quick_answer(method, *args)
        if quick is not None:
            follow(quick)
            return
        self.app.call(lambda services: method(services, *args), follow, failed)

    def forward_once(
        self,
        method: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """:meth:`forward` a tap whose work must not run twice (submit, print, reprint,
        issue a number): while it is on its way ``busy`` is True (buttons bound to it are
        disabled) and further taps are ignored; a failure is told plainly."""
        if self.busy:
            return
        self.busy = True
        follow = done or self.follow

        def answered(result: Any) -> None:
            self.busy = False
            follow(result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.app.show_problem(exc)

        self.forward(method, *args, done=answered, failed=failed)

    def follow(self, result: Any) -> None:
        """Field errors are told on this screen; a step is shown on its own screen."""
        if isinstance(result, FieldErrors):
            self.refused(result.first)
        elif result is not None:
            show_step(self.app, result)

    def refused(self, error: FieldError) -> None:
        """Tell (and say) what to fix: on the screen's ``problem`` line, or in a message."""
        if not hasattr(self, "problem"):
            self.app.show_message(error.key, **error.params())
            return
        self.problem = self.app.t(error.key, **error.params())
        if self.speak_problems:
            self.app.say(self.problem)

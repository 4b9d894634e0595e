"""The kiosk App: state as Kivy properties, navigation, idle wipe, the error edge.

Screens stay thin: they read the app's properties and call the core services held in
:attr:`KioskApp.services`. Work that may block (printing, card reading, the network)
runs on worker threads and comes back to widgets only through ``Clock.schedule_once``.
Any exception that reaches this edge is logged for the technician and shown to the
villager as one plain sentence from the message catalogue, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    StringProperty,
)
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.utils import get_color_from_hex

from kiosk.core.messages import Messages
from kiosk.core.session import IdlePhase, IdleTimer, KioskSession
from kiosk.core.voice import Voice
from kiosk.ui.overlays import IdleCountdown, MessageView, TechnicianExit
from kiosk.ui.screens import SCREENS
from kiosk.ui.theme import look

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
IDLE_CHECK_S = 0.25
NOTICE_ROTATE_S = 8.0
TECH_CORNER_PX = 160
TECH_TAPS = 5
TECH_WINDOW_S = 4.0
GENERIC_PROBLEM = "common.error.generic"


def problem_key(exc: BaseException, messages: Messages) -> str:
    """The catalogue key that tells a villager about ``exc``: its own key, else a generic one."""
    for attribute in ("key", "villager_key", "message_key"):
        key = getattr(exc, attribute, None)
        if isinstance(key, str) and key in messages:
            return key
    return GENERIC_PROBLEM


class _EdgeHandler(ExceptionHandler):
    """The last net: an exception escaping a Kivy callback is logged and shown, not raised."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__()
        self.app = app

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        self.app.show_problem(inst)
        return ExceptionManager.PASS


class KioskApp(App):
    """The self-service kiosk."""

    large = BooleanProperty(False)
    voice_on = BooleanProperty(True)
    pal = DictProperty()
    fs = DictProperty()
    site_name = StringProperty("")
    time_text = StringProperty("")
    date_text = StringProperty("")
    link_state = StringProperty("offline")
    link_text = StringProperty("")
    notices = ListProperty()

    def __init__(self, services: Any, *, voice: Voice, messages: Messages, **kwargs: Any) -> None:
        self.services = services
        self.site = services.config
        self.messages = messages
        self.voice = voice
        self.session = KioskSession()
        self.idle = IdleTimer(services.clock, self.site.ui.idle_s, self.site.ui.countdown_s)
        self.zone = ZoneInfo(self.site.site.timezone)
        self._history: list[str] = []
        self._events: list[Any] = []
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-worker")
        self._countdown: IdleCountdown | None = None
        self._message: MessageView | None = None
        self._tech_taps: list[float] = []
        self._edge = _EdgeHandler(self)
        self._exiting = False
        super().__init__(**kwargs)
        self.title = "bianmin"
        self.site_name = self.site.site.name
        self.voice_on = self.site.ui.voice
        voice.enabled = self.voice_on
        self.large = self.site.ui.large_font
        self._apply_look()

    # -- building ----------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        for path in [UI_DIR / "widgets.kv", UI_DIR / "overlays.kv"] + [
            s.kv_path() for s in SCREENS
        ]:
            if str(path) not in Builder.files:
                Builder.load_file(str(path))
        manager = ScreenManager(transition=NoTransition())
        for screen_class in SCREENS:
            manager.add_widget(screen_class(name=screen_class.kv_name))
        return manager

    def load_kv(self, filename: str | None = None) -> bool:
        """Kv files are loaded by :meth:`build`, one per screen; there is no app-wide one."""
        return False

    def on_start(self) -> None:
        ExceptionManager.add_handler(self._edge)
        Window.bind(on_touch_down=self._on_any_touch, on_request_close=self._on_request_close)
        self._events = [
            Clock.schedule_interval(self._check_idle, IDLE_CHECK_S),
            Clock.schedule_interval(self._tick, 1.0),
            Clock.schedule_interval(self._rotate_notices, NOTICE_ROTATE_S),
        ]
        self._tick()

    def on_stop(self) -> None:
        for event in self._events:
            event.cancel()
        self._events = []
        ExceptionManager.remove_handler(self._edge)
        Window.unbind(on_touch_down=self._on_any_touch, on_request_close=self._on_request_close)
        self._workers.shutdown(wait=True, cancel_futures=True)
        self.voice.close()

    # -- looks and voice ---------------------------------------------------------------------

    def _apply_look(self) -> None:
        current = look(self.large)
        colours: dict[str, list[float]] = {}
        for name, value in vars(current.palette).items():
            if isinstance(value, str):
                colours[name] = get_color_from_hex(value)
        for i, tile in enumerate(current.palette.tiles):
            colours[f"tile{i}"] = get_color_from_hex(tile)
            colours[f"on_tile{i}"] = get_color_from_hex(current.palette.on_tile)
        self.pal = colours
        self.fs = vars(current.type)

    def toggle_large(self) -> None:
        """Switch 大字模式 (large text, high contrast) on or off."""
        self.large = not self.large
        self._apply_look()

    def toggle_voice(self) -> None:
        """Switch spoken guidance on or off."""
        self.voice_on = not self.voice_on
        self.voice.enabled = self.voice_on
        if self.voice_on:
            self.say(self.t("voice.home"))

    def t(self, key: str, **values: object) -> str:
        """The catalogue sentence for ``key``."""
        return self.messages.get(key, **values)

    def say(self, text: str) -> None:
        """Speak ``text`` in the background when the voice is on."""
        if self.voice_on:
            self.voice.speak(text)

    # -- navigation --------------------------------------------------------------------------

    @property
    def manager(self) -> ScreenManager:
        """The screen manager (the app's root)."""
        return self.root

    def screen(self, name: str):
        """The screen called ``name``."""
        return self.manager.get_screen(name)

    def go(self, name: str) -> None:
        """Show the screen ``name``; the current one is remembered for 返回."""
        if name == self.manager.current:
            return
        self._history.append(self.manager.current)
        self.manager.current = name

    def back(self) -> None:
        """Show the previous screen (home when there is none)."""
        if not self._history:
            self.go_home()
            return
        self.manager.current = self._history.pop()

    def go_home(self) -> None:
        """Home, with everything personal forgotten: session, typed digits, screens' contents."""
        self.session.clear()
        for screen in self.manager.screens:
            screen.wipe()
        self._history.clear()
        self._close_countdown()
        if self._message is not None:
            self._message.dismiss()
        self.manager.current = "home"

    # -- the error edge ----------------------------------------------------------------------

    def guard(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``action``; an exception becomes a plain sentence on screen (and None)."""
        try:
            return action(*args, **kwargs)
        except Exception as exc:  # the screen edge: nothing passes it
            self.show_problem(exc)
            return None

    def show_problem(self, exc: BaseException) -> None:
        """Log ``exc`` for the technician; tell the villager what to do in one sentence."""
        log.error(
            "kiosk screen %s: %s", self.manager.current if self.root else "-", exc, exc_info=exc
        )
        self.show_message(problem_key(exc, self.messages))

    def show_message(self, key: str, role: str = "danger", **values: object) -> None:
        """Show (and say) the sentence ``key`` over the current screen."""
        text = self.t(key, **values)
        if self._message is None:
            self._message = MessageView()
        self._message.text = text
        self._message.role = role
        if self._message.parent is None:
            self._message.open(animation=False)
        self.say(text)

    def background(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``work`` on a worker thread; ``done(result)`` or ``failed(exc)`` on the UI thread."""

        def run() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to the UI thread
                handler = failed or self.show_problem
                Clock.schedule_once(lambda _dt, error=exc: self.guard(handler, error))
                return
            Clock.schedule_once(lambda _dt: self.guard(done, result))

        self._workers.submit(run)

    # -- idle wipe, clock, technician exit -----------------------------------------------------

    def _on_any_touch(self, _window: Any, touch: Any) -> None:
        self.idle.touch()
        if touch.x >= Window.width - TECH_CORNER_PX and touch.y >= Window.height - TECH_CORNER_PX:
            now = self.services.clock.monotonic()
            self._tech_taps = [t for t in self._tech_taps if now - t < TECH_WINDOW_S] + [now]
            if len(self._tech_taps) >= TECH_TAPS:
                self._tech_taps = []
                if self.site.ui.technician_pin:
                    TechnicianExit().open(animation=False)

    def keep_session(self) -> None:
        """继续使用: the villager is still there."""
        self.idle.touch()
        self._close_countdown()

    def _check_idle(self, _dt: float = 0) -> None:
        at_rest = self.manager.current == "home" and not self.session.has_personal_data
        if at_rest and self._countdown is None:
            self.idle.touch()
            return
        phase = self.idle.phase()
        if phase is IdlePhase.ACTIVE:
            self._close_countdown()
        elif phase is IdlePhase.COUNTDOWN:
            if self._countdown is None:
                self._countdown = IdleCountdown()
                self._countdown.open(animation=False)
                self.say(self.t("voice.idle"))
            self._countdown.seconds = self.idle.seconds_left()
        else:
            log.info("idle for %s s: personal data wiped, back home", self.site.ui.idle_s)
            self.go_home()
            self.idle.touch()

    def _close_countdown(self) -> None:
        if self._countdown is not None:
            self._countdown.dismiss(animation=False)
            self._countdown = None

    def _tick(self, _dt: float = 0) -> None:
        local = self.services.clock.now().astimezone(self.zone)
        self.time_text = local.strftime("%H:%M")
        weekday = self.t(f"weekday.{local.isoweekday()}")
        self.date_text = self.t("home.date", month=local.month, day=local.day, weekday=weekday)

    def _rotate_notices(self, _dt: float = 0) -> None:
        if len(self.notices) > 1:
            self.notices = self.notices[1:] + self.notices[:1]

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return self.site.ui.kiosk_lock and not self._exiting

    def technician_exit(self) -> None:
        """The technician gave the right PIN: leave the kiosk."""
        log.warning("technician exit with PIN")
        self._exiting = True
        self.stop()

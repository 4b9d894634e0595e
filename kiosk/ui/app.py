"""The kiosk App: state as Kivy properties, navigation, idle wipe, the error edge.

Screens stay thin: they read the app's properties and call the core services through
:meth:`KioskApp.call`, which runs the call on the service thread (the only thread that
touches the store and the printer) and hands the result back to the UI thread with
``Clock.schedule_once``. Card reader events arrive the same way.
Any exception that reaches this edge is logged for the technician and shown to the
villager as one plain sentence from the message catalogue, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    StringProperty,
)
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.utils import get_color_from_hex

from kiosk.config import Config
from kiosk.core.messages import Messages
from kiosk.core.session import IdlePhase, IdleTimer, KioskSession
from kiosk.core.voice import Voice
from kiosk.ui.overlays import CardPrompt, IdleCountdown, MessageView, TechnicianExit
from kiosk.ui.screens import SCREENS
from kiosk.ui.service_thread import ServiceThread
from kiosk.ui.theme import look
from offline_sync.clock import Clock as TimeSource

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
IDLE_CHECK_S = 0.25
NOTICE_ROTATE_S = 8.0
STATUS_POLL_S = 15.0
TECH_CORNER_PX = 160
TECH_TAPS = 5
TECH_WINDOW_S = 4.0
GENERIC_PROBLEM = "common.error.generic"


def problem_key(exc: BaseException, messages: Messages) -> str:
    """The catalogue key that tells a villager about ``exc``: its own key, else a generic one."""
    return problem_message(exc, messages)[0]


def problem_message(exc: BaseException, messages: Messages) -> tuple[str, dict[str, object]]:
    """The catalogue key and its values for ``exc`` (a form's first field error, the names
    of missing materials), or the generic key."""
    errors = getattr(exc, "errors", None)
    if errors and getattr(errors[0], "key", None) in messages:
        return errors[0].key, errors[0].params()
    for attribute in ("key", "villager_key", "message_key"):
        key = getattr(exc, attribute, None)
        if isinstance(key, str) and key in messages:
            names = getattr(exc, "names", None)
            return key, ({"names": "、".join(names)} if names else {})
    return GENERIC_PROBLEM, {}


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
    reader_state = StringProperty("stopped")

    def __init__(
        self,
        config: Config,
        clock: TimeSource,
        build_services: Callable[[], Any],
        *,
        voice: Voice,
        messages: Messages,
        reader: Any = None,
        scanner: Any = None,
        **kwargs: Any,
    ) -> None:
        self.site = config
        self.clock = clock
        self.services = ServiceThread(build_services)
        self.reader = reader
        self.scanner = scanner
        self.messages = messages
        self.voice = voice
        self.session = KioskSession()
        self.idle = IdleTimer(clock, config.ui.idle_s, config.ui.countdown_s)
        self.zone = ZoneInfo(self.site.site.timezone)
        self._history: list[str] = []
        self._events: list[Any] = []
        self._countdown: IdleCountdown | None = None
        self._message: MessageView | None = None
        self._tech_taps: list[float] = []
        self._card_prompt: CardPrompt | None = None
        self._unsubscribe_reader: Callable[[], None] | None = None
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
        manager.add_widget(SCREENS[0](name=SCREENS[0].kv_name))
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
            Clock.schedule_interval(self._poll_status, STATUS_POLL_S),
        ]
        self._tick()
        self._poll_status()
        if self.scanner is not None:
            self.scanner.start(lambda text: self.on_main_thread(self._scanned, text))
        if self.reader is not None:
            self.reader_state = self.reader.state.value
            self._unsubscribe_reader = self.reader.subscribe(
                lambda event: self.on_main_thread(self._card_event, event)
            )

    def on_stop(self) -> None:
        if not self._events and self._unsubscribe_reader is None and self.services.closed:
            return  # App.stop() and App.run() both dispatch on_stop
        if self.scanner is not None:
            self.scanner.stop()
        if self._unsubscribe_reader is not None:
            self._unsubscribe_reader()
            self._unsubscribe_reader = None
        for event in self._events:
            event.cancel()
        self._events = []
        ExceptionManager.remove_handler(self._edge)
        Window.unbind(on_touch_down=self._on_any_touch, on_request_close=self._on_request_close)
        self.services.close()
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
        self.fs = {name: round(dp(size)) for name, size in vars(current.type).items()}

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
        """The screen called ``name``, built the first time it is needed (a fast start)."""
        if not self.manager.has_screen(name):
            screen_class = {s.kv_name: s for s in SCREENS}[name]
            self.manager.add_widget(screen_class(name=name))
        return self.manager.get_screen(name)

    def go(self, name: str) -> None:
        """Show the screen ``name``; the current one is remembered for 返回."""
        if name == self.manager.current:
            return
        self.screen(name)
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
        self.close_card_prompt()
        if self._message is not None:
            self._message.dismiss(animation=False)
            self._message.text = ""
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

    def call(
        self,
        work: Callable[[Any], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run ``work(services)`` on the service thread; then ``done(result)`` or
        ``failed(exc)`` (default: a plain message) on the UI thread."""
        future = self.services.submit(work)

        def finished(f: Future[Any]) -> None:
            error = f.exception()
            if error is not None:
                handler = failed or self.show_problem
                Clock.schedule_once(lambda _dt: self.guard(handler, error))
            elif done is not None:
                Clock.schedule_once(lambda _dt: self.guard(done, f.result()))

        future.add_done_callback(finished)
        return future

    def on_main_thread(self, action: Callable[..., Any], *args: Any) -> None:
        """Run ``action(*args)`` on the UI thread (for device threads' events)."""
        Clock.schedule_once(lambda _dt: self.guard(action, *args))

    # -- the ID card reader ----------------------------------------------------------------

    def _card_event(self, event: Any) -> None:
        """A reader event, now on the UI thread: to the app's state and the current screen."""
        kind = type(event).__name__
        screen = self.manager.current_screen
        if kind == "StateChanged":
            self.reader_state = event.new.value
            if self._card_prompt is not None and event.new.value == "reading":
                self._card_prompt.state_text = self.t("card.reading")
            handler = getattr(screen, "on_reader_state", None)
            if handler is not None:
                handler(event.new.value)
        elif kind == "CardPlaced":
            self.idle.touch()
            handler = getattr(screen, "on_card", None)
            if handler is not None:
                handler(event.card)
        elif kind == "ReadFailed":
            key = problem_key(event.error, self.messages)
            if self._card_prompt is not None:
                self._card_prompt.state_text = self.t(key)
            handler = getattr(screen, "on_card_failed", None)
            if handler is not None:
                handler(key)

    def ask_for_card(self, key: str, cancelled: Callable[[], None]) -> None:
        """Show "place your card" (sentence ``key``) over the screen until a card or 取消."""
        self.close_card_prompt()
        self._card_prompt = CardPrompt(text=self.t(key))
        self._card_prompt.bind(on_cancel=lambda _view: cancelled())
        self._card_prompt.open(animation=False)
        self.say(self.t(key))

    def close_card_prompt(self) -> None:
        """Close the card prompt, if one is open."""
        if self._card_prompt is not None:
            self._card_prompt.dismiss(animation=False)
            self._card_prompt = None

    # -- idle wipe, clock, technician exit -----------------------------------------------------

    def _on_any_touch(self, _window: Any, touch: Any) -> None:
        self.idle.touch()
        corner = dp(TECH_CORNER_PX)
        if touch.x >= Window.width - corner and touch.y >= Window.height - corner:
            now = self.clock.monotonic()
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
        local = self.clock.now().astimezone(self.zone)
        self.time_text = local.strftime("%H:%M")
        weekday = self.t(f"weekday.{local.isoweekday()}")
        self.date_text = self.t("home.date", month=local.month, day=local.day, weekday=weekday)

    def _poll_status(self, _dt: float = 0) -> None:
        """Link state and notices, read on the service thread."""

        def read(services):
            return services.sync.status(), services.notices.current()

        self.call(read, self._show_status, lambda exc: log.warning("status poll: %s", exc))

    def _show_status(self, status_and_notices: tuple[Any, list[Any]]) -> None:
        status, notices = status_and_notices
        self.link_state = status.link_state
        key = {"up": "link.online", "down": "link.offline"}.get(status.link_state, "link.offline")
        text = self.t(key)
        if status.pending_records:
            text += "  " + self.t("link.pending", count=status.pending_records)
        self.link_text = text
        texts = [f"{n.title}：{n.text}" if n.text else n.title for n in notices]
        if set(texts) != set(self.notices):  # keep the rotation when nothing changed
            self.notices = texts

    def _scanned(self, text: str) -> None:
        self.idle.touch()
        handler = getattr(self.manager.current_screen, "on_scan", None)
        if handler is not None:
            handler(text)

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

"""The kiosk App: state as Kivy properties, and the parts that keep it.

Screens stay thin: they read the app's properties and call the core services through
:meth:`KioskApp.call`, which runs the call on the service thread (the only thread that
touches the store and the printer) and hands the result back to the UI thread with
``Clock.schedule_once``. The app is assembled from parts with one job each: navigation
(:mod:`kiosk.ui.navigation`), the error edge (:mod:`kiosk.ui.edge`), the idle wipe
(:mod:`kiosk.ui.idle`), the header's clock, link and notices (:mod:`kiosk.ui.status`),
the devices' events (:mod:`kiosk.ui.device_dispatch`) and a new configuration taken in
while it runs (:mod:`kiosk.ui.site_reload`). The technicians' screens behind the PIN are
in :mod:`kiosk.ui.technician`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty
from kivy.uix.screenmanager import ScreenManager
from kivy.utils import get_color_from_hex

from kiosk.app import FrontEnd
from kiosk.core.flows import Flows
from kiosk.core.next_steps import staff_called
from kiosk.core.session import KioskSession
from kiosk.core.staff_alerts import HELP_WANTED
from kiosk.ui.device_dispatch import DeviceDispatch
from kiosk.ui.edge import ErrorEdge
from kiosk.ui.idle import IDLE_CHECK_S, IdleWatch
from kiosk.ui.navigation import Navigator
from kiosk.ui.screens import SCREENS
from kiosk.ui.service_thread import ServiceThread
from kiosk.ui.site_reload import RELOAD_POLL_S, SiteReload
from kiosk.ui.status import NOTICE_ROTATE_S, STATUS_POLL_S, StatusBoard
from kiosk.ui.systemd import SystemdLink
from kiosk.ui.technician import KV_FILES, TECHNICIAN_SCREENS, open_menu
from kiosk.ui.theme import look

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent


class KioskApp(App):
    """The self-service kiosk, on the parts :func:`kiosk.app.assemble_front_end` made."""

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
    last_said = StringProperty("")
    config_problem = StringProperty("")  # the site file's error while the kiosk runs without it
    # True when 返回 would do what 首页 does (the screen is one step from home): the header
    # then shows 首页 alone, not two buttons for one action.
    back_is_home = BooleanProperty(True)

    def __init__(self, front_end: FrontEnd, **kwargs: Any) -> None:
        self.front_end = front_end
        self.systemd = SystemdLink(
            front_end.watchdog, lambda: f"home screen shown, {self.site.site.name}"
        )
        self.site = front_end.config
        self.clock = front_end.clock
        self.messages = front_end.messages
        self.voice = front_end.voice
        self.services = ServiceThread(front_end.build_services)
        self.session = KioskSession(Flows(self.site, self.messages, self.clock))
        self.zone = ZoneInfo(self.site.site.timezone)
        self.edge = ErrorEdge(self)
        self.idle = IdleWatch(self)
        self.status = StatusBoard(self)
        self.devices = DeviceDispatch(self)
        self.site_reload = SiteReload(self)
        self.nav: Navigator | None = None
        self._events: list[Any] = []
        self._exiting = False
        self._stopped = False
        super().__init__(**kwargs)
        self.title = "bianmin"
        self.site_name = self.site.site.name
        self.voice_on = self.site.ui.voice
        self.voice.enabled = self.voice_on
        self.large = self.site.ui.large_font
        self._apply_look()

    # -- life ----------------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        for path in (
            [UI_DIR / "widgets.kv", UI_DIR / "overlays.kv"]
            + [s.kv_path() for s in SCREENS]
            + KV_FILES
        ):
            if str(path) not in Builder.files:
                Builder.load_file(str(path))
        self.nav = Navigator(SCREENS + TECHNICIAN_SCREENS)
        self.nav.manager.bind(current=lambda *_: self.refresh_back())
        return self.nav.manager

    def load_kv(self, filename: str | None = None) -> bool:
        """Kv files are loaded by :meth:`build`, one per screen; there is no app-wide one."""
        return False

    def on_start(self) -> None:
        self.edge.install()
        Window.bind(on_touch_down=self._on_any_touch, on_request_close=self._on_request_close)
        self._events = [
            Clock.schedule_interval(self.idle.check, IDLE_CHECK_S),
            Clock.schedule_interval(self.status.tick, 1.0),
            Clock.schedule_interval(self.status.rotate, NOTICE_ROTATE_S),
            Clock.schedule_interval(self.status.poll, STATUS_POLL_S),
            Clock.schedule_interval(self.site_reload.poll, RELOAD_POLL_S),
        ]
        self.systemd.start()
        self.status.tick()
        self.status.poll()
        self.site_reload.poll()
        self.devices.start()

    def on_stop(self) -> None:
        if self._stopped:
            return  # App.stop() and App.run() both dispatch on_stop
        self._stopped = True
        self.devices.stop()
        for event in self._events:
            event.cancel()
        self._events = []
        self.edge.remove()
        Window.unbind(
            on_touch_down=self._on_any_touch,
            on_request_close=self._on_request_close,
        )
        self.systemd.stop()
        self.services.close()
        self.front_end.close()

    # -- looks and voice -----------------------------------------------------------------------

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
        """Speak ``text`` in the background when the voice is on (再听一遍 says it again)."""
        self.last_said = text
        if self.voice_on and not self._stopped:  # a late event of a stopped kiosk says nothing
            self.voice.speak(text)

    def say_again(self) -> None:
        """再听一遍: the last sentence once more."""
        if self.last_said:
            self.say(self.last_said)

    def call_staff(self) -> None:
        """找工作人员: the help-wanted alert is raised (kiosk.core.staff_alerts) and the
        villager is told where to find staff."""
        screen = self.current_screen_name
        self.call(lambda services: services.alerts.raise_alert(HELP_WANTED, screen))
        lines = staff_called(self.site)
        self.edge.show_text("\n".join(line.text(self.messages) for line in lines), "primary")

    # -- navigation ----------------------------------------------------------------------------

    @property
    def manager(self) -> ScreenManager:
        """The screen manager (the app's root)."""
        return self.root

    @property
    def current_screen_name(self) -> str:
        """The name of the screen on show ("-" before the window is built)."""
        return self.nav.current if self.nav is not None else "-"

    def screen(self, name: str):
        """The screen called ``name``, built the first time it is needed (a fast start)."""
        return self.nav.screen(name)

    def go(self, name: str) -> None:
        """Show the screen ``name``; the current one is remembered for 返回."""
        self.nav.go(name)

    def back_pressed(self) -> None:
        """The header's 返回: the screen's own way back (a form's previous field), else the
        previous screen."""
        screen = self.nav.manager.current_screen
        self.guard(getattr(screen, "go_back", self.back))

    def refresh_back(self) -> None:
        """Work out :attr:`back_is_home` for the screen on show (a screen whose 返回 goes to
        an earlier page of its own says so with ``steps_back``)."""
        screen = self.nav.manager.current_screen
        self.back_is_home = self.nav.back_goes_home and not getattr(screen, "steps_back", False)

    def back(self) -> None:
        """Show the previous screen (home when there is none)."""
        if not self.nav.back():
            self.go_home()

    def go_home(self) -> None:
        """Home, with everything personal forgotten: session, typed digits, screens' contents."""
        self.session.clear()
        self.idle.close()
        self.devices.close_prompt()
        self.edge.clear()
        self.nav.home()

    # -- the error edge and the service thread -------------------------------------------------

    def guard(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``action``; an exception becomes a plain sentence on screen (and None).
        A stopped kiosk runs nothing."""
        if self._stopped:
            return None
        return self.edge.guard(action, *args, **kwargs)

    def show_problem(self, exc: BaseException) -> None:
        """Log ``exc`` for the technician; tell the villager what to do in one sentence."""
        self.edge.show_problem(exc)

    def show_message(self, key: str, role: str = "danger", **values: object) -> None:
        """Show (and say) the sentence ``key`` over the current screen."""
        self.edge.show_message(key, role, **values)

    def call(
        self,
        work: Callable[[Any], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run ``work(services)`` on the service thread; then ``done(result)`` or
        ``failed(exc)`` (default: a plain message) on the UI thread."""
        return self.services.call(
            work,
            done,
            failed or self.show_problem,
            self.on_main_thread,
        )

    def on_main_thread(self, action: Callable[..., Any], *args: Any) -> None:
        """Run ``action(*args)`` on the UI thread (for device threads' events and service
        results), unless the kiosk has stopped by then: a late answer touches no screen."""
        Clock.schedule_once(lambda _dt: self.guard(action, *args))

    # -- devices, idle, technician -------------------------------------------------------------

    def ask_for_card(self, key: str, cancelled: Callable[[], None]) -> None:
        """Show "place your card" (sentence ``key``) over the screen until a card or 取消."""
        self.devices.ask_for_card(key, cancelled)

    def close_card_prompt(self) -> None:
        """Close the card prompt, if one is open."""
        self.devices.close_prompt()

    def keep_session(self) -> None:
        """继续使用: the villager is still there."""
        self.idle.keep()

    def poll_status(self) -> None:
        """Read the link state and the notices now, not at the next interval."""
        self.status.poll()

    def _on_any_touch(self, _window: Any, touch: Any) -> None:
        self.idle.touched(touch)

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return self.site.ui.kiosk_lock and not self._exiting

    def technician_menu(self) -> None:
        """The technician gave the right PIN: their menu (set-up, 体检, exit)."""
        log.warning("technician menu opened with the PIN")
        open_menu(self)

    def technician_exit(self) -> None:
        """退出程序 on the technician menu: leave the kiosk."""
        log.warning("technician exit with PIN")
        self.call(lambda services: services.audit.record("technician", "kiosk.technician_exit"))
        self._exiting = True
        self.stop()

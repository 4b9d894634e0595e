"""The agent's tablet App: state as Kivy properties, one service thread, thin screens.

Screens render what the core's agent desk gives and forward taps to it through
:meth:`AgentApp.call` (the service thread owns the store); they move between each other
only through :meth:`AgentApp.go`. The tablet locks itself after ``[agent] idle_lock_s``
without a touch and when the system suspends it (``on_pause``): the desk is dropped, the
agent's key locked, every screen cleared, and the login shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.utils import get_color_from_hex

from kiosk.agent.devices import AgentDevices
from kiosk.agent.overlays import AgentNotice
from kiosk.agent.screens import SCREENS
from kiosk.agent.syncing import AgentSync
from kiosk.agent.widgets import TABLET_TYPE
from kiosk.app import AgentFrontEnd
from kiosk.core.agents import AgentDesk, AgentSession
from kiosk.core.errors import explain
from kiosk.ui.service_thread import ServiceThread
from kiosk.ui.systemd import SystemdLink
from kiosk.ui.theme import look

log = logging.getLogger(__name__)

AGENT_DIR = Path(__file__).resolve().parent
IDLE_CHECK_S = 5.0
BADGE_POLL_S = 10.0


class AgentApp(App):
    """The proxy agent's tablet, on the parts :func:`kiosk.app.assemble_agent` made."""

    pal = DictProperty()
    fs = DictProperty()
    agent_name = StringProperty("")
    unsent = NumericProperty(0)
    syncing = BooleanProperty(False)
    sync_progress = NumericProperty(0.0)
    can_go_back = BooleanProperty(False)
    portrait = BooleanProperty(False)

    def __init__(self, front_end: AgentFrontEnd, **kwargs: Any) -> None:
        self.front_end = front_end
        self.systemd = SystemdLink(front_end.watchdog, lambda: "log-in screen shown")
        self.site = front_end.config
        self.clock = front_end.clock
        self.messages = front_end.messages
        self.services = ServiceThread(front_end.build_services)
        self.devices = AgentDevices(self)
        self.session: AgentSession | None = None
        self.desk: AgentDesk | None = None
        self.case_id: str | None = None  # the application being worked on
        self.villager_id: str | None = None
        self.material_code: str | None = None
        self.flow: Any = None  # the application on screen (kiosk.core.flows.ApplicationFlow)
        self.step: Any = None  # the flow's step on screen
        self._camera: Any = None
        self._history: list[str] = []
        self._events: list[Any] = []
        self._last_touch = self.clock.monotonic()
        self._stopped = False
        self.syncer = AgentSync(self)
        super().__init__(**kwargs)
        self.title = "bianmin 代办"
        palette = look(False).palette
        self.pal = {
            k: get_color_from_hex(v) for k, v in vars(palette).items() if isinstance(v, str)
        }
        self.fs = {name: round(dp(size)) for name, size in TABLET_TYPE.items()}

    # -- life --------------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        for path in dict.fromkeys(
            [AGENT_DIR / "agent.kv", *(s.kv_path() for s in SCREENS.values())]
        ):
            if str(path) not in Builder.files:
                Builder.load_file(str(path))
        manager = ScreenManager(transition=NoTransition())
        self._screens = SCREENS
        self._manager = manager
        self._show("login")
        return manager

    def load_kv(self, filename: str | None = None) -> bool:
        """Kv files are loaded by :meth:`build`."""
        return False

    def on_start(self) -> None:
        Window.bind(on_touch_down=self._touched, size=self._resized)
        self._resized(Window, Window.size)
        self._events = [
            Clock.schedule_interval(self._check_idle, IDLE_CHECK_S),
            Clock.schedule_interval(lambda _dt: self.refresh_badge(), BADGE_POLL_S),
        ]
        self.systemd.start()
        self.devices.start()

    def on_pause(self) -> bool:
        """The system suspends the tablet: lock now (and keep running)."""
        self.lock()
        return True

    def on_stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.devices.stop()
        for event in self._events:
            event.cancel()
        self.systemd.stop()
        Window.unbind(on_touch_down=self._touched, size=self._resized)
        # Only the key is closed here: changing the screens' properties now would make kv
        # bind this stopping app again (kv's ``app`` would keep pointing at it).
        self._end_session()
        if self._camera is not None and self._camera is not self.front_end.camera:
            self._camera.stop()
        self.services.close()
        self.front_end.close()

    @property
    def stopped(self) -> bool:
        """True once the app has stopped (late answers change nothing then)."""
        return self._stopped

    def _resized(self, _window: Any, size: tuple[int, int]) -> None:
        self.portrait = size[1] > size[0]

    # -- words -------------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """The catalogue sentence for ``key``."""
        return self.messages.get(key, **values)

    def local_time(self, stamp: str) -> str:
        """An RFC 3339 time as the tablet's wall clock reads it (``2026-11-23 09:15``)."""
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp[:16]
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(ZoneInfo(self.site.site.timezone)).strftime("%Y-%m-%d %H:%M")

    def show_message(self, key: str, role: str = "danger", **values: object) -> AgentNotice:
        """Show the sentence ``key`` over the screen until tapped away."""
        notice = AgentNotice(text=self.t(key, **values), role=role)
        notice.open(animation=False)
        return notice

    def show_problem(self, exc: BaseException) -> None:
        """Log ``exc`` for the technician; tell the agent what happened in one sentence."""
        key, params = explain(exc, self.messages)
        if key == "common.error.generic":
            log.error("agent screen: %s", exc, exc_info=exc)
        else:
            log.info("agent screen: %s", exc)
        self.show_message(key, **params)

    # -- the service thread ------------------------------------------------------------------

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
            lambda handler, value: Clock.schedule_once(lambda _dt: self._guard(handler, value)),
        )

    def call_desk(
        self,
        work: Callable[[AgentDesk], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Future[Any] | None:
        """Run ``work(desk)`` for the logged-in agent (nothing when the tablet is locked)."""
        desk = self.desk
        if desk is None:
            return None
        return self.call(lambda _services: work(desk), done, failed)

    def on_main_thread(self, action: Callable[..., Any], *args: Any) -> None:
        """Run ``action(*args)`` on the UI thread (a device thread's event)."""
        Clock.schedule_once(lambda _dt: self._guard(action, *args))

    def _guard(self, action: Callable[..., None], *args: Any) -> None:
        if self._stopped:
            return  # an answer that arrives after the app stopped changes nothing on screen
        try:
            action(*args)
        except Exception as exc:
            self.show_problem(exc)

    # -- navigation --------------------------------------------------------------------------

    def _show(self, name: str) -> Any:
        manager = self._manager
        if not manager.has_screen(name):
            manager.add_widget(self._screens[name](name=name))
        manager.current = name
        return manager.get_screen(name)

    def screen(self, name: str) -> Any:
        """The screen called ``name`` (built when first needed)."""
        if not self._manager.has_screen(name):
            self._manager.add_widget(self._screens[name](name=name))
        return self._manager.get_screen(name)

    @property
    def current(self) -> str:
        """The name of the screen on show."""
        return self._manager.current

    def go(self, name: str, *, remember: bool = True) -> None:
        """Show the screen ``name`` (it reloads what it shows); 返回 comes back here."""
        if remember and self._manager.current not in ("login",):
            self._history.append(self._manager.current)
        self.can_go_back = bool(self._history)
        screen = self._show(name)
        refresh = getattr(screen, "refresh", None)
        if refresh is not None:
            refresh()

    def back(self) -> None:
        """The screen before this one (the work list when there is none)."""
        target = self._history.pop() if self._history else "home"
        self.go(target, remember=False)
        self.can_go_back = bool(self._history)

    def home(self) -> None:
        """The work lists, with the path there forgotten."""
        self._history.clear()
        self.case_id = self.flow = None
        self.go("home", remember=False)
        self.can_go_back = False

    # -- the application ---------------------------------------------------------------------

    def new_application(self) -> None:
        """新办一件: choose the villager first, then the item."""
        self.villager_id = None
        chooser = self.screen("villagers")
        chooser.clear()
        chooser.choosing = True
        self.go("villagers")

    def show_step(self, flow: Any, step: Any) -> None:
        """Show the application flow's step: its form, the materials, the authorisation, the
        review; after 提交, the work lists (the receipt is the case on the 待发送 list)."""
        from kiosk.core.flows import (
            AuthorizationStep,
            FieldStep,
            MaterialsStep,
            ReceiptStep,
            ReviewStep,
        )

        self.flow, self.step = flow, step
        if flow.case_ids:
            self.case_id = next(iter(flow.case_ids.values()))
        if isinstance(step, ReceiptStep):
            self.flow = None
            self.home()
            self.refresh_badge()
            self.show_message("agent.ui.submitted", role="success")
            return
        screens = {
            FieldStep: "form",
            MaterialsStep: "materials",
            AuthorizationStep: "authorize",
            ReviewStep: "review",
        }
        self.go(screens[type(step)])

    def camera(self) -> Any:
        """The tablet's camera, started when first needed; None when it has none."""
        if self._camera is None:
            camera = self.front_end.camera
            if camera is None and self.site.agent.camera == "kivy":
                from kiosk.agent.camera import KivyCamera

                camera = KivyCamera(self.clock.now)
            if camera is None:
                return None
            try:
                camera.start()
            except Exception as exc:
                log.warning("camera: %s", exc)
                return None
            self._camera = camera
        return self._camera

    # -- login and lock ----------------------------------------------------------------------

    def logged_in(self, session: AgentSession, desk: AgentDesk) -> None:
        """The agent is in: their desk, the badge, a half-done draft offered back."""
        self.session, self.desk = session, desk
        self.agent_name = session.account.name
        self._last_touch = self.clock.monotonic()
        self.home()
        self.refresh_badge()
        self.screen("home").offer_unfinished()

    def _end_session(self) -> None:
        session, self.session, self.desk = self.session, None, None
        self.case_id = self.villager_id = self.flow = None
        if session is not None:
            self.call(lambda services: services.login.log_out(session))

    def lock(self) -> None:
        """Lock the tablet: the agent's key closed, every screen emptied, the login shown."""
        self._end_session()
        self.agent_name = ""
        self._history.clear()
        self.can_go_back = False
        for view in list(Window.children):
            if isinstance(view, AgentNotice):
                view.dismiss(animation=False)
        for name in self._manager.screen_names:
            clear = getattr(self._manager.get_screen(name), "clear", None)
            if clear is not None:
                clear()
        if not self._stopped:
            self._show("login")
            self.screen("login").refresh()

    def _touched(self, _window: Any, _touch: Any) -> None:
        self._last_touch = self.clock.monotonic()

    def _check_idle(self, _dt: float = 0) -> None:
        idle = self.clock.monotonic() - self._last_touch
        if self.session is not None and idle >= self.site.agent.idle_lock_s:
            log.info("agent tablet locked after %.0f s idle", idle)
            self.lock()

    # -- the badge and sync ------------------------------------------------------------------

    def refresh_badge(self) -> None:
        """Count the agent's unsent cases now (the 未发送 badge)."""
        from kiosk.core.agents import Worklist

        def counted(counts: dict) -> None:
            self.unsent = counts[Worklist.UNSENT]

        self.call_desk(lambda desk: desk.lists.counts(), counted)

    def sync_now(self) -> None:
        """同步: send what waits and bring back statuses, with progress over records and bytes."""
        self.syncer.start()

"""A new configuration while the kiosk runs: a set-up screen saved, the site file edited.

Every few seconds the site file is looked at (:class:`~kiosk.core.upkeep.site_watch.SiteWatch`).
A change that loads is taken in as soon as nobody is in the middle of something (the home
screen with nothing personal on it, or a technician's screen): the composition root
reopens the devices whose settings changed (:meth:`kiosk.app.FrontEnd.reload`), the
services are rebuilt on their thread when their settings changed, and the app's own
settings follow. A change that does not load changes nothing: the kiosk goes on with
the configuration it has, and the error line is shown to technicians (the technician menu;
``bianmin status``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kivy.clock import Clock

from kiosk.config import Config
from kiosk.core.flows import Flows
from kiosk.core.session import IdleTimer, KioskSession
from kiosk.core.upkeep.site_watch import Accepted, SiteWatch
from kiosk.ui.navigation import HOME
from kiosk.ui.technician import TECHNICIAN_SCREENS

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

RELOAD_POLL_S = 2.0
TECHNICIAN_SCREEN_NAMES = frozenset(screen.kv_name for screen in TECHNICIAN_SCREENS)


class SiteReload:
    """Keeps the running kiosk on the site file's configuration, or its last good one."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.watch = SiteWatch(app.front_end.config)
        self.pending: Config | None = None
        self.restart_needed: tuple[str, ...] = ()  # keys saved that only a restart applies
        self._retreating = False

    def poll(self, _dt: float = 0) -> None:
        """Look at the site file; take a good change in when the kiosk is at rest."""
        change = self.watch.check()
        if isinstance(change, Accepted):
            self.pending = change.config
        self.app.config_problem = self.watch.problem
        if self.pending is not None and self.at_rest():
            self.apply(self.pending)

    def at_rest(self) -> bool:
        """Nobody is in the middle of something a new configuration would disturb."""
        app = self.app
        name = app.current_screen_name
        if name in TECHNICIAN_SCREEN_NAMES:
            return True
        return name == HOME and not app.session.has_personal_data

    def apply(self, config: Config) -> None:
        """Run on ``config`` from now on: devices, services and the app's own settings."""
        app = self.app
        self.pending = None
        before = app.front_end.config
        reload = app.front_end.reload(config)
        if reload.reopened:
            app.devices.restart()
        if reload.services:
            rebuilt = app.services.rebuild(app.front_end.build_services)
            rebuilt.add_done_callback(
                lambda done: Clock.schedule_once(lambda _dt: self._rebuilt(done, before))
            )
        self._take_settings(config)
        self.restart_needed = reload.at_next_start
        log.info(
            "site file taken in without a restart: %s changed; reopened: %s; services %s",
            ", ".join(sorted(reload.changed)) or "nothing",
            ", ".join(reload.reopened) or "nothing",
            "rebuilt" if reload.services else "kept",
        )

    def release_device(self, device: str) -> None:
        """Have the kiosk's ``device`` (reader, scanner) let go of its port (a set-up test)."""
        self.app.front_end.release(device)
        self.app.devices.restart()

    def give_back_devices(self) -> None:
        """Open again the devices let go of, from the configuration in force."""
        if self.app.front_end.reload(self.app.front_end.config).reopened:
            self.app.devices.restart()

    def _take_settings(self, config: Config) -> None:
        """The app's own copies of settings: site name, zone, idle times, voice, text size."""
        app = self.app
        ui_changed = config.ui != app.site.ui
        app.site = config
        app.site_name = config.site.name
        app.zone = ZoneInfo(config.site.timezone)
        app.idle.timer = IdleTimer(app.clock, config.ui.idle_s, config.ui.countdown_s)
        app.session = KioskSession(Flows(config, app.messages, app.clock))
        if ui_changed:
            app.voice_on = app.voice.enabled = config.ui.voice
            if app.large != config.ui.large_font:
                app.toggle_large()
        app.poll_status()

    def _rebuilt(self, done: Any, before: Config) -> None:
        """The services' rebuild ended; if the new configuration cannot run them, go back."""
        if self.app.services.closed:
            return  # the kiosk stopped meanwhile
        error = done.exception()
        if error is None or self._retreating:
            self._retreating = False
            self.app.poll_status()
            return
        log.error("the services do not start with the new configuration: %s", error)
        self.watch.problem = f"{self.app.front_end.config.source}: services did not start: {error}"
        self.app.config_problem = self.watch.problem
        self._retreating = True
        self.apply(before)

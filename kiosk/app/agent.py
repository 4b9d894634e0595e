"""The agent's tablet: its services on the site's store and its front-end's parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.app.devices import Devices, open_devices
from kiosk.app.services import privacy_chore, start_in_background, sync_service
from kiosk.app.site import open_site
from kiosk.config import Config
from kiosk.core.agents.keys import KeyRing
from kiosk.core.audit import AuditLog
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CaseService
from kiosk.core.catalogue import Catalogue
from kiosk.core.messages import Messages
from kiosk.core.notices import Notices
from kiosk.core.upkeep.housekeeping import Housekeeping
from kiosk.core.upkeep.watchdog import Watchdog
from kiosk.resources import data_path
from offline_sync.clock import Clock, SystemClock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.sync import SyncReport, SyncService

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    from devices.camera import Camera
    from kiosk.core.agents.desk import AgentDesk
    from kiosk.core.agents.login import AgentLogin, AgentSession


@dataclass
class AgentServices:
    """What an agent's tablet runs on: the site's store, key ring, catalogue, calendar, sync
    and the agents' login. No printer, queue or voice."""

    config: Config
    clock: Clock
    store: Store
    vault: KeyRing
    catalogue: Catalogue
    calendar: WorkCalendar
    notices: Notices
    sync: SyncService
    outbox: Outbox
    audit: AuditLog
    login: AgentLogin
    housekeeping: Housekeeping

    def desk(self, session: AgentSession) -> AgentDesk:
        """The logged-in agent's desk (their cases, villagers, lists), sealed under their key."""
        from kiosk.core.agents.desk import AgentDesk

        return AgentDesk(
            session,
            store=self.store,
            config=self.config,
            catalogue=self.catalogue,
            calendar=self.calendar,
            clock=self.clock,
            on_queued=self.sync.notify,
        )

    def sync_once(self, deadline_s: float = 120.0) -> SyncReport:
        """Sync now (the sync button), on the calling thread so that the service thread stays
        free to show progress; one sync per store all the same (:meth:`SyncService.sync_now`:
        SyncBusy, 正在同步, while another process syncs). SyncNotConfigured without a link."""
        return self.sync.sync_now(deadline_s)

    def close(self) -> None:
        """Stop background sync and chores, and close the store."""
        self.sync.stop()
        self.housekeeping.stop()
        self.store.close()


def build_agent(
    config: Config, clock: Clock | None = None, *, background: bool = True
) -> AgentServices:
    """The services of an agent's tablet; ``background`` starts sync and the start-up tidying."""
    from kiosk.core.agents.login import AgentLogin

    clock = clock or SystemClock()
    store, vault = open_site(config)
    sync = sync_service(config, clock, vault, store)
    outbox = Outbox(store, vault, on_queued=sync.notify)
    audit = AuditLog(store, outbox, clock)
    catalogue = Catalogue(store)
    services = AgentServices(
        config=config,
        clock=clock,
        store=store,
        vault=vault,
        catalogue=catalogue,
        calendar=WorkCalendar(store),
        notices=Notices(store, clock),
        sync=sync,
        outbox=outbox,
        audit=audit,
        login=AgentLogin(store, vault, clock, config.agent, audit, on_unlock=sync.notify),
        # A tablet keeps villagers' data no longer than a kiosk does.
        housekeeping=Housekeeping(
            [("privacy purge", privacy_chore(config, clock, vault, sync.notify))]
        ),
    )
    catalogue.seed_if_empty()
    if background:
        cases = CaseService(
            store, vault, outbox, catalogue, services.calendar, clock, config.data_dir
        )
        start_in_background(cases, sync, services.housekeeping, catalogue)
    return services


def sample_photos() -> Path:
    """The packaged made-up photos of materials a simulated camera (``camera = "sim"``) gives."""
    return data_path("assets") / "sim" / "camera"


@dataclass
class AgentFrontEnd:
    """What the agent's tablet front-end is made of; it owns it and closes it."""

    config: Config
    clock: Clock
    devices: Devices
    camera: Camera | None
    messages: Messages
    build_services: Callable[[], AgentServices]
    watchdog: Watchdog = field(default_factory=Watchdog.from_environment)

    def close(self) -> None:
        """Stop the card reader and the camera; tell systemd the tablet is stopping."""
        self.watchdog.stopping()
        self.devices.close()
        if self.camera is not None:
            self.camera.stop()
        self.watchdog.close()


def assemble_agent(
    config: Config, clock: Clock | None = None, *, background: bool = True
) -> AgentFrontEnd:
    """Everything the agent's tablet needs, from the configuration (``[agent] camera = "kivy"``
    leaves the camera to the front-end, which may use Kivy)."""
    from devices.camera import open_camera

    clock = clock or SystemClock()
    return AgentFrontEnd(
        config=config,
        clock=clock,
        devices=open_devices(config),
        camera=open_camera(config.agent.camera, sample_photos(), clock.now),
        messages=Messages(config.ui.language),
        build_services=lambda: build_agent(config, clock, background=background),
    )

"""The composition root: builds every service and device of the program from the configuration.

Every front-end and command starts here. :func:`build_app` gives the services of one
process (store, queue, cases, printing, sync ...); :func:`open_devices` the card reader
and scanner the site file names (real, simulated with ``port = "sim"``, or absent);
:func:`assemble_front_end` puts both together with the voice and the message catalogue
for a touch-screen front-end. Nothing else builds a service or opens a device.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.core.agents.accounts import AgentDirectory
from kiosk.core.agents.keys import KeyRing
from kiosk.core.appliers import appliers
from kiosk.core.audit import AuditLog
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CaseService
from kiosk.core.catalogue import Catalogue
from kiosk.core.feedback import FeedbackService
from kiosk.core.hall.client import HallClient
from kiosk.core.messages import Messages
from kiosk.core.notices import Notices
from kiosk.core.privacy.files import prepare_data_dir
from kiosk.core.privacy.retention import Retention
from kiosk.core.queue import QueueApi, QueueService
from kiosk.core.schema import MIGRATION_SETS
from kiosk.core.staff_alerts import StaffAlerts
from kiosk.core.upkeep.backup import Backups
from kiosk.core.upkeep.housekeeping import Housekeeping
from kiosk.core.upkeep.watchdog import Watchdog
from kiosk.resources import data_path
from offline_sync.clock import Clock, SystemClock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.sync import SyncReport, SyncService, SyncSettings, platform_connector
from offline_sync.vault import Vault, open_vault

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    from devices.camera import Camera
    from devices.idcard import CardReader
    from devices.scanner import Scanner
    from kiosk.core.agents.desk import AgentDesk
    from kiosk.core.agents.login import AgentLogin, AgentSession
    from kiosk.core.printing import PrintService
    from kiosk.core.upkeep.ports import PortListing
    from kiosk.core.upkeep.setup import SetupStep
    from kiosk.core.voice import Voice

STORE_FILE = "bianmin.sqlite3"

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the UI and the CLI use, built once per process (or per thread for the store)."""

    config: Config
    clock: Clock
    store: Store
    vault: Vault
    outbox: Outbox
    queue: QueueApi
    printer: PrintService
    catalogue: Catalogue
    calendar: WorkCalendar
    cases: CaseService
    feedback: FeedbackService
    agents: AgentDirectory
    notices: Notices
    alerts: StaffAlerts
    sync: SyncService
    audit: AuditLog
    privacy: Retention
    housekeeping: Housekeeping

    def close(self) -> None:
        """Stop background sync and chores, release the printer's port, the hall link and the store."""
        self.sync.stop()
        self.housekeeping.stop()
        if isinstance(self.queue, HallClient):
            self.queue.close()
        self.printer.close()
        self.store.close()


def open_store(config: Config) -> Store:
    """Open the site's store file with every migration applied."""
    return Store.open(config.data_dir / STORE_FILE, MIGRATION_SETS)


def open_site(config: Config) -> tuple[Store, Vault]:
    """The site's store and the key ring of the vault that sealed it, in a private data directory.

    Raises DataDirError, StoreError or VaultError (KeyMissing, WrongKey) with one line
    that names the file and what to do; a store is never given a new key it cannot read.
    """
    tidied = prepare_data_dir(config.data_dir)
    if tidied.modes_fixed or tidied.leftovers_removed:
        log.info(
            "data directory %s: %d modes made private, %d leftover temporary files removed",
            config.data_dir,
            tidied.modes_fixed,
            tidied.leftovers_removed,
        )
    store = open_store(config)
    try:
        # The key ring opens agents' values too, while they are logged in.
        return store, open_vault(config.data_dir, store, KeyRing)
    except BaseException:
        store.close()
        raise


def check_site(config: Config) -> None:
    """Refuse to start early, before a window opens: the checks of :func:`open_site`."""
    store, _vault = open_site(config)
    store.close()


def _sync_service(config: Config, clock: Clock, vault: Vault, store: Store) -> SyncService:
    return SyncService(
        store=store,
        open_store=lambda: open_store(config),
        vault=vault,
        data_dir=config.data_dir,
        connect=platform_connector(
            config.platform.url,
            config.platform.device_id,
            config.platform.device_secret,
            clock,
            config.sync.request_timeout_s,
        ),
        clock=clock,
        settings=SyncSettings.from_mapping(dataclasses.asdict(config.sync)),
        appliers=appliers(vault),
    )


def build_app(config: Config, clock: Clock | None = None) -> Services:
    """Build the services of one process from its configuration."""
    from kiosk.core.printing import PrintService

    clock = clock or SystemClock()
    store, vault = open_site(config)
    sync = _sync_service(config, clock, vault, store)
    # Every committed record nudges the sync worker, so it leaves now, not at the next interval.
    outbox = Outbox(store, vault, on_queued=sync.notify)
    catalogue = Catalogue(store)
    calendar = WorkCalendar(store)
    zone = config.site.timezone
    alerts = StaffAlerts(store, clock)
    audit = AuditLog(store, outbox, clock)
    return Services(
        config=config,
        clock=clock,
        store=store,
        vault=vault,
        outbox=outbox,
        # A kiosk of a hall with a hall server takes its numbers there ([hall] url).
        queue=HallClient(config, clock)
        if config.hall.url
        else QueueService(store, outbox, config, clock),
        printer=PrintService.from_config(config, store, vault, clock, alerts=alerts),
        catalogue=catalogue,
        calendar=calendar,
        cases=CaseService(
            store,
            vault,
            outbox,
            catalogue,
            calendar,
            clock,
            config.data_dir,
            zone,
            reference_letters=config.site.letters,
        ),
        feedback=FeedbackService(store, vault, outbox, clock, zone),
        agents=AgentDirectory(store, vault),
        notices=Notices(store, clock),
        alerts=alerts,
        sync=sync,
        audit=audit,
        privacy=Retention(store, clock, config.data_dir, config.privacy.retain_days, audit),
        housekeeping=Housekeeping(
            [
                ("backup", Backups.for_config(config, store.path, clock).run_if_due),
                ("privacy purge", _privacy_chore(config, clock, vault, sync.notify)),
            ]
        ),
    )


def _privacy_chore(
    config: Config, clock: Clock, vault: Vault, notify: Callable[[], None]
) -> Callable[[], object]:
    """The daily privacy purge as a chore: on the chores' thread, with a store of its own."""

    def chore() -> object:
        store = open_store(config)
        try:
            audit = AuditLog(store, Outbox(store, vault, on_queued=notify), clock)
            retention = Retention(store, clock, config.data_dir, config.privacy.retain_days, audit)
            return retention.purge_if_due("kiosk")
        finally:
            store.close()

    return chore


def start_kiosk(config: Config, clock: Clock | None = None) -> Services:
    """The services of a kiosk or tablet at start-up: built, tidied and running.

    Deletes attachment files a crash left without their row, starts background sync
    when the platform link is configured and the chores (the nightly backup, the daily
    privacy purge), and loads the pinyin tables so that the first search a villager makes
    is as fast as the others.
    """
    services = build_app(config, clock)
    removed = services.cases.sweep_orphan_files()
    if removed:
        log.info("removed %d attachment files left by an interrupted write", removed)
    if services.sync.configured:
        services.sync.start()
    services.housekeeping.start()
    services.catalogue.warm_up()
    return services


def sample_cards() -> Path:
    """The packaged sample ID cards a simulated reader (``port = "sim"``) offers."""
    return data_path("assets") / "sim" / "cards.toml"


@dataclass
class Devices:
    """The devices the site file names, opened but not started; an absent one is None.

    The receipt printer is not here: the print service owns it (``services.printer``).
    """

    reader: CardReader | None = None
    scanner: Scanner | None = None

    def start(self) -> None:
        """Start the card reader's polling; the scanner starts when someone listens to it."""
        if self.reader is not None:
            self.reader.start()

    def close(self) -> None:
        """Stop both devices and release their ports (again: nothing)."""
        if self.reader is not None:
            self.reader.stop()
        if self.scanner is not None:
            self.scanner.stop()


def open_devices(config: Config) -> Devices:
    """Open the card reader and scanner of ``[devices]``: a port, ``"sim"``, or none.

    The drivers are imported only when a device is configured (a tablet without a serial
    reader never loads pyserial).
    """
    return Devices(reader=open_reader(config), scanner=open_scanner(config))


def open_reader(config: Config) -> CardReader | None:
    """The card reader of ``[devices.idcard]``, not started; None when no port is set."""
    settings = config.devices.idcard
    if not settings.port:
        return None
    from devices.idcard import open_reader as open_serial_reader

    return open_serial_reader(
        settings.port, settings.baud, settings.poll_interval_s, sim_cards=sample_cards()
    )


def open_scanner(config: Config) -> Scanner | None:
    """The scanner of ``[devices.scanner]``, not started; None when no port is set."""
    settings = config.devices.scanner
    if not settings.port:
        return None
    from devices.scanner import open_scanner as open_serial_scanner

    return open_serial_scanner(settings.port, settings.baud)


@dataclass(frozen=True)
class Reload:
    """What a new configuration changed in a running front-end (:meth:`FrontEnd.reload`)."""

    config: Config
    changed: frozenset[str]  # the tables that differ: devices.idcard, platform, ui ...
    reopened: tuple[str, ...] = ()  # the devices closed and opened again: reader, scanner
    services: bool = False  # the services must be rebuilt (FrontEnd.build_services)
    at_next_start: tuple[str, ...] = ()  # keys that only a restart applies (the window)


# Each device of Devices: its table in the site file, how it is opened.
DEVICE_OPENERS = {
    "reader": ("devices.idcard", open_reader),
    "scanner": ("devices.scanner", open_scanner),
}
FRONT_END_TABLES = frozenset({"ui"} | {table for table, _ in DEVICE_OPENERS.values()})
# The window and the front-end are made once per process: these apply at the next start.
WINDOW_KEYS = ("fullscreen", "width", "height", "mode")


@dataclass
class FrontEnd:
    """What a touch-screen front-end is made of; the front-end owns it and closes it.

    The services are built by :meth:`build_services` on the thread that will use them (one
    store connection per thread), so a window can show before they are ready. A new
    configuration (a set-up screen saved, the site file edited) is taken in by
    :meth:`reload` while the front-end runs: no restart.
    """

    config: Config
    clock: Clock
    devices: Devices
    voice: Voice
    messages: Messages
    start_services: Callable[[Config, Clock], Services]
    watchdog: Watchdog = field(default_factory=Watchdog.from_environment)
    ports: PortListing | None = None  # where set-up looks for serial ports (None: the machine's)

    def build_services(self) -> Services:
        """The services for the configuration in force (call it on the services' thread)."""
        return self.start_services(self.config, self.clock)

    def setup_steps(self) -> dict[str, SetupStep]:
        """The technicians' set-up steps, saving into this front-end's site file."""
        # Imported when a technician asks: the steps load every device driver.
        from kiosk.core.upkeep.setup import SiteFile, setup_steps

        return setup_steps(SiteFile(self.config.source), self.clock, self.ports)

    def release(self, device: str) -> None:
        """Close ``device`` (``reader`` or ``scanner``) so that a set-up test can use its
        port; the next :meth:`reload` opens it again (the configuration's, old or new)."""
        opened = getattr(self.devices, device)
        if opened is not None:
            opened.stop()
            setattr(self.devices, device, None)

    def reload(self, config: Config) -> Reload:
        """Run on ``config`` from now on: the devices whose settings changed (or that were
        released) are closed and opened again; the answer says whether the services must
        be rebuilt too (on their own thread: :meth:`build_services`)."""
        from kiosk.core.upkeep.site_watch import changed_sections

        changed = changed_sections(self.config, config)
        reopened = []
        for device, (table, opener) in DEVICE_OPENERS.items():
            if table in changed or getattr(self.devices, device) is None:
                self.release(device)
                setattr(self.devices, device, opener(config))
                if getattr(self.devices, device) is not None:
                    reopened.append(device)
        window = [
            f"ui.{key}"
            for key in WINDOW_KEYS
            if getattr(self.config.ui, key) != getattr(config.ui, key)
        ]
        self.config = config
        return Reload(
            config,
            changed,
            tuple(reopened),
            bool(changed - FRONT_END_TABLES),
            tuple(window),
        )

    def close(self) -> None:
        """Stop the devices and the voice (the services are closed by their thread)."""
        self.watchdog.stopping()
        self.devices.close()
        self.voice.close()
        self.watchdog.close()


def assemble_front_end(
    config: Config,
    clock: Clock | None = None,
    *,
    voice: Voice | None = None,
    background: bool = True,
    ports: PortListing | None = None,
) -> FrontEnd:
    """Everything a front-end needs, from the configuration.

    ``voice`` replaces the speaker built from ``[ui]`` (the tour and tests record what
    would be said); ``background`` False builds the services without starting sync and
    the start-up tidying (:func:`start_kiosk`), for tests; ``ports`` is where the set-up
    screens look for serial ports (tests and the tour add simulators' ptys).
    """
    from kiosk.core.voice import Voice, system_player

    clock = clock or SystemClock()
    if voice is None:
        voice = Voice(config.data_dir / "voice", player=system_player(), enabled=config.ui.voice)
    return FrontEnd(
        config=config,
        clock=clock,
        devices=open_devices(config),
        voice=voice,
        messages=Messages(config.ui.language),
        start_services=start_kiosk if background else build_app,
        ports=ports,
    )


# -- the proxy agent's tablet (docs/agent.md) -------------------------------------------------


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
    sync = _sync_service(config, clock, vault, store)
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
            [("privacy purge", _privacy_chore(config, clock, vault, sync.notify))]
        ),
    )
    catalogue.seed_if_empty()
    if background:
        cases = CaseService(
            store, vault, outbox, catalogue, services.calendar, clock, config.data_dir
        )
        removed = cases.sweep_orphan_files()
        if removed:
            log.info("removed %d attachment files left by an interrupted write", removed)
        if sync.configured:
            sync.start()
        services.housekeeping.start()
        catalogue.warm_up()
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

"""The composition root: builds every service of the program from the configuration."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from kiosk.config import Config
from kiosk.core.agents import AgentDirectory
from kiosk.core.appliers import appliers
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CaseService
from kiosk.core.catalogue import Catalogue
from kiosk.core.feedback import FeedbackService
from kiosk.core.notices import Notices
from kiosk.core.printing import PrintService
from kiosk.core.queue import QueueService
from kiosk.core.schema import MIGRATION_SETS
from offline_sync.clock import Clock, SystemClock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.sync import SyncService, SyncSettings, platform_connector
from offline_sync.vault import Vault

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
    queue: QueueService
    printer: PrintService
    catalogue: Catalogue
    calendar: WorkCalendar
    cases: CaseService
    feedback: FeedbackService
    agents: AgentDirectory
    notices: Notices
    sync: SyncService

    def close(self) -> None:
        """Stop background sync, release the printer's port and the store."""
        self.sync.stop()
        self.printer.close()
        self.store.close()


def open_store(config: Config) -> Store:
    """Open the site's store file with every migration applied."""
    return Store.open(config.data_dir / STORE_FILE, MIGRATION_SETS)


def build_app(config: Config, clock: Clock | None = None) -> Services:
    """Build the services of one process from its configuration."""
    clock = clock or SystemClock()
    vault = Vault.load_or_create(config.data_dir)
    store = open_store(config)
    sync = SyncService(
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
    # Every committed record nudges the sync worker, so it leaves now, not at the next interval.
    outbox = Outbox(store, vault, on_queued=sync.notify)
    catalogue = Catalogue(store)
    calendar = WorkCalendar(store)
    zone = config.site.timezone
    return Services(
        config=config,
        clock=clock,
        store=store,
        vault=vault,
        outbox=outbox,
        queue=QueueService(store, outbox, config, clock),
        printer=PrintService.from_config(config, store, vault, clock),
        catalogue=catalogue,
        calendar=calendar,
        cases=CaseService(store, vault, outbox, catalogue, calendar, clock, config.data_dir, zone),
        feedback=FeedbackService(store, vault, outbox, clock, zone),
        agents=AgentDirectory(store, vault),
        notices=Notices(store, clock),
        sync=sync,
    )


def start_kiosk(config: Config, clock: Clock | None = None) -> Services:
    """The services of a kiosk or tablet at start-up: built, tidied and running.

    Deletes attachment files a crash left without their row, starts background sync
    when the platform link is configured, and loads the pinyin tables so that the first
    search a villager makes is as fast as the others.
    """
    services = build_app(config, clock)
    removed = services.cases.sweep_orphan_files()
    if removed:
        log.info("removed %d attachment files left by an interrupted write", removed)
    if services.sync.configured:
        services.sync.start()
    services.catalogue.warm_up()
    return services

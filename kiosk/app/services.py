"""The services of one process (store, queue, cases, printing, sync, chores), from the configuration."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.app.site import open_site, open_store
from kiosk.config import Config
from kiosk.core.agents.accounts import AgentDirectory
from kiosk.core.appliers import appliers
from kiosk.core.audit import AuditLog
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CaseService
from kiosk.core.catalogue import Catalogue
from kiosk.core.feedback import FeedbackService
from kiosk.core.hall.client import HallClient
from kiosk.core.notices import Notices
from kiosk.core.privacy.retention import Retention
from kiosk.core.queue import QueueApi, QueueService
from kiosk.core.staff_alerts import StaffAlerts
from kiosk.core.upkeep.backup import Backups
from kiosk.core.upkeep.housekeeping import Housekeeping
from offline_sync.clock import Clock, SystemClock
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.sync import SyncService, SyncSettings, platform_connector
from offline_sync.vault import Vault

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    from kiosk.core.printing import PrintService

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


def sync_service(config: Config, clock: Clock, vault: Vault, store: Store) -> SyncService:
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
    sync = sync_service(config, clock, vault, store)
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
                ("privacy purge", privacy_chore(config, clock, vault, sync.notify)),
            ]
        ),
    )


def privacy_chore(
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
    start_in_background(services.cases, services.sync, services.housekeeping, services.catalogue)
    return services


def start_in_background(
    cases: CaseService, sync: SyncService, housekeeping: Housekeeping, catalogue: Catalogue
) -> None:
    """What a kiosk or a tablet does once at start: sweep attachment files a crash left
    without their row, start sync (when the link is configured) and the chores, and load
    the pinyin tables."""
    removed = cases.sweep_orphan_files()
    if removed:
        log.info("removed %d attachment files left by an interrupted write", removed)
    if sync.configured:
        sync.start()
    housekeeping.start()
    catalogue.warm_up()

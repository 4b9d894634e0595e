"""The sync engine: push the outbox, pull the change feed, in named resumable stages."""

from offline_sync.sync.backoff import BackoffPolicy, LinkState
from offline_sync.sync.engine import SyncEngine
from offline_sync.sync.lock import SyncBusy, SyncHolder, SyncLock, sync_holder
from offline_sync.sync.pull import Applier
from offline_sync.sync.report import Stage, SyncReport
from offline_sync.sync.schema import migrations
from offline_sync.sync.service import SyncNotConfigured, SyncService, platform_connector
from offline_sync.sync.settings import SyncSettings
from offline_sync.sync.state import (
    DeadLetter,
    RejectedChange,
    SyncStatus,
    dead_letters,
    read_status,
    rejected_changes,
)
from offline_sync.sync.worker import SyncWorker

__all__ = [
    "Applier",
    "BackoffPolicy",
    "DeadLetter",
    "LinkState",
    "RejectedChange",
    "Stage",
    "SyncEngine",
    "SyncBusy",
    "SyncHolder",
    "SyncLock",
    "SyncNotConfigured",
    "SyncReport",
    "SyncService",
    "SyncSettings",
    "SyncStatus",
    "SyncWorker",
    "dead_letters",
    "migrations",
    "platform_connector",
    "read_status",
    "rejected_changes",
    "sync_holder",
]

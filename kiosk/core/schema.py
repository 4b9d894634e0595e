"""Every migration set of the store, in the order they apply."""

from __future__ import annotations

from kiosk.core import audit, printing_schema, staff_alerts
from kiosk.core.agents import schema as agents_schema
from kiosk.core.cases import schema as cases_schema
from kiosk.core.catalogue import schema as catalogue_schema
from kiosk.core.hall import schema as hall_schema
from kiosk.core.privacy import retention
from kiosk.core.queue import schema as queue_schema
from offline_sync import outbox
from offline_sync.store import store_migrations
from offline_sync.sync import schema as sync_schema

MIGRATION_SETS = [
    store_migrations,  # Store.open applies it first anyway; listed so every set is known
    outbox.migrations,
    sync_schema.migrations,
    queue_schema.migrations,
    printing_schema.migrations,
    catalogue_schema.migrations,
    cases_schema.migrations,
    staff_alerts.migrations,
    hall_schema.migrations,
    agents_schema.migrations,
    audit.migrations,
    retention.migrations,
]

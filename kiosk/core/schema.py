"""Every migration set of the store, in the order they apply."""

from __future__ import annotations

from kiosk.core import cases_schema, catalogue_schema, printing_schema, queue_schema
from offline_sync import outbox

MIGRATION_SETS = [
    outbox.migrations,
    queue_schema.migrations,
    printing_schema.migrations,
    catalogue_schema.migrations,
    cases_schema.migrations,
]

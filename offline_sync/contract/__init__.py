"""The provincial platform contract (v1), defined once for the device and the reference platform.

- :mod:`~offline_sync.contract.records`: record kinds, channels, ID types, ticket events,
  case statuses, push result statuses, feed change types;
- :mod:`~offline_sync.contract.catalogue`: the catalogue item rules and the seed file reader;
- :mod:`~offline_sync.contract.canonical`: the canonical JSON;
- :mod:`~offline_sync.contract.protocol`: paths, limits and time windows.

docs/platform-api.md describes the interface as this code implements it.
"""

from offline_sync.contract.canonical import canonical_json
from offline_sync.contract.catalogue import (
    AUDIENCES,
    FIELD_TYPES,
    REACHES,
    CatalogueError,
    check_bundles,
    check_item,
    load_catalogue,
)
from offline_sync.contract.records import (
    ADDRESS_SOURCES,
    AUTHORIZATION_METHODS,
    CASE_STATUSES,
    CHANGE_TYPES,
    CHANNELS,
    ID_TYPES,
    OPEN_FOR_REVISION,
    RATING_TARGETS,
    RECORD_KINDS,
    RESULT_DELIVERY_METHODS,
    RESULT_STATUSES,
    TICKET_CHANNELS,
    TICKET_EVENTS,
)

__all__ = [
    "ADDRESS_SOURCES",
    "AUDIENCES",
    "AUTHORIZATION_METHODS",
    "CASE_STATUSES",
    "CHANGE_TYPES",
    "CHANNELS",
    "FIELD_TYPES",
    "ID_TYPES",
    "OPEN_FOR_REVISION",
    "RATING_TARGETS",
    "REACHES",
    "RECORD_KINDS",
    "RESULT_DELIVERY_METHODS",
    "RESULT_STATUSES",
    "TICKET_CHANNELS",
    "TICKET_EVENTS",
    "CatalogueError",
    "canonical_json",
    "check_bundles",
    "check_item",
    "load_catalogue",
]

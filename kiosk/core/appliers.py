"""The change appliers the sync engine calls, by change type (contract section 5).

Each is ``applier(conn, data)``, run inside the engine's transaction that also stores
the cursor; each is idempotent. A change an applier cannot read raises (CatalogueError,
CalendarError, ValueError): the engine rolls back that change alone, keeps it sealed for
staff (``bianmin sync rejected-changes``) and goes on with the feed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from devices.idcard.idnumber import plain_text
from kiosk.core.agents import apply_agent_account
from kiosk.core.calendar import apply_calendar
from kiosk.core.cases.status import apply_case_status
from kiosk.core.catalogue import apply_catalogue_item, apply_catalogue_item_removed
from kiosk.core.notices import apply_notice
from offline_sync.vault import Vault

Applier = Callable[[sqlite3.Connection, dict[str, Any]], None]


def appliers(vault: Vault) -> dict[str, Applier]:
    """The appliers by change type; personal data in changes is sealed with ``vault``.

    The platform's text is untrusted: every string of a change reaches its applier without
    control or format characters (a bidi override in an agent's name, an ESC in a notice),
    newlines apart, so nothing the platform sends can reorder or hide text on a screen.
    """
    table: dict[str, Applier] = {
        "case_status": partial(apply_case_status, vault=vault),
        "catalogue_item": apply_catalogue_item,
        "catalogue_item_removed": apply_catalogue_item_removed,
        "agent_account": partial(apply_agent_account, vault=vault),
        "calendar": apply_calendar,
        "notice": apply_notice,
    }
    return {kind: _with_plain_text(applier) for kind, applier in table.items()}


def _with_plain_text(applier: Applier) -> Applier:
    def apply(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
        applier(conn, _plain(data))

    return apply


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return plain_text(value, newlines=True)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

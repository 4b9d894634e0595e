"""The site's store and key: opened together, the store checked against the key that sealed it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.core.agents.keys import KeyRing
from kiosk.core.privacy.files import prepare_data_dir
from kiosk.core.schema import MIGRATION_SETS
from offline_sync.store import Store
from offline_sync.vault import Vault, open_vault

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    pass

STORE_FILE = "bianmin.sqlite3"

log = logging.getLogger(__name__)


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

"""The catalogue of services (事项, 办事指南, 一件事一次办 bundles) kept in the local store.

Items arrive whole from the platform's change feed (``catalogue_item``, replaced only by
a higher ``version``; ``catalogue_item_removed``) and, on a fresh device, from the seed
files in ``assets/catalogue/*.json``. Every item is checked by the platform contract's
rules (``offline_sync.contract.check_item``), the same rules the reference platform
publishes by.

- :mod:`.model`: items, materials, form fields, bundles, search hits, themes;
- :mod:`.service`: :class:`Catalogue`, reading, seeding and searching;
- :mod:`.feed`: the change appliers; :mod:`.index`: storing items with their index;
- :mod:`.bundles`: merged materials and forms; :mod:`.search_text`: search tokens;
- :mod:`.schema`: the tables.
"""

from kiosk.core.catalogue.bundles import merge_forms, merge_materials
from kiosk.core.catalogue.feed import apply_catalogue_item, apply_catalogue_item_removed
from kiosk.core.catalogue.model import (
    BUNDLE_THEME,
    THEME_ORDER,
    Bundle,
    FormField,
    Item,
    MatchKind,
    Material,
    MergedMaterial,
    SearchHit,
    Theme,
)
from kiosk.core.catalogue.service import Catalogue, UnknownItem, seed_dir
from offline_sync.contract import AUDIENCES, FIELD_TYPES, REACHES, CatalogueError

__all__ = [
    "AUDIENCES",
    "BUNDLE_THEME",
    "FIELD_TYPES",
    "REACHES",
    "THEME_ORDER",
    "Bundle",
    "Catalogue",
    "CatalogueError",
    "FormField",
    "Item",
    "MatchKind",
    "Material",
    "MergedMaterial",
    "SearchHit",
    "Theme",
    "UnknownItem",
    "apply_catalogue_item",
    "apply_catalogue_item_removed",
    "merge_forms",
    "merge_materials",
    "seed_dir",
]

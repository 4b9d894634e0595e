"""Fixtures of the catalogue and cases tests: a real store file, vault, outbox and services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.idcard.idnumber import check_character
from kiosk.core.calendar import WorkCalendar
from kiosk.core.cases import CaseService
from kiosk.core.cases import schema as cases_schema
from kiosk.core.catalogue import Catalogue
from kiosk.core.catalogue import schema as catalogue_schema
from kiosk.core.feedback import FeedbackService
from offline_sync import outbox as outbox_module
from offline_sync.outbox import Outbox
from offline_sync.store import Store
from offline_sync.vault import Vault
from tests.clocks import ManualClock

MIGRATIONS = [outbox_module.migrations, catalogue_schema.migrations, cases_schema.migrations]

# 2025 as the State Council published it: holidays and make-up workdays (调休).
CALENDAR_2025 = {
    "year": 2025,
    "holidays": [
        "2025-01-01",
        *[f"2025-01-{d}" for d in (28, 29, 30, 31)],
        *[f"2025-02-0{d}" for d in (1, 2, 3, 4)],
        "2025-04-04", "2025-04-05", "2025-04-06",
        *[f"2025-05-0{d}" for d in (1, 2, 3, 4, 5)],
        "2025-05-31", "2025-06-01", "2025-06-02",
        *[f"2025-10-0{d}" for d in range(1, 9)],
    ],
    "workdays": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
}  # fmt: skip


def id_number(region: str = "511502", born: str = "19580312", seq: int = 123) -> str:
    """A resident ID number with a correct check character."""
    first17 = f"{region}{born}{seq:03d}"
    return first17 + check_character(first17)


def applicant(**changes) -> dict:
    person = {
        "name": "王秀英",
        "id_type": "resident_id",
        "id_number": id_number(),
        "phone": "13908171234",
        "address": "翠屏区李庄镇高石村3组",
    }
    person.update(changes)
    return person


def tiny_jpeg(kib: int = 4, seed: int = 0) -> bytes:
    """A real JPEG file of about ``kib`` KiB (noise compresses badly, so size tracks pixels)."""
    from io import BytesIO

    from PIL import Image

    rng = random.Random(seed)
    side = max(8, int((kib * 1024 / 1.2) ** 0.5))
    image = Image.frombytes(
        "L", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side))
    )
    out = BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


@dataclass
class Kit:
    """The services under test, on one store file."""

    data_dir: Path
    store: Store
    vault: Vault
    outbox: Outbox
    clock: ManualClock
    catalogue: Catalogue
    calendar: WorkCalendar
    cases: CaseService
    feedback: FeedbackService


def make_kit(data_dir: Path, clock: ManualClock | None = None, extra_migrations=()) -> Kit:
    """Services on the store of ``data_dir`` (the catalogue is seeded on its first read)."""
    clock = clock or ManualClock()
    vault = Vault.load_or_create(data_dir)
    store = Store.open(data_dir / "bianmin.sqlite3", [*MIGRATIONS, *extra_migrations])
    outbox = Outbox(store, vault)
    catalogue = Catalogue(store)
    calendar = WorkCalendar(store)
    cases = CaseService(store, vault, outbox, catalogue, calendar, clock, data_dir)
    feedback = FeedbackService(store, vault, outbox, clock)
    return Kit(data_dir, store, vault, outbox, clock, catalogue, calendar, cases, feedback)


@pytest.fixture
def kit(tmp_path: Path):
    k = make_kit(tmp_path / "data")
    k.catalogue.seed_if_empty()  # a device that has started: its seed catalogue is in place
    yield k
    k.store.close()

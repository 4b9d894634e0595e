"""A device's sync side for demos, tests and benchmarks: its store, vault, engines and
synthetic outbox records (cases of the fixture catalogue, ratings, ticket events).

:func:`open_device` opens a store with the outbox and sync tables (and a ``pulled`` table
where :func:`recording_appliers` keep what the platform's change feed brought);
:meth:`Device.queue` fills the outbox; :meth:`Device.engine` syncs it with a platform
from :mod:`kiosk.demo.platform`, directly or through :mod:`kiosk.demo.fault_proxy`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Migrations

from kiosk.config import Sync, section_defaults
from kiosk.demo.platform import RunningPlatform, attachment, case_body, resident_id
from offline_sync import sync
from offline_sync.client import PlatformClient
from offline_sync.clock import Clock, SystemClock
from offline_sync.contract import CHANGE_TYPES
from offline_sync.outbox import Outbox
from offline_sync.outbox import migrations as outbox_migrations
from offline_sync.store import Store
from offline_sync.sync import SyncEngine, SyncSettings
from offline_sync.vault import Vault

# --- synthetic records -------------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
_GIVEN = "秀英桂芳建华明国强玉兰志刚春梅德福淑珍文"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_case(
    rng: random.Random, attachments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A valid case body of the fixture catalogue with a random applicant."""
    born = datetime(1940, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    applicant = {
        "name": name,
        "id_type": "resident_id",
        "id_number": resident_id(rng.randrange(1000), f"{born:%Y%m%d}"),
        "phone": f"13{rng.randrange(10**9):09d}",
        "address": f"某县某镇{rng.randrange(1, 30)}村{rng.randrange(1, 12)}组",
    }
    return case_body(attachments=attachments, applicant=applicant)


def synthetic_rating(rng: random.Random, case_id: str) -> dict[str, Any]:
    """A valid ``rating`` body for a case."""
    return {
        "target": {"type": "case", "id": case_id},
        "level": rng.randint(3, 5),
        "reasons": [],
        "comment": None,
        "rated_at": "2026-11-23T09:20:00+08:00",
    }


def synthetic_ticket_event(rng: random.Random) -> dict[str, Any]:
    """A valid ``ticket_event`` body."""
    return {
        "ticket_id": _uuid(rng),
        "ticket_no": f"A{rng.randrange(1000):03d}",
        "service_code": "social",
        "event": "issued",
        "at": "2026-11-23T09:00:00+08:00",
        "counter": None,
        "priority": False,
    }


def write_sealed_file(data_dir: Path, rel_path: str, data: bytes, vault: Vault) -> None:
    """Write an attachment file sealed by the vault and fsync it, as the case service does."""
    path = data_dir / rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(vault.seal_bytes(data))
        fh.flush()
        os.fsync(fh.fileno())


@dataclass
class Queued:
    """What :func:`queue_records` put in the outbox, to check against the platform."""

    records: dict[tuple[str, str, int], dict[str, Any]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)


def queue_records(
    store: Store,
    vault: Vault,
    data_dir: Path,
    rng: random.Random,
    cases: int,
    attachments: int = 0,
    attachment_bytes: int = 50 * 1024,
    ratings: int = 0,
    ticket_events: int = 0,
    now: str = "2026-11-23T01:15:02+00:00",
) -> Queued:
    """Queue synthetic records through the outbox (one transaction per record, as in use)."""
    outbox = Outbox(store, vault)
    queued = Queued()
    case_ids = []
    for i in range(cases):
        case_id = _uuid(rng)
        files = []
        if i < attachments:
            data = rng.randbytes(attachment_bytes)
            files.append(attachment(data) | {"id": _uuid(rng)})
            write_sealed_file(data_dir, f"attachments/{files[0]['id']}.sealed", data, vault)
            queued.attachments[files[0]["id"]] = data
        body = synthetic_case(rng, files)
        with store.transaction():
            outbox.add("case", case_id, 1, body, now)
            for f in files:
                outbox.add_attachment(
                    f["id"],
                    case_id,
                    f"attachments/{f['id']}.sealed",
                    f["size"],
                    f["sha256"],
                    f["media_type"],
                )
        queued.records[("case", case_id, 1)] = body
        case_ids.append(case_id)
    for _ in range(ratings):
        rating_id = _uuid(rng)
        body = synthetic_rating(rng, rng.choice(case_ids) if case_ids else rating_id)
        with store.transaction():
            outbox.add("rating", rating_id, 1, body, now)
        queued.records[("rating", rating_id, 1)] = body
    for _ in range(ticket_events):
        event_id = _uuid(rng)
        body = synthetic_ticket_event(rng)
        with store.transaction():
            outbox.add("ticket_event", event_id, 1, body, now)
        queued.records[("ticket_event", event_id, 1)] = body
    return queued


# --- a device: its store, vault and engines ----------------------------------------------

pulled_migrations = Migrations("demo.sync_pulled")


@pulled_migrations()
def _create_pulled(db) -> None:
    db.execute(
        "CREATE TABLE pulled (type TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
        " PRIMARY KEY (type, key))"
    )


def recording_appliers(types: tuple[str, ...] = CHANGE_TYPES) -> dict[str, Any]:
    """Appliers that keep the latest data per (type, key) in the ``pulled`` table."""

    def make(kind: str):
        def apply(conn, data: dict[str, Any]) -> None:
            key = next(
                str(data[k]) for k in ("case_id", "code", "agent_id", "year", "id") if k in data
            )
            conn.execute(
                "INSERT OR REPLACE INTO pulled (type, key, data) VALUES (?, ?, ?)",
                (kind, key, json.dumps(data, ensure_ascii=False, sort_keys=True)),
            )

        return apply

    return {kind: make(kind) for kind in types}


def pulled(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """What the recording appliers hold."""
    rows = store.conn.execute("SELECT type, key, data FROM pulled")
    return {(r[0], r[1]): json.loads(r[2]) for r in rows}


DEVICE_MIGRATIONS = [outbox_migrations, sync.migrations, pulled_migrations]


def sync_settings(**changes: Any) -> SyncSettings:
    """The engine's settings as the packaged config/default.toml gives them, with ``changes``."""
    return SyncSettings.from_mapping(dataclasses.asdict(section_defaults(Sync)) | changes)


FAST = sync_settings(backoff_base_s=0.05, backoff_max_s=0.5, upload_workers=3, interval_s=1.0)


@dataclass
class Device:
    """A device's data directory, store and vault, and engines talking to one platform."""

    data_dir: Path
    store: Store
    vault: Vault
    platform: RunningPlatform
    engines: list[SyncEngine] = field(default_factory=list)

    def connector(self, url: str | None = None, clock: Clock | None = None, timeout_s: float = 5.0):
        """A factory of platform clients for this device (through ``url``, e.g. a proxy)."""
        return functools.partial(
            PlatformClient,
            url or self.platform.url,
            self.platform.device_id,
            self.platform.device_secret,
            clock or SystemClock(),
            timeout_s,
        )

    def engine(
        self,
        url: str | None = None,
        *,
        clock: Clock | None = None,
        settings: SyncSettings = FAST,
        appliers: dict[str, Any] | None = None,
        seed: int = 0,
        timeout_s: float = 5.0,
    ) -> SyncEngine:
        """An engine on the device's store; closed with the device."""
        clock = clock or SystemClock()
        engine = SyncEngine(
            self.store,
            self.vault,
            self.data_dir,
            self.connector(url, clock, timeout_s),
            clock,
            settings,
            recording_appliers() if appliers is None else appliers,
            random.Random(seed),
        )
        self.engines.append(engine)
        return engine

    def queue(self, rng: random.Random, cases: int, **kwargs: Any) -> Queued:
        """Queue synthetic records (see :func:`queue_records`)."""
        return queue_records(self.store, self.vault, self.data_dir, rng, cases, **kwargs)

    def close(self) -> None:
        for engine in self.engines:
            engine.close()
        self.store.close()


def open_device(data_dir: Path, platform: RunningPlatform) -> Device:
    """A device store with the outbox, sync and ``pulled`` tables."""
    vault = Vault.load_or_create(data_dir)
    store = Store.open(data_dir / "device.sqlite3", DEVICE_MIGRATIONS)
    return Device(data_dir, store, vault, platform)


def platform_port(device: Device) -> int:
    """The port of the device's platform (for a proxy in front of it)."""
    return int(device.platform.url.rsplit(":", 1)[1])

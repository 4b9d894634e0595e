"""A real reference platform on 127.0.0.1 with an enrolled device, for demos, tests and benchmarks.

:func:`running_platform` starts one on a free port (a small catalogue of three items,
the shipped calendars, an agent account) and stops it when the block ends; the helpers
build the contract's records for it::

    from kiosk.demo.platform import case_body, record, running_platform

    with running_platform(directory) as platform:
        with platform.client() as client:        # a PlatformClient for the device
            client.push([record("case", case_body())])
        platform.service.set_case_status(case_no, "accepted")
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devices.idcard.idnumber import check_character, is_valid_id_number
from offline_sync.client import PlatformClient
from offline_sync.clock import Clock, SystemClock
from offline_sync.platform_server import PlatformServer, PlatformService
from offline_sync.signing import secret_key, sign_headers

DEVICE_ID = "511502-K-000001"
ITEM = "511500-9901-01"
NO_AGENT_ITEM = "511500-9902-01"
BUNDLE = "511500-9999-01"
AGENT_ID = "A-511502-001"
AGENT_PIN = "1234"


def _material(code: str, name: str) -> dict[str, Any]:
    return {"code": code, "name": name, "originals": 1, "copies": 0, "required": True}


def _item(code: str, name: str, **extra: Any) -> dict[str, Any]:
    item = {
        "code": code,
        "version": 1,
        "name": name,
        "department": "县测试局",
        "theme": "社会保障",
        "audience": "person",
        "promised_days": 5,
        "legal_days": 20,
        "fee": "不收费",
        "agent_allowed": True,
        "reach": ["province"],
        "conditions": ["测试条件"],
        "materials": [_material("M01", "居民身份证")],
        "form": [],
        "bundle_items": [],
    }
    return item | extra


FIXTURE_ITEMS = [
    _item(
        ITEM,
        "测试参保登记",
        materials=[_material("M01", "居民身份证"), _material("M02", "居民户口簿")],
        form=[
            {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
            {
                "name": "grade",
                "label": "缴费档次",
                "type": "choice",
                "options": ["200元", "300元"],
                "required": True,
            },
            {"name": "start", "label": "开始日期", "type": "date", "required": False},
            {"name": "members", "label": "家庭人数", "type": "number", "required": False},
            {"name": "spouse_id", "label": "配偶身份证号", "type": "id_number", "required": False},
        ],
    ),
    _item(
        NO_AGENT_ITEM,
        "测试本人办理事项",
        agent_allowed=False,
        materials=[_material("M03", "申请书")],
    ),
    _item(BUNDLE, "测试一件事", bundle_items=[ITEM, NO_AGENT_ITEM]),
]


def resident_id(serial: int = 1, birth: str = "19850101") -> str:
    """A valid resident ID number (right check digit) from region 511521."""
    first17 = f"511521{birth}{serial:03d}"
    return first17 + check_character(first17)


def case_body(
    item_code: str = ITEM, attachments: list[dict[str, Any]] | None = None, **changes: Any
) -> dict[str, Any]:
    """A valid case body for the fixture catalogue; keyword arguments replace top-level keys."""
    body = {
        "item_code": item_code,
        "item_version": 1,
        "bundle_code": None,
        "channel": "kiosk",
        "applicant": {
            "name": "张三",
            "id_type": "resident_id",
            "id_number": resident_id(),
            "phone": "13800000000",
            "address": "某县某镇某村3组",
        },
        "agent": None,
        "form": {"phone": "13800000000", "grade": "200元"} if item_code == ITEM else {},
        "attachments": attachments or [],
        "created_at": "2026-11-23T09:12:44+08:00",
        "submitted_at": "2026-11-23T09:15:02+08:00",
    }
    return body | changes


def attachment(
    data: bytes, material_code: str = "M01", media_type: str = "image/jpeg"
) -> dict[str, Any]:
    """The case-body entry of an attachment holding ``data`` (a new id)."""
    return {
        "id": str(uuid.uuid4()),
        "material_code": material_code,
        "media_type": media_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def record(
    kind: str, body: dict[str, Any], record_id: str | None = None, revision: int = 1
) -> dict[str, Any]:
    """A record of the contract's push batch."""
    return {"kind": kind, "id": record_id or str(uuid.uuid4()), "revision": revision, "body": body}


def write_fixture_catalogue(directory: Path) -> Path:
    """Write the small fixture catalogue as a seed file; its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "catalogue.json"
    path.write_text(json.dumps({"items": FIXTURE_ITEMS}, ensure_ascii=False), encoding="utf-8")
    return path


@dataclass
class RunningPlatform:
    """A reference platform serving on ``url`` and one device enrolled on it."""

    url: str
    device_id: str
    device_secret: str
    service: PlatformService
    db_path: Path
    http: httpx.Client

    def site_toml(self) -> str:
        """The ``[platform]`` table of a site file for the enrolled device."""
        return (
            f'\n[platform]\nurl = "{self.url}"\ndevice_id = "{self.device_id}"\n'
            f'device_secret = "{self.device_secret}"\n'
        )

    def client(
        self, clock: Clock | None = None, timeout_s: float = 10.0, **kwargs: Any
    ) -> PlatformClient:
        """A PlatformClient for the enrolled device (close it, or use ``with``)."""
        return PlatformClient(
            self.url,
            self.device_id,
            self.device_secret,
            clock or SystemClock(),
            timeout_s,
            **kwargs,
        )

    def signed(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        timestamp: int | None = None,
        nonce: str | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        """One raw request signed as the device (to test what the client never sends)."""
        stamp = timestamp if timestamp is not None else int(self.service.clock.now().timestamp())
        auth = sign_headers(
            self.device_id,
            secret_key(secret or self.device_secret),
            method,
            target,
            body,
            stamp,
            nonce,
        )
        return self.http.request(
            method, self.url + target, content=body, headers={**(headers or {}), **auth}
        )


@contextmanager
def running_platform(
    directory: Path,
    *,
    catalogue: Path | None = None,
    clock: Clock | None = None,
    device_id: str = DEVICE_ID,
    agent: bool = True,
) -> Iterator[RunningPlatform]:
    """Start a platform on a free port of 127.0.0.1 with its database in ``directory``.

    It serves ``catalogue`` (a seed file or directory; default: the small fixture
    catalogue), the shipped calendars, an agent account ``AGENT_ID`` (``AGENT_PIN``) and
    has ``device_id`` enrolled. Stopped when the block ends.
    """
    db_path = directory / "platform.db"
    service = PlatformService.open(db_path, resident_id_valid=is_valid_id_number, clock=clock)
    service.load_catalogue(catalogue or write_fixture_catalogue(directory))
    service.load_calendars()
    if agent:
        service.add_agent(AGENT_ID, "李代办", AGENT_PIN, villages=["511502001"], scrypt_n=2**10)
    secret = service.enroll(device_id)
    server = PlatformServer(service)
    http = httpx.Client(timeout=10)
    try:
        server.start()
        yield RunningPlatform(server.url, device_id, secret, service, db_path, http)
    finally:
        http.close()
        server.stop()
        service.close()

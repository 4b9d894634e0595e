"""The reference platform keeps each device to its own cases and uploads, and refuses a
stranger from the headers, before it reads a byte of the body."""

from __future__ import annotations

import dataclasses
import socket
import time
import uuid

import pytest

from kiosk.demo.platform import RunningPlatform, attachment, case_body, record
from offline_sync.client import PlatformError
from offline_sync.signing import HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP
from tests import platform_fixtures

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform

PHOTO = b"\xff\xd8" + bytes(range(256)) * 8


def other_device(platform: RunningPlatform) -> RunningPlatform:
    device_id = f"511502-T-{uuid.uuid4().hex[:8]}"
    return dataclasses.replace(
        platform, device_id=device_id, device_secret=platform.service.enroll(device_id)
    )


def test_a_device_cannot_revise_another_devices_case(platform):
    mallory = other_device(platform)
    case_id = str(uuid.uuid4())
    with platform.client() as alice:
        (stored,) = alice.push([record("case", case_body(), case_id)])
    assert stored["status"] == "stored"
    forged = case_body(applicant=case_body()["applicant"] | {"name": "李四"})
    with mallory.client() as client:
        results = client.push(
            [record("case", forged, case_id, revision=2), record("case", case_body(), case_id)]
        )
    assert [r["status"] for r in results] == ["conflict", "conflict"]
    assert {r["error"]["code"] for r in results} == {"other_device"}
    case = platform.service.case(case_id)
    assert case["revision"] == 1 and case["device_id"] == platform.device_id
    with platform.client() as alice:  # the owner still revises it
        (again,) = alice.push([record("case", case_body(), case_id, revision=2)])
    assert again["status"] == "stored"


def test_any_record_belongs_to_the_device_that_stored_it(platform):
    mallory = other_device(platform)
    rating = {
        "target": {"type": "ticket", "id": str(uuid.uuid4())},
        "level": 5,
        "reasons": [],
        "comment": None,
        "rated_at": "2026-11-23T09:20:00+08:00",
    }
    rating_id = str(uuid.uuid4())
    with platform.client() as alice:
        assert alice.push([record("rating", rating, rating_id)])[0]["status"] == "stored"
    with mallory.client() as client:
        (result,) = client.push(
            [record("rating", rating | {"level": 1, "comment": "差"}, rating_id, 2)]
        )
    assert result["status"] == "conflict" and result["error"]["code"] == "other_device"


def test_a_device_cannot_see_finish_or_cite_another_devices_upload(platform):
    mallory = other_device(platform)
    entry = attachment(PHOTO)
    case_id = str(uuid.uuid4())
    with platform.client() as alice:
        alice.upload(entry["id"], case_id, PHOTO, entry["sha256"], "image/jpeg")
    assert platform.service.attachment_data(entry["id"]) == PHOTO

    target = f"/api/v1/uploads/{entry['id']}"
    head = mallory.signed("HEAD", target, headers={"Tus-Resumable": "1.0.0"})
    assert head.status_code == 404
    patch = mallory.signed(
        "PATCH",
        target,
        b"x",
        {"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream",
         "Upload-Offset": "0"},
    )  # fmt: skip
    assert patch.status_code == 404
    with mallory.client() as client:
        cited = client.push([record("case", case_body(attachments=[entry]), str(uuid.uuid4()))])
        assert cited[0]["status"] == "missing_attachments" and cited[0]["missing"] == [entry["id"]]
        with pytest.raises(PlatformError) as taken:
            client.upload(entry["id"], case_id, PHOTO, entry["sha256"], "image/jpeg")
    assert taken.value.status == 409
    assert platform.service.attachment_data(entry["id"]) == PHOTO


def raw_request(platform: RunningPlatform, head: str) -> tuple[str, float]:
    """Send only the request line and headers of a request announcing a 4 MB body; the
    status line of the answer and how long it took (the body is never sent)."""
    host, port = platform.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(head.encode() + b"\r\n")
        answer = sock.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0], time.monotonic() - started


@pytest.mark.parametrize(
    "device",
    ["511502-K-NOBODY", None],  # an unknown device; an enrolled one with a bad signature
    ids=["unknown-device", "bad-signature"],
)
@pytest.mark.parametrize("path", ["/api/v1/records", "/api/v1/uploads"])
def test_a_stranger_is_refused_before_the_body_is_read(platform, device, path):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: platform\r\nContent-Type: application/json\r\n"
        f"Content-Length: {4 * 1024 * 1024}\r\n{HEADER_DEVICE}: {device or platform.device_id}\r\n"
        f"{HEADER_TIMESTAMP}: 1\r\n{HEADER_NONCE}: 00\r\n{HEADER_SIGNATURE}: 00\r\n"
        "Tus-Resumable: 1.0.0\r\nUpload-Length: 10\r\n"
    )
    status, seconds = raw_request(platform, head)
    assert status.startswith("HTTP/1.1 401"), status
    assert seconds < 4, "answered without waiting for the 4 MB body"

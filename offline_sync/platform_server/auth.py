"""Device authentication of every request but ping (contract section 1)."""

from __future__ import annotations

from starlette.requests import Request

from offline_sync.contract.protocol import CLOCK_SKEW_S
from offline_sync.platform_server.api_errors import ApiError
from offline_sync.platform_server.service import PlatformService
from offline_sync.signing import (
    HEADER_CONTENT_SM3,
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    is_nonce,
    signature,
    signature_matches,
)
from offline_sync.sm3 import sm3_hex


def authenticate(service: PlatformService, request: Request) -> str:
    """The device id of a correctly signed request, from its headers alone; ApiError 401
    otherwise (503 in maintenance).

    The signature covers the body's digest header, so a stranger is refused before a byte
    of the body is read; :func:`check_body` then holds the body to that digest.
    """
    retry_after = service.maintenance()
    if retry_after is not None:
        raise ApiError(
            503,
            "maintenance",
            "the platform is under maintenance",
            headers={"Retry-After": str(retry_after)},
        )
    headers = request.headers
    device_id = headers.get(HEADER_DEVICE, "")
    key = service.device_key(device_id) if device_id else None
    if key is None:
        raise ApiError(
            401, "unknown_device", f"device {device_id!r} is not enrolled or is disabled"
        )
    stamp, nonce = headers.get(HEADER_TIMESTAMP, ""), headers.get(HEADER_NONCE, "")
    digest, given = headers.get(HEADER_CONTENT_SM3, ""), headers.get(HEADER_SIGNATURE, "")
    target = request.scope["raw_path"].decode("latin-1")
    if request.scope.get("query_string"):
        target += "?" + request.scope["query_string"].decode("latin-1")
    expected = signature(key, request.method, target, stamp, nonce, digest)
    if not stamp.isdigit() or not is_nonce(nonce) or not signature_matches(expected, given):
        raise ApiError(401, "bad_signature", "the signature does not match")
    skew = int(stamp) - service.clock.now().timestamp()
    if abs(skew) > CLOCK_SKEW_S:
        raise ApiError(
            401, "clock_skew", f"the timestamp is {skew:+.0f} s from the platform's clock"
        )
    if not service.use_nonce(device_id, nonce):
        raise ApiError(401, "replayed_nonce", "this nonce was already used")
    return device_id


def check_body(request: Request, body: bytes) -> None:
    """ApiError 401 unless ``body`` is the one the signed digest header names."""
    if not signature_matches(sm3_hex(body), request.headers.get(HEADER_CONTENT_SM3, "")):
        raise ApiError(401, "bad_signature", f"{HEADER_CONTENT_SM3} does not match the body")

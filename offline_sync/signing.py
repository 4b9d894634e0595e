"""Device request signing (platform contract section 1): HMAC-SM3 over a string-to-sign.

Both sides use these functions: the client to sign, the reference platform to verify.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping

from offline_sync.sm3 import hmac_sm3, sm3_hex

HEADER_DEVICE = "X-Device-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_CONTENT_SM3 = "X-Content-SM3"
HEADER_SIGNATURE = "X-Signature"

_SECRET = re.compile(r"^[0-9a-f]{64}$")
_NONCE = re.compile(r"^[0-9a-f]{32}$")


def secret_key(secret_hex: str) -> bytes:
    """The HMAC key: the 32 bytes of a 64-hex device secret; ValueError for anything else."""
    if not _SECRET.match(secret_hex or ""):
        raise ValueError("a device secret is 64 lower-case hex characters")
    return bytes.fromhex(secret_hex)


def new_secret() -> str:
    """A fresh random device secret (64 lower-case hex characters)."""
    return secrets.token_hex(32)


def new_nonce() -> str:
    """A fresh random nonce (32 lower-case hex characters)."""
    return secrets.token_hex(16)


def is_nonce(text: str) -> bool:
    """True when ``text`` has the shape of a nonce."""
    return bool(_NONCE.match(text))


def string_to_sign(
    method: str, path_and_query: str, timestamp: str, nonce: str, content_sm3: str
) -> bytes:
    """``METHOD \\n PATH_AND_QUERY \\n X-Timestamp \\n X-Nonce \\n X-Content-SM3``, UTF-8."""
    return "\n".join((method.upper(), path_and_query, timestamp, nonce, content_sm3)).encode()


def signature(
    key: bytes, method: str, path_and_query: str, timestamp: str, nonce: str, content_sm3: str
) -> str:
    """Lower-case hex HMAC-SM3 of the string-to-sign under ``key``."""
    return hmac_sm3(
        key, string_to_sign(method, path_and_query, timestamp, nonce, content_sm3)
    ).hex()


def sign_headers(
    device_id: str,
    key: bytes,
    method: str,
    path_and_query: str,
    body: bytes,
    timestamp: int,
    nonce: str | None = None,
) -> dict[str, str]:
    """The five authentication headers for one request (a fresh nonce unless one is given)."""
    nonce = nonce or new_nonce()
    content_sm3 = sm3_hex(body)
    stamp = str(int(timestamp))
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIMESTAMP: stamp,
        HEADER_NONCE: nonce,
        HEADER_CONTENT_SM3: content_sm3,
        HEADER_SIGNATURE: signature(key, method, path_and_query, stamp, nonce, content_sm3),
    }


def signature_matches(expected_hex: str, given_hex: str) -> bool:
    """Constant-time comparison of two hex signatures or digests."""
    return hmac.compare_digest(expected_hex.encode(), given_hex.encode("utf-8", "replace"))


def signature_problem(
    key: bytes, method: str, path_and_query: str, headers: Mapping[str, str], body: bytes
) -> str | None:
    """Why a request's signature headers do not hold under ``key`` (None when they do).

    Checks the shape of the timestamp and nonce, the body's digest and the signature;
    the caller checks the clock skew and the nonce's freshness with its own policy.
    """
    stamp, nonce = headers.get(HEADER_TIMESTAMP, ""), headers.get(HEADER_NONCE, "")
    digest, given = headers.get(HEADER_CONTENT_SM3, ""), headers.get(HEADER_SIGNATURE, "")
    if not stamp.isdigit() or not is_nonce(nonce):
        return f"{HEADER_TIMESTAMP} or {HEADER_NONCE} is missing or malformed"
    if not signature_matches(sm3_hex(body), digest):
        return f"{HEADER_CONTENT_SM3} does not match the body"
    if not signature_matches(signature(key, method, path_and_query, stamp, nonce, digest), given):
        return "the signature does not match"
    return None

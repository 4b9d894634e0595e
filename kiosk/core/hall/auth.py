"""Signed requests between hall clients and the hall server, with the platform's scheme.

Clients sign with :func:`offline_sync.signing.sign_headers` under the shared
``[hall] key`` (HMAC-SM3 over method, path, timestamp, nonce and body digest); the
server checks with :class:`RequestVerifier`. The ``X-Device-Id`` a client sends is
its name in the queue log. Nonces are remembered for the clock-skew window, so a
captured request cannot be replayed.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from urllib.parse import unquote

from offline_sync.clock import Clock
from offline_sync.signing import (
    HEADER_CONTENT_SM3,
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    is_nonce,
    secret_key,
    signature,
    signature_matches,
)
from offline_sync.sm3 import sm3_hex

CLOCK_SKEW_S = 300
MAX_NONCES = 100_000


class AuthRefused(Exception):
    """A request is not signed with the hall key (or is stale, or replayed)."""


class RequestVerifier:
    """Checks the signature headers of requests to the hall server."""

    def __init__(self, key_hex: str, clock: Clock) -> None:
        self._key = secret_key(key_hex)
        self.clock = clock
        self._nonces: dict[str, float] = {}
        self._lock = threading.Lock()

    def verify(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> str:
        """The client's name for a correctly signed request; :class:`AuthRefused` otherwise.

        Clients send their name percent-encoded (a host name or counter may be Chinese).
        """
        client = unquote(headers.get(HEADER_DEVICE, ""))
        stamp, nonce = headers.get(HEADER_TIMESTAMP, ""), headers.get(HEADER_NONCE, "")
        digest, given = headers.get(HEADER_CONTENT_SM3, ""), headers.get(HEADER_SIGNATURE, "")
        if not client or not stamp.isdigit() or not is_nonce(nonce):
            raise AuthRefused("the request is not signed")
        if not signature_matches(sm3_hex(body), digest):
            raise AuthRefused(f"{HEADER_CONTENT_SM3} does not match the body")
        expected = signature(self._key, method, target, stamp, nonce, digest)
        if not signature_matches(expected, given):
            raise AuthRefused("the signature does not match: check [hall] key on both boxes")
        now = self.clock.now().timestamp()
        if abs(int(stamp) - now) > CLOCK_SKEW_S:
            raise AuthRefused(f"the client's clock is {int(stamp) - now:+.0f} s from the server's")
        with self._lock:
            if len(self._nonces) > MAX_NONCES:
                self._nonces = {n: t for n, t in self._nonces.items() if t > now}
            if self._nonces.get(nonce, 0) > now:
                raise AuthRefused("this nonce was already used")
            self._nonces[nonce] = now + 2 * CLOCK_SKEW_S
        return client

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
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_TIMESTAMP,
    secret_key,
    signature_problem,
)

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
        if not client:
            raise AuthRefused(f"the request has no {HEADER_DEVICE}")
        problem = signature_problem(self._key, method, target, headers, body)
        if problem:
            raise AuthRefused(f"{problem}: check [hall] key on both boxes")
        stamp, nonce = headers[HEADER_TIMESTAMP], headers[HEADER_NONCE]
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

"""Client of the provincial platform interface v1 (platform-api.md), over httpx.

One method per endpoint; each either returns what the contract promises or raises
one of the errors below, so the sync engine decides about retries in one place:

- :class:`LinkDown`: no usable answer (connection error, timeout, truncated or
  non-contract answer such as a captive portal's page, any ``5xx`` but 503).
- :class:`RetryLater`: ``429`` or ``503``; ``retry_after_s`` from ``Retry-After``.
- :class:`AuthRejected`: ``401`` with the contract's code (after one immediate
  retry on ``clock_skew`` with the corrected clock).
- :class:`CursorExpired`: ``410 cursor_expired`` from the change feed.
- :class:`TooLarge`: ``413``.
- :class:`PlatformError`: any other contract error; the base class of all of them.

Every request is signed with a fresh timestamp and nonce; the timestamp is the
device clock corrected by :attr:`PlatformClient.clock_offset`, estimated from the
``Date`` header of every response.
"""

from offline_sync.client.bounded import MAX_ANSWER_BYTES, MAX_CURSOR_CHARS, MAX_RETRY_AFTER_S
from offline_sync.client.errors import (
    AuthRejected,
    CursorExpired,
    LinkDown,
    PlatformError,
    RetryLater,
    TooLarge,
)
from offline_sync.client.platform_client import ChangesPage, PlatformClient

__all__ = [
    "MAX_ANSWER_BYTES",
    "MAX_CURSOR_CHARS",
    "MAX_RETRY_AFTER_S",
    "AuthRejected",
    "ChangesPage",
    "CursorExpired",
    "LinkDown",
    "PlatformClient",
    "PlatformError",
    "RetryLater",
    "TooLarge",
]

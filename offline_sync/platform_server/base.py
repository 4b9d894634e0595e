"""What every part of the reference platform shares: its store, clock and lock.

:class:`~offline_sync.platform_server.service.PlatformService` joins the parts (devices,
records, cases, uploads, the change feed, the catalogue, what else it publishes); each
part is a class over :class:`PlatformBase` in its own module, and the parts reach each
other through ``self`` (records file cases, cases publish their statuses in the feed).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from offline_sync.clock import Clock
from offline_sync.errors import OfflineSyncError
from offline_sync.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class StaffError(OfflineSyncError):
    """A staff action cannot be done (unknown case, status not reachable, reason missing)."""

    key = "platform.staff_refused"


def locked(method: F) -> F:
    """Run the method under the platform's lock (the HTTP app and other threads share it)."""

    @functools.wraps(method)
    def wrapper(self: PlatformBase, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class PlatformBase:
    """One connection to the platform's SQLite file, its clock and the lock over both."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._conn = store.conn
        self._clock = clock
        self._lock = threading.RLock()

    @property
    def clock(self) -> Clock:
        """The platform's clock (its ``Date`` headers and its view of time)."""
        return self._clock

    @locked
    def close(self) -> None:
        """Close the database connection."""
        self._store.close()

    def _now_text(self) -> str:
        return self._clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")

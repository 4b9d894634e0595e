"""Whether numbers can be taken now: what the kiosk's 取号 screen shows before a tap.

A kiosk whose queue is behind the hall server cannot issue while the server is away
(取号暂停): it sends people to the counter and asks again every :data:`RETRY_S`
seconds; it never makes up a number. Outside opening hours no number can be taken
either, and the screen says so before anyone taps. Staff may also pause issuing per
service (暂停取号), which the screen shows on that service's button.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.core.queue.api import QueueApi
from kiosk.core.queue.errors import HallRefused, HallUnavailable, QueueClosed

RETRY_S = 5.0


@dataclass(frozen=True)
class IssuingState:
    """People waiting per service, the services paused by staff, or the whole queue paused."""

    waiting: dict[str, int] = field(default_factory=dict)
    paused_services: frozenset[str] = frozenset()
    paused_key: str | None = None  # 取号暂停 and what to do: the hall server is away
    retry_s: float = RETRY_S

    @property
    def paused(self) -> bool:
        """True when no number can be taken at all now."""
        return self.paused_key is not None

    def can_take(self, service_code: str) -> bool:
        """True when a number of this service can be taken now."""
        return not self.paused and service_code not in self.paused_services


def issuing_state(queue: QueueApi) -> IssuingState:
    """Ask the queue (local, or the hall server) how issuing stands."""
    if not queue.is_open():
        return IssuingState(paused_key=QueueClosed.key)
    try:
        rows = queue.status()
    except (HallUnavailable, HallRefused) as exc:
        return IssuingState(paused_key=exc.key)
    return IssuingState(
        waiting={str(r["service"]): int(r["waiting"]) for r in rows},
        paused_services=frozenset(str(r["service"]) for r in rows if r.get("paused")),
    )

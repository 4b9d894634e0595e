"""When to try again: exponential backoff with full jitter, ``Retry-After``, a circuit breaker.

Pure functions over the persisted :class:`LinkHealth`; the engine stores the result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum


class LinkState(StrEnum):
    """What the device believes about the link to the platform."""

    UNKNOWN = "unknown"
    UP = "up"
    DOWN = "down"  # the circuit breaker is open: only pings until one answers


@dataclass(frozen=True)
class BackoffPolicy:
    """Full jitter: a delay drawn uniformly from [0, min(max_s, base_s * 2**(failures-1))]."""

    base_s: float = 2.0
    max_s: float = 900.0
    breaker_failures: int = 3

    def delay(self, failures: int, rng: random.Random) -> float:
        """The wait before the next try after ``failures`` consecutive failures."""
        if failures <= 0:
            return 0.0
        ceiling = min(self.max_s, self.base_s * 2 ** min(failures - 1, 62))
        return rng.uniform(0.0, ceiling)


@dataclass(frozen=True)
class LinkHealth:
    """The persisted part: consecutive failures, link state and the next allowed try."""

    link_state: LinkState = LinkState.UNKNOWN
    failures: int = 0
    link_failures: int = 0
    next_attempt_at: float = 0.0
    retry_delay_s: float = 0.0

    def wait_s(self, now: float) -> float:
        """Seconds until the next try is allowed; never longer than the delay that was chosen,
        so a wall clock set backwards cannot stall sync."""
        return max(0.0, min(self.next_attempt_at - now, self.retry_delay_s))

    def after_success(self) -> LinkHealth:
        """The link works: close the breaker, forget the failures."""
        return LinkHealth(LinkState.UP)

    def after_probe(self, answered: bool, policy: BackoffPolicy) -> LinkHealth:
        """A ping while the breaker is open: half-open it when the platform answered
        (one more link failure opens it again)."""
        if not answered:
            return self
        return replace(
            self, link_state=LinkState.UP, link_failures=max(0, policy.breaker_failures - 1)
        )

    def after_failure(
        self,
        now: float,
        policy: BackoffPolicy,
        rng: random.Random,
        *,
        link_failed: bool,
        retry_after_s: float | None = None,
    ) -> LinkHealth:
        """One more failure: the next try after ``Retry-After`` when the platform gave one,
        else after a jittered exponential delay; the breaker opens after
        ``policy.breaker_failures`` link failures in a row."""
        failures = self.failures + 1
        if retry_after_s is not None:
            delay = max(0.0, retry_after_s)
        else:
            delay = policy.delay(failures, rng)
        link_failures = self.link_failures + 1 if link_failed else 0
        if link_failures >= policy.breaker_failures:
            state = LinkState.DOWN
        elif link_failed:
            state = self.link_state
        else:
            state = LinkState.UP
        return LinkHealth(state, failures, link_failures, now + delay, delay)

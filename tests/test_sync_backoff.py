"""Backoff with full jitter, Retry-After and the circuit breaker, as pure rules."""

from __future__ import annotations

import random

import pytest

from offline_sync.sync.backoff import BackoffPolicy, LinkHealth, LinkState

POLICY = BackoffPolicy(base_s=2.0, max_s=60.0, breaker_failures=3)


@pytest.mark.parametrize(
    ("failures", "ceiling"),
    [(0, 0.0), (1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (500, 60.0)],
)
def test_full_jitter_stays_under_the_exponential_ceiling(failures, ceiling):
    rng = random.Random(failures)
    delays = [POLICY.delay(failures, rng) for _ in range(300)]
    assert all(0.0 <= d <= ceiling for d in delays)
    if ceiling:
        # full jitter: spread over the whole range, not bunched at the top
        assert min(delays) < ceiling * 0.1 and max(delays) > ceiling * 0.9


def test_retry_after_is_honoured_exactly():
    health = LinkHealth(LinkState.UP, failures=4)
    after = health.after_failure(
        1000.0, POLICY, random.Random(1), link_failed=False, retry_after_s=7
    )
    assert after.next_attempt_at == 1007.0
    assert after.wait_s(1000.0) == 7.0
    assert after.link_state is LinkState.UP  # the platform answered: the link is up


def test_breaker_opens_after_link_failures_in_a_row_and_half_opens_on_ping():
    rng = random.Random(2)
    health = LinkHealth()
    for _ in range(POLICY.breaker_failures - 1):
        health = health.after_failure(0.0, POLICY, rng, link_failed=True)
        assert health.link_state is not LinkState.DOWN
    health = health.after_failure(0.0, POLICY, rng, link_failed=True)
    assert health.link_state is LinkState.DOWN
    assert health.after_probe(False, POLICY) == health
    half_open = health.after_probe(True, POLICY)
    assert half_open.link_state is LinkState.UP
    # one more link failure opens it again at once
    again = half_open.after_failure(0.0, POLICY, rng, link_failed=True)
    assert again.link_state is LinkState.DOWN
    assert half_open.after_success() == LinkHealth(LinkState.UP)


def test_a_platform_answer_resets_the_link_failure_count():
    rng = random.Random(3)
    health = LinkHealth().after_failure(0.0, POLICY, rng, link_failed=True)
    health = health.after_failure(0.0, POLICY, rng, link_failed=True)
    health = health.after_failure(0.0, POLICY, rng, link_failed=False)
    assert (health.link_failures, health.failures, health.link_state) == (0, 3, LinkState.UP)


def test_wall_clock_set_back_does_not_stall_the_next_try():
    health = LinkHealth(LinkState.UP, 1, 0, next_attempt_at=10_000.0, retry_delay_s=5.0)
    # the clock was moved back by hours: wait at most the delay that was chosen
    assert health.wait_s(10_000.0 - 3 * 3600) == 5.0
    assert health.wait_s(10_001.0) == 0.0


def test_a_retry_after_of_zero_means_at_once():
    after = LinkHealth(LinkState.UP).after_failure(
        50.0, POLICY, random.Random(3), link_failed=False, retry_after_s=0
    )
    assert (after.next_attempt_at, after.retry_delay_s) == (50.0, 0.0)


@pytest.mark.parametrize("state", [LinkState.UP, LinkState.UNKNOWN])
def test_a_link_failure_short_of_the_breaker_keeps_what_was_known(state):
    after = LinkHealth(state).after_failure(0.0, POLICY, random.Random(4), link_failed=True)
    assert after.link_state is state and after.link_failures == 1 and after.failures == 1


@pytest.mark.parametrize("breaker", [1, 3])
def test_after_an_answered_probe_one_more_link_failure_opens_the_breaker_again(breaker):
    policy = BackoffPolicy(base_s=2.0, max_s=60.0, breaker_failures=breaker)
    down = LinkHealth(LinkState.DOWN, failures=breaker, link_failures=breaker)
    assert down.after_probe(False, policy) is down
    half_open = down.after_probe(True, policy)
    assert half_open.link_state is LinkState.UP
    assert half_open.link_failures == breaker - 1
    again = half_open.after_failure(0.0, policy, random.Random(5), link_failed=True)
    assert again.link_state is LinkState.DOWN

"""common.backoff: the wait before a retry doubles from `base`, stops at `cap`, and is spread by jitter."""

from __future__ import annotations

from common import backoff


def test_the_ceiling_doubles_then_stops_at_the_cap() -> None:
    assert [backoff.ceiling(n, 0.5, 30.0) for n in range(0, 10)] == [0.5, 0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    assert backoff.full_jitter(4, 0.5, 30, lambda: 0.0) == 0.0
    assert backoff.full_jitter(4, 0.5, 30, lambda: 0.5) == 2.0
    assert 3.99 < backoff.full_jitter(4, 0.5, 30, lambda: 0.999) < 4


def test_equal_jitter_is_never_below_half_the_ceiling() -> None:
    assert backoff.equal_jitter(3, 30_000, 1_800_000, lambda: 0.0) == 60_000
    assert backoff.equal_jitter(20, 30_000, 1_800_000, lambda: 0.999) < 1_800_000
    assert backoff.equal_jitter(20, 30_000, 1_800_000, lambda: 0.0) == 900_000


def test_the_sync_client_waits_as_before() -> None:
    from sync.client import RetryPolicy

    policy = RetryPolicy(base=0.5, cap=30.0)
    assert policy.delay(3, lambda: 0.5) == 1.0
    assert policy.delay(1, lambda: 0.0, retry_after=7.0) == 7.0  # the hub's Retry-After is honoured
    assert policy.delay(1, lambda: 0.0, retry_after=999.0) == 30.0  # but never past the cap

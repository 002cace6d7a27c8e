"""The wait before a retry: exponential (base, 2·base, 4·base, …) from the second attempt on, never above a
cap, and jittered so that many laptops that lost the province together do not all come back at once."""

from __future__ import annotations

from collections.abc import Callable


def ceiling(attempt: int, base: float, cap: float) -> float:
    """The longest wait before retry number `attempt` (1 = the first retry): base · 2^(attempt−1), capped."""
    return min(cap, base * (2 ** max(0, attempt - 1)))


def full_jitter(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Uniform in [0, ceiling): the spread that clears a crowd fastest (`rng` gives [0, 1))."""
    return rng() * ceiling(attempt, base, cap)


def equal_jitter(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Uniform in [ceiling/2, ceiling): never much sooner than planned (a background retry timer)."""
    return ceiling(attempt, base, cap) * (0.5 + rng() / 2)

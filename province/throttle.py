"""Login flood protection of one hub process; the counts every worker shares (the per-address limit, the
lockouts, the per-account slow-down) are in the database: province.throttle_store.

- `TokenBuckets`: per client address, in this process's memory, the same `capacity` and `rate` as the shared
  limit: a flood this process alone already refuses is answered 429 with no database write at all (it can
  only refuse earlier than the shared bucket, never let more through).
- `LoginGuard.run_hash`: password hashes (each ≈70 ms of CPU and 16 MiB) run on the guard's own small
  thread pool (one thread per spare core, at most two) and at most `max_waiting` logins queue for it
  (more answer 429), so a flood from many addresses neither starves the device API's thread pool nor
  takes every core, and only that many threads ever hold scrypt's 16 MiB (glibc keeps a freed block per
  thread arena: forty pool threads hashing meant hundreds of MiB).

The map is LRU-bounded by `max_keys`: a flood from many addresses forgets the oldest entries rather than
growing.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from province.throttle_store import ThrottlePolicy

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")


class _Bounded(Generic[K, V]):
    def __init__(self, max_keys: int) -> None:
        self.max_keys = max_keys
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.max_keys:
            self.items.popitem(last=False)

    def pop(self, key: K) -> None:
        self.items.pop(key, None)

    def __len__(self) -> int:
        return len(self.items)


class TokenBuckets:
    def __init__(self, capacity: float = 10, rate: float = 1 / 6, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.rate, self.clock = capacity, rate, clock
        self._b: _Bounded[str, tuple[float, float]] = _Bounded(max_keys)

    def take(self, key: str) -> float:
        """0.0 if an attempt is allowed now (and counted), else the seconds until the next one is."""
        now = self.clock()
        with self._b.lock:
            tokens, at = self._b.get(key) or (self.capacity, now)
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._b.put(key, (tokens - 1, now))
                return 0.0
            self._b.put(key, (tokens, now))
            return (1 - tokens) / self.rate if self.rate > 0 else 3600.0

    def __len__(self) -> int:
        return len(self._b)


def default_hash_threads() -> int:
    return max(1, min(2, (os.cpu_count() or 1) - 1))


class LoginGuard:
    """Everything the login endpoint consults before and after a password hash."""

    def __init__(self, *, capacity: float = 10, rate: float = 1 / 6, max_failures: int = 5,
                 lock_for: float = 300.0, account_slow_after: int = 20, account_delay: float = 2.0,
                 hash_threads: int | None = None, max_waiting: int = 32, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.time) -> None:
        """`clock`: Unix seconds (the shared counters compare times written by other processes)."""
        self.buckets = TokenBuckets(capacity, rate, max_keys, clock)
        self.policy = ThrottlePolicy(capacity=capacity, rate=rate, max_failures=max_failures, lock_for=lock_for,
                                     account_slow_after=account_slow_after, account_delay=account_delay)
        self.clock = clock
        self.hash_threads = hash_threads or default_hash_threads()
        self.max_waiting = max_waiting
        self.waiting = 0  # logins queued for or running a hash (touched on the event loop only)
        self._pool: ThreadPoolExecutor | None = None

    def enter(self) -> bool:
        """Take a place in the queue for the hash (call leave() after); False when it is full."""
        if self.waiting >= self.max_waiting:
            return False
        self.waiting += 1
        return True

    def leave(self) -> None:
        self.waiting -= 1

    async def run_hash(self, fn: Callable[..., R], *args: object) -> R:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.hash_threads, thread_name_prefix="ep-login-hash")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

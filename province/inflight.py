"""Bounded concurrent batch intake: when a link returns, hundreds of laptops send at once. Past `limit`
batches in flight the hub answers 429 with Retry-After at once (no body read, no database), never a 5xx;
the laptops' jitter (sync.link_policy) spreads the rest. In memory, per hub process."""

from __future__ import annotations

import threading

DEFAULT_LIMIT = 8  # batches being read, verified and stored at one time
DEFAULT_RETRY_AFTER = 10  # seconds a refused laptop is asked to wait


class BatchSlots:
    """A non-blocking counting semaphore: `take` says at once whether a slot was free."""

    def __init__(self, limit: int = DEFAULT_LIMIT, retry_after: int = DEFAULT_RETRY_AFTER) -> None:
        self.limit, self.retry_after = max(0, limit), max(1, retry_after)
        self.in_flight = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.in_flight >= self.limit:
                return False
            self.in_flight += 1
            return True

    def give(self) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

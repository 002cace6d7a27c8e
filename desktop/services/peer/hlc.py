"""The change-log clock: a hybrid logical clock (HLC) that cannot overflow and cannot be poisoned.

A stamp is "<13-digit ms>.<5-digit counter>.<device>", fixed width, so comparing two stamps as text is the
same as comparing (ms, counter, device) as numbers: SQL `ORDER BY hlc` and Python `<` agree.

- The counter never passes 99,999: one more tick carries into the physical part (ms + 1, counter 0), so an
  import of 200,000 rows stamped in one millisecond moves the clock 2 ms ahead of the wall and stays valid
  (a 5-digit counter written as 6 digits was refused by every other laptop, and sorted wrongly).
- A remote stamp more than MAX_AHEAD_MS ahead of this laptop's wall clock is not adopted into the local
  clock (the entry is still merged with its stamp as sent: every laptop decides the same way). 24 hours:
  laptops go weeks without NTP and a commune's laptops may be set to UTC instead of UTC+7 or to another
  zone (up to 14 h off), so minutes or a few hours would refuse ordinary laptops; a clock more than a day
  ahead is a wrong date, whose stamps must not drag every laptop's clock along.
- A stamp at or after CEILING_MS (year 2100: no laptop can have made it honestly) is clamped, wherever it
  is read, to CLAMP_MS (2026-12-06, the day this rule was made) keeping its counter and device: the same
  stamp becomes the same value on every laptop (migration 0007 clamps those already stored), and any
  edit made with this version afterwards wins over it.
- Old 6-digit-or-longer counters written by a laptop not yet updated are read and carried the same way.
"""

from __future__ import annotations

import re
import time

COUNTER_MAX = 99_999
MAX_AHEAD_MS = 24 * 3600 * 1000
CEILING_MS = 4_102_444_800_000  # 2100-01-01T00:00Z
CLAMP_MS = 1_796_515_200_000  # 2026-12-06T00:00Z
# Stamps as accepted from outside (old laptops may send up to 9-digit counters); canonical() then applies.
WIRE = re.compile(r"^\d{13}\.\d{5,9}\.[0-9a-f]{1,32}$")
_CANONICAL = re.compile(r"^\d{13}\.\d{5}\.")
_CEILING_TEXT = f"{CEILING_MS:013d}"


def hlc_format(ms: int, counter: int, device: str) -> str:
    return f"{ms:013d}.{counter:05d}.{device}"


def hlc_parse(text: str) -> tuple[int, int, str]:
    """(ms, counter, device) as numbers, carried and clamped (see canonical())."""
    ms, counter, device = text.split(".", 2)
    m, c = int(ms), int(counter)
    m, c = m + c // (COUNTER_MAX + 1), c % (COUNTER_MAX + 1)
    if m >= CEILING_MS:
        m = CLAMP_MS
    return m, c, device


def canonical(text: str) -> str:
    """The one text of a stamp every laptop stores: counter < 100,000, physical part below the ceiling."""
    if _CANONICAL.match(text) and text[:13] < _CEILING_TEXT:
        return text
    return hlc_format(*hlc_parse(text))


def now_ms() -> int:
    return int(time.time() * 1000)


def adopt_limit(now: int | None = None) -> str:
    """The highest stamp text this laptop adopts into its clock now (anything above is implausibly ahead)."""
    return hlc_format((now_ms() if now is None else now) + MAX_AHEAD_MS, COUNTER_MAX, "~")


class HLC:
    """The clock's state as numbers; `tick()` for a local change, `observe()` for a remote stamp."""

    def __init__(self, device: str, last: str | None = None) -> None:
        self.device = device
        self.ms, self.counter = hlc_parse(last)[:2] if last else (0, 0)

    def tick(self, hint_ms: int | None = None) -> str:
        """A new stamp above every stamp issued or adopted so far; `hint_ms` (the time a change was made)
        is used as the physical part when it is later than the clock, never when it is in the future."""
        now = now_ms()
        phys = now if hint_ms is None else min(hint_ms, now)
        if phys > self.ms:
            self.ms, self.counter = phys, 0
        else:
            self.counter += 1
            if self.counter > COUNTER_MAX:
                self.ms, self.counter = self.ms + 1, 0
        return self.text()

    def observe(self, remote: str, now: int | None = None) -> bool:
        """Move past a remote stamp unless it is implausibly far ahead; True when it was adopted."""
        ms, counter, _dev = hlc_parse(remote)
        if ms > (now_ms() if now is None else now) + MAX_AHEAD_MS:
            return False
        if (ms, counter) > (self.ms, self.counter):
            self.ms, self.counter = ms, counter
        return True

    def text(self) -> str:
        return hlc_format(self.ms, self.counter, self.device)

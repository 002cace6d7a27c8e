"""The one projection rule shared by the laptop's progress screen and the hub's target pages.

Pace ("run rate") is the average count per active day over the last `PACE_DAYS` days that had any activity;
the projected date walks forward over working days from the day after `on` until the remaining count is
covered at that pace. A target counts as reached on the first day the cumulative figure reached it; a stall
is the number of days since the cumulative figure last went up. Pure: dates and numbers in, dates and numbers
out, so both programs give the same answer for the same figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PACE_DAYS = 7
WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday–Friday; a campaign may pass its own
STALL_DAYS = 3  # "không tiến triển N ngày" from this many days without progress
MAX_WORKING_DAYS = 26_000  # about a century of working days: beyond it a projection means nothing


def add_working_days(start: dt.date, n: int, weekdays: Iterable[int] = WORKING_WEEKDAYS) -> dt.date:
    """The n-th working day after `start` (n ≥ 1); `start` itself is not counted. No working day: every day."""
    days = frozenset(weekdays) or frozenset(range(7))
    weeks, left = divmod(n, len(days))  # any 7 days in a row hold len(days) working days: jump whole weeks
    if left == 0 and weeks > 0:
        weeks, left = weeks - 1, len(days)
    d = start + dt.timedelta(weeks=weeks)
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() in days:
            left -= 1
    return d


def active_days(activity: Iterable[dt.date], on: dt.date, n: int = PACE_DAYS) -> list[dt.date]:
    """The last `n` days up to `on` that had any activity, oldest first."""
    return sorted({d for d in activity if d <= on})[-n:] if n > 0 else []


def run_rate(daily: Mapping[dt.date, int], active: Iterable[dt.date]) -> float:
    """Average count per active day (0.0 without active days)."""
    days = list(active)
    return sum(daily.get(d, 0) for d in days) / len(days) if days else 0.0


def project(on: dt.date, cumulative: int, target: int | None, pace: float,
            weekdays: Iterable[int] = WORKING_WEEKDAYS) -> dt.date | None:
    """When `target` is reached from `cumulative` at `pace` per working day; None if met, no target, no pace, or
    a pace so slow it would take over MAX_WORKING_DAYS."""
    if target is None or cumulative >= target or pace <= 0:
        return None
    needed = math.ceil((target - cumulative) / pace - 1e-9)
    if needed > MAX_WORKING_DAYS:  # a pace that would take lifetimes: no date (and late, with a deadline)
        return None
    return add_working_days(on, max(1, needed), weekdays)


def reached_on(daily: Mapping[dt.date, int], target: int, on: dt.date) -> dt.date | None:
    """The first day (up to `on`) the cumulative sum of `daily` reached `target`; None if not yet."""
    total = 0
    for d in sorted(k for k in daily if k <= on):
        total += daily[d]
        if total >= target:
            return d
    return None


def stalled_days(daily: Mapping[dt.date, int], on: dt.date) -> int | None:
    """Days from the last day with a positive count up to `on`; None when there never was one."""
    last = max((d for d, v in daily.items() if d <= on and v > 0), default=None)
    return None if last is None else (on - last).days


@dataclass(frozen=True, slots=True)
class Outlook:
    """One target's state on `on`: pace, projection, lateness, stall and the day it was reached."""

    cumulative: int
    target: int
    deadline: dt.date | None
    pace: float
    projected: dt.date | None  # None: reached, or no pace
    reached: dt.date | None
    stalled: int | None  # days without progress (None: never any)

    @property
    def late(self) -> bool:
        """Not reached and, at this pace, after the deadline (or never, with no pace)."""
        if self.reached is not None or self.deadline is None:
            return False
        return self.projected is None or self.projected > self.deadline

    def words(self) -> list[str]:
        """The Vietnamese notes the pages show ('đạt ngày 21/6', 'dự kiến trễ hạn', …)."""
        if self.reached is not None:
            return [f"đạt ngày {self.reached.day}/{self.reached.month}"]
        out = []
        if self.projected is not None:
            out.append(f"dự kiến đạt {self.projected:%d/%m/%Y}")
        if self.late:
            out.append("dự kiến trễ hạn")
        if self.stalled is not None and self.stalled >= STALL_DAYS:
            out.append(f"không tiến triển {self.stalled} ngày")
        return out


def outlook(daily: Mapping[dt.date, int], target: int, deadline: dt.date | None, on: dt.date,
            activity: Iterable[dt.date] | None = None, weekdays: Iterable[int] = WORKING_WEEKDAYS) -> Outlook:
    """Everything about one target from its daily counts (`activity`: the days with any activity, by default
    the days with a positive count)."""
    seen = [d for d, v in daily.items() if v > 0] if activity is None else activity
    pace = run_rate(daily, active_days(seen, on))
    cumulative = sum(v for d, v in daily.items() if d <= on)
    reached = reached_on(daily, target, on)
    projected = None if reached is not None else project(on, cumulative, target, pace, weekdays)
    return Outlook(cumulative, target, deadline, round(pace, 2), projected, reached, stalled_days(daily, on))

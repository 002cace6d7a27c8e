"""The target pages' outlook (common.projection) from what it needs instead of every day of every commune:
the cumulative as of the window's start from the monthly roll-up (commune_months) and the window's month's
earlier days summed in SQL, the window's days (commune_days of the 14 days before the day shown: the 7 active
days of the run rate and the last day with progress are there for a commune reporting on working days), and
the day a target was reached from the month its monthly running total crossed it, then that month's days. Counts are never
negative (sync.protocol refuses them), so a running total only rises and the month it crosses holds the day.
A commune whose window lacks its 7 active days or its last progress while it has earlier months is read in
full, as before: the answer always equals `projection.outlook` over the whole history
(tests/province/test_target_window.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from common import projection
from province.models import CommuneDay, CommuneMonth
from sync import indicators

WINDOW_BACK = 14  # the window: the days from this many days before `on` up to `on`
_CHUNK = 500
Segment = tuple[dt.date, dt.date, dict[str, int]]  # first day, last day, sums per indicator


def _date(v: object) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


@dataclass(slots=True)
class History:
    """One commune's figures as the outlook needs them: `full` when every day was read."""

    before: dict[str, int]  # cumulative per indicator over the days before the window
    months: list[Segment]  # those days by month (the window's own month up to the window), oldest first
    days: dict[str, dict[dt.date, int]]  # indicator → day → count, days of the window (or every day when full)
    full: bool = False
    month_days: dict[dt.date, dict[str, dict[dt.date, int]]] = field(default_factory=dict)

    def activity(self) -> set[dt.date]:
        return {d for ind in indicators.MAIN for d, n in self.days.get(ind, {}).items() if n > 0}

    def needs_full(self, on: dt.date) -> bool:
        """The window alone cannot give the run rate or the stall of some indicator."""
        if self.full or not self.months:
            return False
        if len(projection.active_days(self.activity(), on)) < projection.PACE_DAYS:
            return True
        return any(self.before.get(ind, 0) > 0 and not any(v > 0 for v in self.days.get(ind, {}).values())
                   for ind in indicators.MAIN)

    def crossing_month(self, indicator: str, target: int) -> tuple[Segment, int] | None:
        """The month (before the window) whose running total first reached `target`, and the total before it."""
        total = 0
        for seg in self.months:
            sums = seg[2]
            if total + sums.get(indicator, 0) >= target:
                return seg, total
            total += sums.get(indicator, 0)
        return None

    def outlook(self, indicator: str, target: int, deadline: dt.date | None, on: dt.date) -> projection.Outlook:
        counts = self.days.get(indicator, {})
        activity = self.activity()
        if self.full:
            return projection.outlook(counts, target, deadline, on, activity)
        start = self.before.get(indicator, 0)
        pace = projection.run_rate(counts, projection.active_days(activity, on))
        cumulative = start + sum(v for d, v in counts.items() if d <= on)
        crossed = self.crossing_month(indicator, target)
        if crossed is not None:
            seg, prior = crossed
            reached = projection.reached_on(self.month_days[seg[0]].get(indicator, {}), target - prior, on)
        else:
            reached = projection.reached_on(counts, target - start, on)
        projected = None if reached is not None else projection.project(on, cumulative, target, pace)
        return projection.Outlook(cumulative, target, deadline, round(pace, 2), projected, reached,
                                  projection.stalled_days(counts, on))


def window_start(on: dt.date) -> dt.date:
    return on - dt.timedelta(days=WINDOW_BACK)


def _chunks(codes: list[str] | None) -> Iterable[list[str] | None]:
    if codes is None:
        yield None
        return
    for i in range(0, len(codes), _CHUNK):
        yield codes[i:i + _CHUNK]


def _days(conn: Connection, codes: list[str] | None, first: dt.date | None, last: dt.date,
          into: dict[str, dict[str, dict[dt.date, int]]], inds: tuple[str, ...] | None = None) -> None:
    cd = CommuneDay
    inds = indicators.MAIN if inds is None else inds
    for part in _chunks(codes):
        q = select(cd.commune_code, cd.day, *[getattr(cd, ind) for ind in inds]).where(cd.day <= last)
        if first is not None:
            q = q.where(cd.day >= first)
        if part is not None:
            q = q.where(cd.commune_code.in_(part))
        for code, day, *vals in conn.execute(q):
            per = into.setdefault(code, {ind: {} for ind in inds})
            d = _date(day)
            for ind, v in zip(inds, vals, strict=True):
                per[ind][d] = int(v or 0)


def _months(conn: Connection, codes: list[str] | None, before: dt.date) -> dict[str, list[Segment]]:
    """commune → its months before `before`'s month (commune_months) and, summed in SQL, its days of that month
    before `before` (one row per commune)."""
    cm, cd = CommuneMonth, CommuneDay
    first = before.replace(day=1)
    out: dict[str, list[Segment]] = {}
    for part in _chunks(codes):
        q = select(cm.commune_code, cm.month, *[getattr(cm, ind) for ind in indicators.MAIN]).where(cm.month < first)
        p = (select(cd.commune_code, *[func.sum(getattr(cd, ind)) for ind in indicators.MAIN])
             .where(cd.day >= first, cd.day < before).group_by(cd.commune_code))
        if part is not None:
            q, p = q.where(cm.commune_code.in_(part)), p.where(cd.commune_code.in_(part))
        for code, month, *vals in conn.execute(q):
            m = _date(month)
            out.setdefault(code, []).append(
                (m, _next_month(m) - dt.timedelta(days=1), {ind: int(v or 0) for ind, v in zip(indicators.MAIN, vals, strict=True)}))
        if before > first:
            for code, *vals in conn.execute(p):
                out.setdefault(code, []).append(
                    (first, before - dt.timedelta(days=1), {ind: int(v or 0) for ind, v in zip(indicators.MAIN, vals, strict=True)}))
    for rows in out.values():
        rows.sort(key=lambda r: r[0])
    return out


def _next_month(m: dt.date) -> dt.date:
    return (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def histories(conn: Connection, on: dt.date, codes: list[str] | None,
              wants: Iterable[tuple[str, str, int]]) -> dict[str, History]:
    """commune → its History as of `on`, for the (commune, indicator, target) triples the page will ask."""
    start = window_start(on)
    months = _months(conn, codes, start)
    days: dict[str, dict[str, dict[dt.date, int]]] = {}
    _days(conn, codes, start, on, days)
    out: dict[str, History] = {}
    for code in set(months) | set(days):
        ms = months.get(code, [])
        before = {ind: sum(s.get(ind, 0) for _f, _l, s in ms) for ind in indicators.MAIN}
        out[code] = History(before, ms, days.get(code, {ind: {} for ind in indicators.MAIN}))
    full = sorted(code for code, h in out.items() if h.needs_full(on))
    if full:
        every: dict[str, dict[str, dict[dt.date, int]]] = {}
        _days(conn, full, None, on, every)
        for code in full:
            out[code] = History({}, [], every.get(code, {ind: {} for ind in indicators.MAIN}), full=True)
    need: dict[tuple[dt.date, dt.date, str], set[str]] = {}  # only the target's indicator: fewer columns
    for code, indicator, target in wants:
        h = out.get(code)
        crossed = None if h is None or h.full else h.crossing_month(indicator, target)
        if crossed is not None and indicator in indicators.MAIN:
            need.setdefault((crossed[0][0], crossed[0][1], indicator), set()).add(code)
    for (first, last, indicator), month_codes in need.items():
        got: dict[str, dict[str, dict[dt.date, int]]] = {}
        _days(conn, sorted(month_codes), first, min(on, last), got, (indicator,))
        for code in month_codes:
            out[code].month_days.setdefault(first, {})[indicator] = got.get(code, {}).get(indicator, {})
    return out

"""Progress against the province's targets: today, cumulative, pace and when the target will be reached.

Counts come from `indicators` (the one counting rule). The denominator "eligible" is the register's
citizens aged 14 or more on the day (full birth date when known; a birth year alone counts from 31 December of
that year, as in due.py, so nobody is counted before the age is certain; unknown age counts) and not
ineligible, moved away or deceased. A point's progress has no target and no percentage of one: the province's
targets (and the commune's village targets) are the whole commune's, and a point has no share of them (as the
printed per-point report). Pace and projection follow the one rule the hub
uses too (common.projection): the average over the last 7 days that had any activity, walked forward over
working days (Monday–Friday unless told) from the day after `on` until the remaining count is covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.projection import PACE_DAYS, WORKING_WEEKDAYS, project, reached_on, run_rate, stalled_days
from common.projection import add_working_days as add_working_days  # kept importable from here
from common.vietnamese import sort_key
from desktop.models import Citizen, Target
from desktop.services.figures import indicators, village_targets
from desktop.services.register.statuses import TERMINAL
from desktop.storage.connect import driver_connection

CARD_AGE = 14
SERIES_DAYS = 30
UNKNOWN_VILLAGE = "Chưa rõ thôn/tổ"


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    code: str
    label_vi: str
    label_en: str
    today: int
    cumulative: int
    target: int | None  # None: no target stored for this indicator
    deadline: dt.date | None  # the target's deadline, when the province gave one
    eligible: int  # the population denominator
    percent: float | None  # of the target (None without a target)
    percent_eligible: float | None  # of the eligible population (None when nobody is eligible)
    met: bool
    pace: float  # average per working day over the last 7 days with activity
    projected: dt.date | None  # when the target is reached at this pace (None: met, no target or no pace)
    on_track: bool | None  # projected on or before the deadline (None when it cannot be said)
    reached: dt.date | None = None  # the first day the cumulative figure reached the target
    stalled: int | None = None  # days since the last day with a count (None: never any)


@dataclass(frozen=True, slots=True)
class VillageProgress:
    village: str
    village_key: str
    eligible: int
    cumulative: dict[str, int]
    today: dict[str, int]
    percent: dict[str, float | None]  # cumulative / eligible × 100, per indicator
    # Targets the commune set for this village (village_targets; empty when none) and the share reached.
    targets: dict[str, int] = field(default_factory=dict)
    target_percent: dict[str, float | None] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        """Every target of the village reached; None when the village has no target."""
        if not self.targets:
            return None
        return all(self.cumulative.get(k, 0) >= v for k, v in self.targets.items())


@dataclass(frozen=True, slots=True)
class Progress:
    on: dt.date
    point_id: int | None
    eligible: int
    indicators: list[IndicatorProgress]
    villages: list[VillageProgress]
    series: list[tuple[dt.date, dict[str, int]]] = field(default_factory=list)  # last 30 days, daily values

    def get(self, code: str) -> IndicatorProgress:
        return next(i for i in self.indicators if i.code == code)


def _cutoff(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year - CARD_AGE)
    except ValueError:  # 29 February
        return dt.date(on.year - CARD_AGE, 2, 28)


_TERMINAL = tuple(sorted(str(s) for s in TERMINAL))
_ELIGIBLE_SQL = (
    "status NOT IN (" + ", ".join(f":t{i}" for i in range(len(_TERMINAL))) + ") AND (birth_date <= :cut OR "
    "(birth_date IS NULL AND (birth_year IS NULL OR birth_year <= :year)))"
)


def _eligible_params(on: dt.date) -> dict[str, object]:
    params: dict[str, object] = {f"t{i}": t for i, t in enumerate(_TERMINAL)}
    cut = _cutoff(on)
    # Born in year Y only: certainly 14 from 31 December of Y + 14 (due.py's rule: never an age not yet certain).
    params.update(cut=cut.isoformat(), year=cut.year if (cut.month, cut.day) == (12, 31) else cut.year - 1)
    return params


def eligible_count(session: Session, on: dt.date) -> int:
    """Citizens aged 14 or more on `on` (unknown age counts) and not ineligible, moved away or deceased."""
    raw = driver_connection(session)
    return int(raw.execute(f"SELECT count(*) FROM citizens WHERE {_ELIGIBLE_SQL}", _eligible_params(on)).fetchone()[0])


def eligible_by_village(session: Session, on: dt.date) -> dict[str, tuple[str, int]]:
    """village_key → (display name, eligible count), in one sequential pass over the register.

    NOT INDEXED: walking the village index would visit the 200,000 rows in random order (several times
    slower, worse with encryption at rest, where every page read is decrypted).
    """
    raw = driver_connection(session)
    sql = (
        f"SELECT village_key, max(village), count(*) FROM citizens NOT INDEXED WHERE {_ELIGIBLE_SQL} "
        "GROUP BY village_key"
    )
    return {(key or ""): (name or "", n) for key, name, n in raw.execute(sql, _eligible_params(on))}


def _pct(num: int, den: int | None) -> float | None:
    if not den:
        return None
    return round(100.0 * num / den, 2)


def progress(
    session: Session,
    on: dt.date,
    point_id: int | None = None,
    *,
    working_weekdays: Iterable[int] = WORKING_WEEKDAYS,
    series_days: int = SERIES_DAYS,
) -> Progress:
    """Everything the progress screen shows for one day (a handful of grouped queries)."""
    weekdays = frozenset(working_weekdays)
    today = indicators.count_day(session, on, point_id).totals
    daily = indicators.daily_until(session, on, point_id)
    cumulative = {code: sum(days.values()) for code, days in daily.items()}
    # a point has no share of the commune's targets: no target, no percentage (as the printed report)
    targets = {t.indicator: t for t in session.scalars(select(Target))} if point_id is None else {}
    by_village = eligible_by_village(session, on)
    eligible = sum(n for _name, n in by_village.values())
    active = indicators.active_days(session, on, PACE_DAYS, point_id)
    rows = []
    for code in indicators.INDICATORS:
        t = targets.get(code)
        target = int(t.value) if t is not None else None
        pace = run_rate(daily[code], active)  # the one rule (common.projection), as the hub
        projected = project(on, cumulative[code], target, pace, weekdays)
        deadline = t.deadline if t is not None else None
        met = target is not None and cumulative[code] >= target
        on_track = None
        if deadline is not None and target is not None:
            on_track = True if met else (projected is not None and projected <= deadline)
        rows.append(
            IndicatorProgress(
                code=code, label_vi=indicators.INDICATOR_LABELS_VI[code], label_en=indicators.INDICATOR_LABELS_EN[code],
                today=today[code], cumulative=cumulative[code], target=target, deadline=deadline, eligible=eligible,
                percent=_pct(cumulative[code], target), percent_eligible=_pct(cumulative[code], eligible), met=met,
                pace=round(pace, 2), projected=projected, on_track=on_track,
                reached=reached_on(daily[code], target, on) if target is not None else None,
                stalled=stalled_days(daily[code], on),
            )
        )
    series = indicators.daily_series(session, on - dt.timedelta(days=series_days - 1), on, point_id)
    return Progress(on, point_id, eligible, rows, _villages(session, on, point_id, by_village), series)


def _villages(
    session: Session, on: dt.date, point_id: int | None, elig: dict[str, tuple[str, int]]
) -> list[VillageProgress]:
    cum = indicators.count_until_by_village(session, on, point_id)
    day = indicators.count_day_by_village_key(session, on, point_id)
    names = {k: v[0] for k, v in elig.items()}
    goals = village_targets.village_targets(session) if point_id is None else {}
    missing = (set(cum) | set(day) | set(goals)) - set(names)
    if missing:
        for key, name in session.execute(
            select(Citizen.village_key, func.max(Citizen.village))
            .where(Citizen.village_key.in_(missing))
            .group_by(Citizen.village_key)
        ):
            names[key or ""] = name or ""
    out = []
    for key in set(names) | set(cum) | set(day):
        c = cum.get(key, indicators.zeros())
        e = elig.get(key, ("", 0))[1]
        goal = goals.get(key, {})
        out.append(
            VillageProgress(
                village=names.get(key) or UNKNOWN_VILLAGE, village_key=key, eligible=e, cumulative=c,
                today=day.get(key, indicators.zeros()), percent={k: _pct(v, e) for k, v in c.items()},
                targets=goal, target_percent={k: village_targets.percent_of(c.get(k, 0), v) for k, v in goal.items()},
            )
        )
    out.sort(key=lambda v: (v.village_key == "", sort_key(v.village), v.village_key))
    return out

"""The trend chart: an indicator's cumulative figure per day against each target set's line, drawn on the
server as inline SVG (no script: the hub's CSP allows none; presentation attributes only, no style).

For the province (or one province code) or one commune, over DAYS days up to `on`: the cumulative at `on`
comes from commune_totals (less the days after `on`), the days before it from one grouped query over the
window by the (day, commune) index (the province's kept until new data arrives). A target line is the set's value summed over the communes shown, drawn
flat across the chart, with a mark at its deadline when the deadline is in the window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province.dashboard import asof, stamped
from province.dashboard.data import MAIN, _day, vn_date
from province.intake_rollups import shard
from province.models import Commune, CommuneDay, TargetSet, TargetSetValue
from province.models.rollups import COUNTER_SHARDS
from sync.protocol import INDICATORS

DAYS = 30
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 70, 10, 10, 30


@dataclass(frozen=True, slots=True)
class Line:
    set_id: int
    name: str
    deadline: dt.date
    value: int
    y: float
    deadline_x: float | None


@dataclass(frozen=True, slots=True)
class Chart:
    indicator: str
    days: list[dt.date]
    values: list[int]  # cumulative per day
    xs: list[float]
    ys: list[float]
    lines: list[Line]
    top: int  # the value at the top of the chart

    @property
    def points(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(self.xs, self.ys, strict=True))


def _codes(s: Session, province: str | None, code: str | None) -> list[str] | None:
    if code:
        return [code]
    if province:
        return list(s.scalars(select(Commune.code).where(Commune.province_code == province)))
    return None


def _series(s: Session, on: dt.date, codes: list[str] | None, days: list[dt.date]) -> dict[str, list[int]]:
    """The cumulative figures as of `on` (dashboard/asof.py) walked back over the days' sums (commune_days)."""
    cd = CommuneDay
    conn = s.connection()
    daily = (select(cd.day, *[func.sum(getattr(cd, i)) for i in MAIN])
             .where(cd.day > days[0], cd.day <= on).group_by(cd.day))
    if codes is not None:
        daily = daily.where(cd.commune_code.in_(codes))
    idx = [INDICATORS.index(ind) for ind in MAIN]
    total = [0] * len(MAIN)
    for sums, _last, _recv in asof.communes(conn, on, codes).values():
        total = [t + sums[i] for t, i in zip(total, idx, strict=True)]
    per_day = {_day(d): [int(v or 0) for v in vals] for d, *vals in conn.execute(daily)}
    out = {}
    for i, ind in enumerate(MAIN):
        cum = total[i]
        series = []
        for d in reversed(days):  # walk back from `on`: each day's cumulative less that day's count
            series.append(cum)
            cum -= per_day.get(d, [0] * len(MAIN))[i]
        out[ind] = list(reversed(series))
    return out


def _targets(s: Session, codes: list[str] | None) -> list[tuple[TargetSet, int]]:
    q = (select(TargetSet, func.sum(TargetSetValue.value)).join(TargetSetValue, TargetSetValue.set_id == TargetSet.id)
         .group_by(TargetSet.id).order_by(TargetSet.deadline, TargetSet.name))
    if codes is not None:
        q = q.where(TargetSetValue.commune_code.in_(codes))
    return [(t, int(v or 0)) for t, v in s.execute(q).all()]


def charts(s: Session, on: dt.date, province: str | None = None, code: str | None = None) -> list[Chart]:
    """One chart per main indicator: DAYS cumulative values up to `on` and the target lines of its sets (the
    province's sums kept per counter shard, a delivery re-reading its shard's communes (`stamped`); a
    commune's read each time: a few dozen rows)."""
    days = [on - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    if code:
        return _draw(days, _series(s, on, [code], days), _targets(s, [code]))
    parts = stamped.kept_by_commune(s, ("trend", on, province), on,
                                    lambda shards: _shard_series(s, on, province, shards, days), dict, int)
    series = {ind: [sum(p[ind][i] for p in parts.values()) for i in range(DAYS)] for ind in MAIN}
    return _draw(days, series, _targets(s, _codes(s, province, None)))


def _shard_series(s: Session, on: dt.date, province: str | None, shards: frozenset[int] | None,
                  days: list[dt.date]) -> dict[str, dict[str, list[int]]]:
    """Per counter shard (its number as text), the series of its communes: the province's sums are the sum
    of the shards', so a delivery re-reads one shard's communes (dashboard/stamped.py)."""
    q = select(Commune.code)
    if province:
        q = q.where(Commune.province_code == province)
    by_shard: dict[int, list[str]] = {}
    for code in s.scalars(q):
        by_shard.setdefault(shard(code), []).append(code)
    wanted = range(COUNTER_SHARDS) if shards is None else sorted(shards)
    empty = {ind: [0] * len(days) for ind in MAIN}
    return {str(i): _series(s, on, by_shard[i], days) if by_shard.get(i) else empty for i in wanted}


def _draw(days: list[dt.date], series: dict[str, list[int]], sets: list[tuple[TargetSet, int]]) -> list[Chart]:
    out = []
    for ind in MAIN:
        values = series[ind]
        mine = [(t, v) for t, v in sets if t.indicator == ind]
        top = max([*values, *(v for _t, v in mine), 1])
        top = int(top * 1.1) + 1

        def y(v: int, top: int = top) -> float:
            return TOP + (H - TOP - BOTTOM) * (1 - v / top)

        def x(i: int) -> float:
            return LEFT + (W - LEFT - RIGHT) * i / max(DAYS - 1, 1)

        lines = [Line(t.id, t.name, t.deadline, v, y(v),
                      x(days.index(t.deadline)) if t.deadline in days else None) for t, v in mine]
        out.append(Chart(ind, days, values, [x(i) for i in range(DAYS)], [y(v) for v in values], lines, top))
    return out


def label(day: dt.date) -> str:
    return vn_date(day)[:5]

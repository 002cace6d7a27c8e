"""Figures for the province table, aggregated in SQL: one grouped query gives each commune's cumulative
totals and freshness up to the chosen day, one gives the chosen day, one reads the targets.

"Not reported" is never turned into zero: a commune without a report for the day has `today = None`, one
that never reported has `cumul = None`, and the page says so in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province.models import Batch, Commune, ReportVillage, Target
from sync.protocol import INDICATORS

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh, no DST
MAIN = ("card_captured", "vneid_l2_captured", "vneid_activated")
CONTEXT = ("attended", "no_show")
LABELS = {
    "card_captured": "Hồ sơ CCCD",
    "vneid_l2_captured": "Hồ sơ VNeID mức 2",
    "vneid_activated": "Kích hoạt VNeID",
    "attended": "Có mặt",
    "no_show": "Vắng mặt",
}
MET, NOT_YET, MISSED = "met", "not_met", "missed"
MET_LABELS = {MET: "Đạt", NOT_YET: "Chưa đạt", MISSED: "Không đạt"}
SORTS = ("rank", "name", "code", "silent", "province")


def hub_today() -> dt.date:
    return dt.datetime.now(VN_TZ).date()


def local(when: dt.datetime | None) -> str:
    return when.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if when else ""


def vn_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass
class Row:
    code: str
    name: str
    province_code: str
    province_name: str
    today: dict[str, int] | None = None  # None: no report for the day
    cumul: dict[str, int] | None = None  # None: never reported up to the day
    last_day: dt.date | None = None
    last_received: dt.datetime | None = None
    days_silent: int | None = None
    targets: dict[str, tuple[int, dt.date | None]] = field(default_factory=dict)
    pct: dict[str, float | None] = field(default_factory=dict)
    met: dict[str, str | None] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None

    def status_text(self, on: dt.date) -> str:
        """The words shown instead of figures when there are none."""
        if self.cumul is None:
            return "Chưa từng báo cáo"
        if self.today is None:
            return f"Chưa có dữ liệu từ {vn_date(self.last_day)}"
        return ""


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


Agg = tuple[str, dict[str, int] | None, dt.date | None, dt.datetime | None, dict[str, int] | None]
_CACHE: dict[tuple[str, dt.date], tuple[Any, list[Agg]]] = {}


def _data_version(s: Session) -> Any:
    """Changes with every stored batch (rows are never deleted); one cheap query."""
    return tuple(s.execute(select(func.count(), func.max(Batch.received_at)).select_from(Batch)).one())


def aggregates(s: Session, on: dt.date, fresh: bool = False) -> list[Agg]:
    """Per commune: cumulative totals, last day and last arrival up to `on`, and the day's totals.

    Two grouped queries over report_villages (one row per report). The result is cached per (database,
    day) and reused while no new batch has been stored, so repeated views do not re-sum 200k reports.
    """
    key = (str(s.get_bind().url), on)
    version = _data_version(s)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == version and not fresh:
        return hit[1]
    rv = ReportVillage
    sums = [func.sum(getattr(rv, ind)) for ind in INDICATORS]
    out: dict[str, list[Any]] = {}
    cumul_q = (select(rv.commune_code, *sums, func.max(rv.day), func.max(rv.received_at))
               .where(rv.day <= on).group_by(rv.commune_code))
    for code, *vals in s.execute(cumul_q):
        out[code] = [code, {ind: int(v or 0) for ind, v in zip(INDICATORS, vals[:5], strict=True)},
                     _day(vals[5]), _utc(vals[6]), None]
    day_q = select(rv.commune_code, *sums).where(rv.day == on).group_by(rv.commune_code)
    for code, *vals in s.execute(day_q):
        if code in out:
            out[code][4] = {ind: int(v or 0) for ind, v in zip(INDICATORS, vals, strict=True)}
    result: list[Agg] = [tuple(v) for v in out.values()]  # type: ignore[misc]
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (version, result)
    return result


def province_rows(s: Session, on: dt.date, province: str | None = None, sort: str = "rank",
                  fresh: bool = False) -> list[Row]:
    """Every active commune (of one province if given) with its figures as of `on`."""
    q = select(Commune.code, Commune.name, Commune.province_code, Commune.province_name).where(Commune.active)
    if province:
        q = q.where(Commune.province_code == province)
    rows = {c: Row(c, n, pc, pn) for c, n, pc, pn in s.execute(q)}

    for code, cumul, last_day, last_received, today in aggregates(s, on, fresh):
        row = rows.get(code)
        if row is None:
            continue
        row.cumul, row.today = cumul, today
        row.last_day, row.last_received = last_day, last_received
        if last_day:
            row.days_silent = (on - last_day).days
    for code, ind, value, deadline in s.execute(select(Target.commune_code, Target.indicator, Target.value,
                                                       Target.deadline)):
        if code in rows:
            rows[code].targets[ind] = (int(value), _day(deadline))

    for row in rows.values():
        scores = []
        for ind in MAIN:
            target = row.targets.get(ind)
            if target is None:
                continue
            value, deadline = target
            if row.cumul is None:
                row.pct[ind], row.met[ind] = None, None
                continue
            have = row.cumul[ind]
            row.pct[ind] = 100.0 * have / value if value else 100.0
            if have >= value:
                row.met[ind] = MET
            else:
                row.met[ind] = MISSED if deadline and on > deadline else NOT_YET
            scores.append(row.pct[ind])
        row.score = sum(scores) / len(scores) if scores else None
    ranked = sorted((r for r in rows.values() if r.score is not None), key=lambda r: (-(r.score or 0), r.code))
    for i, r in enumerate(ranked, 1):
        r.rank = i
    return sort_rows(list(rows.values()), sort)


@lru_cache(maxsize=16384)
def sort_key(name: str) -> str:
    """Vietnamese alphabetical order (a ă â … đ …), cached: the same 3,321 names on every page view."""
    from desktop.vietnamese import sort_key as vn_key

    return vn_key(name)


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    big = 10**9
    if sort == "name":
        return sorted(rows, key=lambda r: sort_key(r.name))
    if sort == "code":
        return sorted(rows, key=lambda r: (len(r.code), r.code))
    if sort == "silent":  # longest silence first; never reported at the very top
        return sorted(rows, key=lambda r: (-(r.days_silent if r.days_silent is not None else big), r.code))
    if sort == "province":
        return sorted(rows, key=lambda r: (sort_key(r.province_name), sort_key(r.name)))
    return sorted(rows, key=lambda r: (r.rank if r.rank is not None else big, sort_key(r.name)))


def commune_days(s: Session, code: str, limit: int = 2000) -> list[ReportVillage]:
    q = (select(ReportVillage).where(ReportVillage.commune_code == code)
         .order_by(ReportVillage.day.desc(), ReportVillage.point_code).limit(limit))
    return list(s.scalars(q))

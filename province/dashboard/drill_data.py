"""Figures for the drill-down pages under a commune: per point and per village (from the stored
report_villages' breakdown_json, the laptops' own split of a report), and one laptop's reports. Every query is
bounded by the commune (and point or device) and a row limit, so a page never scans the province."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province.dashboard.data import MAIN, _day
from province.models import Device, ReportVillage

LIMIT = 2000  # report rows read for one page (about 5 years of one point's days)


@dataclass(slots=True)
class Place:
    """A point or a village: cumulative counts per main indicator."""

    key: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MAIN, 0))


def points(s: Session, code: str, on: dt.date) -> list[Place]:
    rv = ReportVillage
    q = (select(rv.point_code, *[func.sum(getattr(rv, i)) for i in MAIN])
         .where(rv.commune_code == code, rv.day <= on).group_by(rv.point_code).order_by(rv.point_code))
    return [Place(p, {i: int(v or 0) for i, v in zip(MAIN, vals, strict=True)}) for p, *vals in s.execute(q)]


def _add(into: dict[str, Place], key: str, counts: dict[str, int]) -> None:
    place = into.setdefault(key, Place(key))
    for ind in MAIN:
        place.counts[ind] += int(counts.get(ind, 0))


def villages(s: Session, code: str, on: dt.date, point: str | None = None) -> list[Place]:
    """Per village, the sum of the breakdowns of the commune's (or one point's) reports up to `on`."""
    rv = ReportVillage
    q = select(rv.breakdown_json).where(rv.commune_code == code, rv.day <= on)
    if point is not None:
        q = q.where(rv.point_code == point)
    out: dict[str, Place] = {}
    for (raw,) in s.execute(q.order_by(rv.day.desc()).limit(LIMIT * 5)):
        for village, counts in json.loads(raw or "{}").items():
            _add(out, village, counts)
    return sorted(out.values(), key=lambda p: p.key)


@dataclass(frozen=True, slots=True)
class DayLine:
    day: dt.date
    point: str
    device: str
    revision: int
    counts: dict[str, int]


def point_days(s: Session, code: str, point: str, on: dt.date) -> list[tuple[dt.date, dict[str, int]]]:
    """One point's figure per day (the sum of its laptops' reports), newest first."""
    rv = ReportVillage
    q = (select(rv.day, *[func.sum(getattr(rv, i)) for i in MAIN])
         .where(rv.commune_code == code, rv.point_code == point, rv.day <= on)
         .group_by(rv.day).order_by(rv.day.desc()).limit(LIMIT))
    return [(_day(d) or on, {i: int(v or 0) for i, v in zip(MAIN, vals, strict=True)}) for d, *vals in s.execute(q)]


def point_laptops(s: Session, code: str, point: str) -> list[str]:
    rv = ReportVillage
    q = select(rv.device_id).where(rv.commune_code == code, rv.point_code == point).distinct()
    return sorted(s.scalars(q))


def laptop_days(s: Session, code: str, device_id: str, on: dt.date) -> list[DayLine]:
    rv = ReportVillage
    q = (select(rv.day, rv.point_code, rv.device_id, rv.revision, *[getattr(rv, i) for i in MAIN])
         .where(rv.commune_code == code, rv.device_id == device_id, rv.day <= on)
         .order_by(rv.day.desc(), rv.point_code).limit(LIMIT))
    return [DayLine(_day(d) or on, p, dev, int(rev), {i: int(v or 0) for i, v in zip(MAIN, vals, strict=True)})
            for d, p, dev, rev, *vals in s.execute(q)]


def device(s: Session, code: str, device_id: str) -> Device | None:
    dev = s.get(Device, device_id)
    return dev if dev is not None and dev.commune_code == code else None


def totals_by(items: list[DayLine]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for it in items:
        for ind in MAIN:
            out[ind] += it.counts[ind]
    return dict(out)

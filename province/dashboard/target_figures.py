"""Figures of the target sets page: per commune and set "x/y — z%", met or not at the deadline and today, and
the projection (common.projection — the same rule as the laptop's progress screen): 7-day run rate, projected
date, "dự kiến trễ hạn", "không tiến triển N ngày", "đạt ngày 21/6".

x is the commune's cumulative count up to the day shown (the sum of its laptops' reports, as the province
table); y is the set's denominator for the commune (eligible citizens or population) when the file gave one,
else the target itself. Met means x reached the target; at the deadline, that it was reached by then. Points
have no population: they show counts only. `ranking` orders one set's communes by share (ties by count) with
their move since yesterday and 7 days ago.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import projection
from province.dashboard import stamped, target_window
from province.intake_rollups import shard
from province.models import Commune, CommuneDay, ReportVillage, TargetSet, TargetSetValue
from sync import indicators

MAIN = indicators.MAIN
BASIS_LABELS = {"eligible": "công dân đủ điều kiện", "population": "dân số", "": "chỉ tiêu"}


def vn_number(v: int) -> str:
    """56.873 (Vietnamese thousands separator)."""
    return f"{v:,}".replace(",", ".")


def vn_percent(x: int, y: int) -> str:
    """x of y as '98,83%': two decimals cut, never rounded up (99,996% shows 99,99%, so 100,00% means
    reached), decimal comma, thousands dot."""
    hundredths = x * 10000 // y
    return f"{vn_number(hundredths // 100)},{hundredths % 100:02d}%"


def fraction(x: int, y: int) -> str:
    """'56.873/57.543 — 98,83%'; without a denominator the count alone."""
    if y <= 0:
        return vn_number(x)
    return f"{vn_number(x)}/{vn_number(y)} — {vn_percent(x, y)}"


@dataclass(frozen=True, slots=True)
class SetFigure:
    """One commune in one target set, as of `on`."""

    set_id: int
    name: str
    indicator: str
    deadline: dt.date
    basis: str
    target: int
    denominator: int | None
    outlook: projection.Outlook
    on: dt.date

    @property
    def have(self) -> int:
        return self.outlook.cumulative

    @property
    def text(self) -> str:
        return fraction(self.have, self.denominator or self.target)

    @property
    def met_today(self) -> bool:
        return self.have >= self.target

    @property
    def met_at_deadline(self) -> bool | None:
        """Reached by the deadline; None while the deadline is still ahead and the target not reached."""
        reached = self.outlook.reached
        if reached is not None and reached <= self.deadline:
            return True
        return False if self.on > self.deadline else None


@dataclass(slots=True)
class CommuneSets:
    code: str
    name: str
    figures: list[SetFigure] = field(default_factory=list)
    points: dict[str, dict[str, int]] = field(default_factory=dict)  # point → indicator → cumulative count


def daily(s: Session, on: dt.date, codes: list[str] | None) -> dict[str, dict[str, dict[dt.date, int]]]:
    """commune → indicator → day → count, up to `on` (the per-day roll-up kept at intake, commune_days): every
    day of every commune, which the pages no longer read (target_window); kept as the reference the tests
    compare with."""
    cd = CommuneDay
    q = select(cd.commune_code, cd.day, *[getattr(cd, ind) for ind in MAIN]).where(cd.day <= on)
    if codes is not None:
        q = q.where(cd.commune_code.in_(codes))
    out: dict[str, dict[str, dict[dt.date, int]]] = {}
    for code, day, *vals in s.connection().execute(q):
        per = out.setdefault(code, {ind: {} for ind in MAIN})
        d = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        for ind, v in zip(MAIN, vals, strict=True):
            per[ind][d] = int(v or 0)
    return out


def sets(s: Session) -> list[TargetSet]:
    return list(s.scalars(select(TargetSet).order_by(TargetSet.deadline, TargetSet.name, TargetSet.indicator)))


def communes(s: Session, on: dt.date, province: str | None = None, code: str | None = None) -> list[CommuneSets]:
    """Every commune with a value in some set (of one province, or one commune), with its figures; the
    province-wide list kept in the process and rebuilt for the communes of the counter shards a report of a
    day up to `on` moved, wholly after an audited change (`stamped.kept_by_commune`; the outlook from
    `target_window`). The result is shared: callers read it, never change it."""
    if code:
        return _communes(s, on, province, code)
    kept = stamped.kept_by_commune(s, ("targets", on, province), on,
                                   lambda shards: {c.code: c for c in _communes(s, on, province, None, shards)},
                                   _in_order)
    return list(kept.values())


def _in_order(by_code: dict[str, CommuneSets]) -> dict[str, CommuneSets]:
    return dict(sorted(by_code.items(), key=lambda kv: (len(kv[0]), kv[0])))


def _communes(s: Session, on: dt.date, province: str | None, code: str | None,
              shards: frozenset[int] | None = None) -> list[CommuneSets]:
    """The communes (of one province, one commune, or the counter `shards` a delivery moved) with their sets."""
    by_id = {t.id: t for t in sets(s)}  # a few sets; their values read as plain rows (3,321 per set)
    order = {set_id: i for i, set_id in enumerate(by_id)}
    v = TargetSetValue
    q = (select(v.commune_code, v.set_id, v.value, v.denominator, Commune.name)
         .join(Commune, Commune.code == v.commune_code))
    if province:
        q = q.where(Commune.province_code == province)
    if code:
        q = q.where(Commune.code == code)
    rows = [r for r in s.connection().execute(q) if shards is None or shard(r[0]) in shards]
    rows.sort(key=lambda r: order[r[1]])
    codes = sorted({r[0] for r in rows})
    wants = [(commune, by_id[set_id].indicator, int(value)) for commune, set_id, value, _d, _n in rows]
    narrow = province or code or shards is not None
    found = target_window.histories(s.connection(), on, codes if narrow else None, wants)
    out: dict[str, CommuneSets] = {}
    for commune, set_id, value, denominator, name in rows:
        t = by_id[set_id]
        c = out.setdefault(commune, CommuneSets(commune, name))
        h = found.get(commune) or target_window.History({}, [], {})
        look = h.outlook(t.indicator, int(value), t.deadline, on)
        c.figures.append(SetFigure(t.id, t.name, t.indicator, t.deadline, t.basis, int(value), denominator,
                                   look, on))
    return sorted(out.values(), key=lambda c: (len(c.code), c.code))


def points(s: Session, code: str, on: dt.date) -> dict[str, dict[str, int]]:
    """point → indicator → cumulative count up to `on` (counts only: a point has no population)."""
    rv = ReportVillage
    q = (select(rv.point_code, *[func.sum(getattr(rv, ind)) for ind in MAIN])
         .where(rv.commune_code == code, rv.day <= on).group_by(rv.point_code).order_by(rv.point_code))
    return {p: {ind: int(v or 0) for ind, v in zip(MAIN, vals, strict=True)} for p, *vals in s.execute(q)}


@dataclass(frozen=True, slots=True)
class SetTotal:
    """A set over the province: the sum of its communes' counts against the sum of their denominators."""

    target_set: TargetSet
    have: int
    of: int
    met_today: int
    communes: int
    met_at_deadline: int | None  # None while the deadline is ahead

    @property
    def text(self) -> str:
        return fraction(self.have, self.of)


def totals(all_sets: list[TargetSet], rows: list[CommuneSets], on: dt.date) -> list[SetTotal]:
    out = []
    for t in all_sets:
        figs = [f for c in rows for f in c.figures if f.set_id == t.id]
        if not figs:
            continue
        at_deadline = None if on <= t.deadline else sum(1 for f in figs if f.met_at_deadline)
        out.append(SetTotal(t, sum(f.have for f in figs), sum(f.denominator or f.target for f in figs),
                            sum(1 for f in figs if f.met_today), len(figs), at_deadline))
    return out


def ranks(items: list[tuple[str, int, int]]) -> dict[str, int]:
    """code → place, from (code, count, denominator): by share of the denominator (exact, not the rounded
    percentage), ties by the larger count, then by code; places 1, 2, 3, … without gaps."""
    def key(item: tuple[str, int, int]) -> tuple[Fraction, int, int, str]:
        code, x, y = item
        return (-Fraction(x, y) if y > 0 else Fraction(0), -x, len(code), code)

    return {code: i for i, (code, _x, _y) in enumerate(sorted(items, key=key), 1)}


def move(before: int | None, now: int) -> str:
    """'↑3' (up three places), '↓2', '=' or '' when the commune had no place then."""
    if before is None:
        return ""
    if before == now:
        return "="
    return f"↑{before - now}" if before > now else f"↓{now - before}"


@dataclass(frozen=True, slots=True)
class Ranked:
    place: int
    code: str
    name: str
    figure: SetFigure
    since_yesterday: str
    since_week: str


def _places(s: Session, set_id: int, on: dt.date, province: str | None) -> tuple[dict[str, int], list[CommuneSets]]:
    rows = communes(s, on, province)
    figs = [(c.code, f) for c in rows for f in c.figures if f.set_id == set_id]
    return ranks([(code, f.have, f.denominator or f.target) for code, f in figs]), rows


def ranking(s: Session, set_id: int, on: dt.date, province: str | None = None) -> list[Ranked]:
    """The communes of one set in order, with their move since yesterday and since 7 days ago (recomputed
    from the reports as they stand now)."""
    now, rows = _places(s, set_id, on, province)
    yesterday, _ = _places(s, set_id, on - dt.timedelta(days=1), province)
    week, _ = _places(s, set_id, on - dt.timedelta(days=7), province)
    figure = {c.code: (c.name, f) for c in rows for f in c.figures if f.set_id == set_id}
    return [Ranked(place, code, figure[code][0], figure[code][1], move(yesterday.get(code), place),
                   move(week.get(code), place)) for code, place in sorted(now.items(), key=lambda kv: kv[1])]

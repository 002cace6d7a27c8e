"""Rankings kept as published. `publish` (the `rankings publish` command, run by a timer at the day's
cut-off) ranks every target set's communes on the figures as they stand then (target_figures.ranks: by share,
ties by count) and stores the places; a day already published is left as it is (idempotent: a second run,
or a timer firing twice, changes nothing). `board` reads a published day back with the move since the
published yesterday and the published day 7 days before (↑3 / ↓2; blank when that day was not published),
and marks "đã điều chỉnh" where the live figure now differs from the published one (a late or corrected
report) — the published place is never rewritten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import workdays
from province.admin import audit, now
from province.dashboard import target_figures as tf
from province.models import Commune, CommuneGroup, PublishedRank

ADJUSTED = "đã điều chỉnh"


def default_day(at: dt.datetime, cutoff: dt.time) -> dt.date:
    """The day a timer run at `at` publishes: today (Vietnam) once its cut-off has passed, else yesterday."""
    local = at.astimezone(workdays.VN_TZ)
    return local.date() if local.time() >= cutoff else local.date() - dt.timedelta(days=1)


def publish(s: Session, day: dt.date) -> dict[int, int | None]:
    """set id → communes ranked now, or None when that set's day was published before (left untouched)."""
    done = set(s.scalars(select(PublishedRank.set_id).where(PublishedRank.day == day).distinct()))
    rows = tf.communes(s, day)
    at = now()
    out: dict[int, int | None] = {}
    for t in tf.sets(s):
        if t.id in done:
            out[t.id] = None
            continue
        figs = {c.code: f for c in rows for f in c.figures if f.set_id == t.id}
        places = tf.ranks([(code, f.have, f.denominator or f.target) for code, f in figs.items()])
        for code, place in places.items():
            f = figs[code]
            s.add(PublishedRank(day=day, set_id=t.id, commune_code=code, place=place, have=f.have,
                                of=f.denominator or f.target, target=f.target, published_at=at))
        out[t.id] = len(places)
        if places:
            audit(s, "admin", "rankings.publish", None, day=day.isoformat(), set_id=t.id, communes=len(places))
    return out


@dataclass(frozen=True, slots=True)
class Place:
    place: int
    code: str
    name: str
    province_code: str
    have: int
    of: int
    target: int
    since_yesterday: str
    since_week: str
    live: int | None  # today's figure for the same day when it differs from the published one

    @property
    def text(self) -> str:
        return tf.fraction(self.have, self.of)

    @property
    def met(self) -> bool:
        return self.have >= self.target

    @property
    def adjusted(self) -> bool:
        return self.live is not None


def _places(s: Session, set_id: int, day: dt.date) -> dict[str, int]:
    q = select(PublishedRank.commune_code, PublishedRank.place).where(PublishedRank.day == day,
                                                                      PublishedRank.set_id == set_id)
    return {code: place for code, place in s.connection().execute(q)}


def board(s: Session, set_id: int, day: dt.date, group: str | None = None) -> list[Place]:
    """The published ranking of one set for one day (empty: not published), optionally one group's communes."""
    pr = PublishedRank
    q = (select(pr.commune_code, pr.place, pr.have, pr.of, pr.target, Commune.name, Commune.province_code)
         .join(Commune, Commune.code == pr.commune_code)
         .where(pr.day == day, pr.set_id == set_id).order_by(pr.place))  # plain rows: 3,321 of them a set
    if group:
        q = q.join(CommuneGroup, CommuneGroup.commune_code == pr.commune_code).where(CommuneGroup.group_name == group)
    rows = s.connection().execute(q).all()
    if not rows:
        return []
    yesterday = _places(s, set_id, day - dt.timedelta(days=1))
    week = _places(s, set_id, day - dt.timedelta(days=7))
    live = {f.commune_code: f.have for f in _live(s, set_id, day, [r[0] for r in rows])}
    return [Place(place, code, name, prov, have, of, target,
                  tf.move(yesterday.get(code), place), tf.move(week.get(code), place),
                  live[code] if live.get(code, have) != have else None)
            for code, place, have, of, target, name, prov in rows]


@dataclass(frozen=True, slots=True)
class _Live:
    commune_code: str
    have: int


def _live(s: Session, set_id: int, day: dt.date, codes: list[str]) -> list[_Live]:
    """The set's cumulative figure as of the day as it stands now: the target sets' figures, kept per commune
    shard (target_figures.communes; the same roll-ups as dashboard/asof.py), so the page does not re-sum
    every commune's months on each view."""
    have = {c.code: f.have for c in tf.communes(s, day) for f in c.figures if f.set_id == set_id}
    return [_Live(code, have.get(code, 0)) for code in codes]


def published_days(s: Session, set_id: int, limit: int = 60) -> list[dt.date]:
    q = (select(PublishedRank.day).where(PublishedRank.set_id == set_id).distinct()
         .order_by(PublishedRank.day.desc()).limit(limit))
    return list(s.scalars(q))


def groups(s: Session) -> list[str]:
    return list(s.scalars(select(CommuneGroup.group_name).distinct().order_by(CommuneGroup.group_name)))

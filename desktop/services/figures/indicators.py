"""The one place that turns status events into indicator counts (day close, printing, progress, counters).

Which indicators exist, the event each counts and their words are defined once, in `sync/indicators.py`;
this module counts whatever that registry holds.

Rule: a citizen counts once per indicator per day. Two `attended` events for the same person on the same
day are one attendance; the same person attending on two days counts on each day. Cumulative figures are
the sum of the daily figures, so they always agree with the daily reports the province adds up.

Every (citizen, day, indicator) belongs to exactly one point's figures: the point of the first such event
that day (by time, then by record order), or, when that event was recorded without a point (an activation
on the citizen's own phone), the commune's "không theo điểm" bucket (`point_id=NO_POINT`). So a person seen
at two points on one day counts at the first one, and the points plus the bucket always add up to the
commune's figures, day by day and indicator by indicator.

Several laptops (docs/peer-sync.md "Day close across laptops"): the first event is chosen among
every event this register holds, whichever laptop recorded it, ordered by (occurred_at, gid) — the global
id, the same on every laptop, never the local row id. A laptop's day close (`origin=`) counts a (citizen,
day, indicator) only when that first event is its own: once the laptops have synced, exactly one of them
(the owner of the earliest event) counts it, so the province's sum of laptops equals the merged register.

An undone check-in mark (a compensating `undo` event names it: services/scheduling/undo.py) counts nowhere,
and the `undo` event is no indicator.

Every count is one grouped SQL query over `status_events` (index on occurred_on, point_id, event_type).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Result, Select, and_, distinct, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.models import Citizen, StatusEvent
from desktop.storage.connect import driver_connection
from sync import indicators as registry

_Select = TypeVar("_Select", bound="Select[*tuple[Any, ...]]")  # any select: _scope adds a WHERE

# point_id selecting the events recorded without a point: the commune's "không theo điểm" bucket.
NO_POINT = -1
# The registry (sync/indicators.py) defines the indicators; these names are kept for the callers here.
INDICATORS: tuple[str, ...] = registry.KEYS
INDICATOR_LABELS_VI: dict[str, str] = {i.key: i.vi for i in registry.REGISTRY}
INDICATOR_LABELS_EN: dict[str, str] = {i.key: i.en for i in registry.REGISTRY}


def zeros() -> dict[str, int]:
    """Every indicator at zero, in registry order."""
    return registry.zeros()


def label(indicator: str, lang: str = "vi") -> str:
    return registry.label(indicator, lang)


def _key(event_type: str) -> str:
    """The indicator an event counts for (the query only selects events of the registry)."""
    return registry.EVENT_TO_KEY[event_type]


@dataclass(frozen=True, slots=True)
class DayCounts:
    """One day's figures: totals, and per village (display name) for villages with any activity."""

    totals: dict[str, int]
    by_village: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def any_activity(self) -> bool:
        return any(self.totals.values())


def _scope(q: _Select, day_from: dt.date | None, day_to: dt.date, point_id: int | None,
           origin: str | tuple[str, ...] | None = None) -> _Select:
    conds = [StatusEvent.event_type.in_(registry.EVENTS), StatusEvent.occurred_on <= day_to, _not_undone(StatusEvent)]
    if origin is not None:  # one laptop's own events (day close across laptops): copies from peers have theirs
        # A successor also counts the events of the laptop it replaced (desktop/services/province_link/succession.py).
        origins = (origin,) if isinstance(origin, str) else origin
        conds.append(or_(StatusEvent.origin.is_(None), StatusEvent.origin.in_(origins)))
    if day_from is not None:
        conds.append(StatusEvent.occurred_on >= day_from)
    if point_id is not None:
        conds.append(StatusEvent.point_id.is_(None) if point_id == NO_POINT else StatusEvent.point_id == point_id)
    if point_id is not None or origin is not None:
        # The first event of its (citizen, day, indicator) among ALL events held, any origin (module doc).
        # Ties on occurred_at break by gid (the same on every laptop); an event not stamped yet (gid NULL:
        # recorded here since the last sync, always stamped before another laptop's event is applied) sorts
        # as '' and then by row id, which only ever compares it with other local events.
        first = aliased(StatusEvent)
        fg, eg = func.coalesce(first.gid, ""), func.coalesce(StatusEvent.gid, "")
        conds.append(~exists().where(
            first.citizen_id == StatusEvent.citizen_id, first.occurred_on == StatusEvent.occurred_on,
            first.event_type == StatusEvent.event_type, _not_undone(first),
            or_(first.occurred_at < StatusEvent.occurred_at,
                and_(first.occurred_at == StatusEvent.occurred_at,
                     or_(fg < eg, and_(fg == eg, first.id < StatusEvent.id)))),
        ))
    return q.where(and_(*conds))


def _not_undone(ev: Any) -> Any:
    """No `undo` event names this event: an undone mark counts nowhere (and the undo is no indicator)."""
    undo = aliased(StatusEvent)
    return ~exists().where(undo.undoes_id == ev.id)


# The same rules in raw SQL over `status_events e` (count_until_by_village).
_NOT_UNDONE_SQL = "NOT EXISTS (SELECT 1 FROM status_events u WHERE u.undoes_id = {t}.id)"
_FIRST_OF_DAY_SQL = (
    "NOT EXISTS (SELECT 1 FROM status_events f WHERE f.citizen_id = e.citizen_id AND f.occurred_on = e.occurred_on "
    "AND f.event_type = e.event_type AND " + _NOT_UNDONE_SQL.format(t="f") + " AND (f.occurred_at < e.occurred_at OR (f.occurred_at = e.occurred_at "
    "AND (coalesce(f.gid, '') < coalesce(e.gid, '') OR (coalesce(f.gid, '') = coalesce(e.gid, '') "
    "AND f.id < e.id)))))"
)


def count_day(session: Session, day: dt.date, point_id: int | None = None, *,
              origin: str | tuple[str, ...] | None = None) -> DayCounts:
    """The day's indicators, in total and per village, every indicator present (zeros included).

    `origin`: only the events that laptop recorded (its day close); None counts the whole register."""
    q = _scope(
        select(
            StatusEvent.event_type, Citizen.village_key, func.max(Citizen.village),
            func.count(distinct(StatusEvent.citizen_id)),
        ).join(Citizen, Citizen.id == StatusEvent.citizen_id),
        day, day, point_id, origin,
    ).group_by(StatusEvent.event_type, Citizen.village_key)
    totals = zeros()
    by_key: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for ev, vkey, vname, n in session.execute(q):
        totals[_key(ev)] += n
        key = vkey or ""
        names.setdefault(key, vname or "")
        by_key.setdefault(key, zeros())[_key(ev)] += n
    by_village: dict[str, dict[str, int]] = {}
    for key, counts in by_key.items():
        bucket = by_village.setdefault(names[key], zeros())
        for k, v in counts.items():
            bucket[k] += v
    return DayCounts(totals, by_village)


def _per_day(session: Session, day_to: dt.date, point_id: int | None) -> Result[dt.date, str, int]:
    """(day, indicator, distinct citizens) rows up to `day_to`: the de-duplication rule in SQL."""
    return session.execute(
        _scope(
            select(StatusEvent.occurred_on, StatusEvent.event_type, func.count(distinct(StatusEvent.citizen_id))),
            None, day_to, point_id,
        ).group_by(StatusEvent.occurred_on, StatusEvent.event_type)
    )


def count_until(session: Session, day: dt.date, point_id: int | None = None) -> dict[str, int]:
    """Cumulative indicators from the first event up to and including `day` (sum of the daily figures)."""
    out = zeros()
    for _day, ev, n in _per_day(session, day, point_id):
        out[_key(ev)] += n
    return out


def daily_until(session: Session, day: dt.date, point_id: int | None = None) -> dict[str, dict[dt.date, int]]:
    """Indicator → day → count, every day with events up to and including `day` (the query of count_until),
    for the projection rule (common.projection: pace, date reached, stall)."""
    out: dict[str, dict[dt.date, int]] = {k: {} for k in INDICATORS}
    for d, ev, n in _per_day(session, day, point_id):
        per = out[_key(ev)]
        per[d] = per.get(d, 0) + n
    return out


# Above this many events the per-village join is driven from the citizens' village index (one sequential
# pass, probing events by citizen) instead of looking each event's citizen up at random.
_CITIZEN_DRIVEN_FROM = 20_000


def count_until_by_village(
    session: Session, day: dt.date, point_id: int | None = None
) -> dict[str, dict[str, int]]:
    """Cumulative indicators per village key (villages without any activity are absent)."""
    params: dict[str, object] = {"day": day.isoformat()}
    events = registry.EVENTS
    cond = "e.occurred_on <= :day AND e.event_type IN (" + ", ".join(f":i{n}" for n in range(len(events))) + ")"
    cond += " AND " + _NOT_UNDONE_SQL.format(t="e")
    params.update({f"i{n}": k for n, k in enumerate(events)})
    if point_id == NO_POINT:
        cond += f" AND e.point_id IS NULL AND {_FIRST_OF_DAY_SQL}"
    elif point_id is not None:
        cond += f" AND e.point_id = :point AND {_FIRST_OF_DAY_SQL}"
        params["point"] = point_id
    raw = driver_connection(session)
    n_events = raw.execute(f"SELECT count(*) FROM status_events e WHERE {cond}", params).fetchone()[0]
    if n_events >= _CITIZEN_DRIVEN_FROM:
        source = "citizens c CROSS JOIN status_events e ON e.citizen_id = c.id"
    else:
        source = "status_events e CROSS JOIN citizens c ON c.id = e.citizen_id"
    sql = (
        f"SELECT e.event_type, c.village_key, e.occurred_on, count(DISTINCT e.citizen_id) FROM {source} "
        f"WHERE {cond} GROUP BY 1, 2, 3"
    )
    out: dict[str, dict[str, int]] = {}
    for ev, vkey, _day, n in raw.execute(sql, params):
        out.setdefault(vkey or "", zeros())[_key(ev)] += n
    return out


def count_day_by_village_key(session: Session, day: dt.date, point_id: int | None = None) -> dict[str, dict[str, int]]:
    """The day's indicators per village key (for joining with per-village denominators)."""
    q = _scope(
        select(StatusEvent.event_type, Citizen.village_key, func.count(distinct(StatusEvent.citizen_id)))
        .join(Citizen, Citizen.id == StatusEvent.citizen_id),
        day, day, point_id,
    ).group_by(StatusEvent.event_type, Citizen.village_key)
    out: dict[str, dict[str, int]] = {}
    for ev, vkey, n in session.execute(q):
        out.setdefault(vkey or "", zeros())[_key(ev)] = n
    return out


def daily_series(
    session: Session, day_from: dt.date, day_to: dt.date, point_id: int | None = None
) -> list[tuple[dt.date, dict[str, int]]]:
    """One (day, indicators) pair for every day from `day_from` to `day_to`, zeros on quiet days."""
    if day_to < day_from:
        return []
    q = _scope(
        select(StatusEvent.occurred_on, StatusEvent.event_type, func.count(distinct(StatusEvent.citizen_id))),
        day_from, day_to, point_id,
    ).group_by(StatusEvent.occurred_on, StatusEvent.event_type)
    by_day: dict[dt.date, dict[str, int]] = {}
    for day, ev, n in session.execute(q):
        by_day.setdefault(day, zeros())[_key(ev)] = n
    out = []
    d = day_from
    while d <= day_to:
        out.append((d, by_day.get(d, zeros())))
        d += dt.timedelta(days=1)
    return out


def active_days(session: Session, day: dt.date, n: int, point_id: int | None = None) -> list[dt.date]:
    """The last `n` days up to `day` on which any indicator event was recorded (newest first)."""
    q = _scope(select(StatusEvent.occurred_on).distinct(), None, day, point_id)
    q = q.order_by(StatusEvent.occurred_on.desc()).limit(n)
    return list(session.scalars(q))

"""Results of province-wide views kept in the process until anything they read may have changed. The stamp is
the sum of `intake_counters` (province/models/rollups.py), which every audited change (day codes, targets,
calendar, devices) bumps in its own transaction, the sum of `day_counters`, which an intake bumps for each day
whose figures it changed, and the hub's date. A view of the figures as of a day (`upto`) sums only the day
counters up to that day: yesterday's table, read at the committee's meeting while today's reports arrive,
stays kept; a late report of yesterday recomputes it. The stamp is read before the result is computed, so a
result is never kept under a stamp newer than its data: a commit between the two reads leaves the newer data
under the older stamp, and the next view computes again.

(The first stamp — the latest arrival and row count of commune_freshness and phone_reports — missed a new
report on a real hub: a delivery whose arrival time was older than the latest already stored, committed after
it, left both unchanged; tests/province/test_rollups.py shows a view following each new report.)"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province.intake_rollups import shard
from province.models import DayCounter, IntakeCounter
from province.models.rollups import COUNTER_SHARDS

T = TypeVar("T")
KEEP = True  # False: every view computes (bench/bench_hub.py measures both)
PARTIAL_SHARDS = 4  # more shards moved than this (≈ 830 communes of 3,321): every commune is rebuilt (IN lists stay short)
SIZE = 32  # kept results per process (days × provinces × pages viewed); cleared when full
_KEPT: dict[Hashable, tuple[Any, Any]] = {}
_LOCK = threading.Lock()


_VN = dt.timezone(dt.timedelta(hours=7))  # the hub's date is Vietnam's (dashboard/data.py hub_today)


def stamp(s: Session, upto: dt.date | None = None) -> tuple[Any, ...]:
    """What changes when anything a view reads may have: every day's counters, or only those up to `upto`."""
    conn = s.connection()
    days = select(func.sum(DayCounter.value))
    if upto is not None:
        days = days.where(DayCounter.day <= upto)
    return (conn.execute(select(func.sum(IntakeCounter.value))).scalar(), conn.execute(days).scalar(),
            dt.datetime.now(_VN).date())


def kept(s: Session, key: Hashable, compute: Callable[[], T], upto: dt.date | None = None) -> T:
    """compute() once per key until the stamp changes; `upto`: the result reads no report of a later day."""
    if not KEEP:
        return compute()
    now = stamp(s, upto)
    key = (str(s.connection().engine.url), key)  # one process may serve (or test) several databases
    with _LOCK:
        hit = _KEPT.get(key)
    if hit is not None and hit[0] == now:
        return hit[1]
    value = compute()
    with _LOCK:
        if len(_KEPT) >= SIZE:
            _KEPT.clear()
        _KEPT[key] = (now, value)
    return value


Shards = frozenset[int]


def shard_stamp(s: Session, upto: dt.date) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    """(what every commune's rows depend on: the audited changes' counter and the date; the day counters up to
    `upto` per commune shard): an intake bumps only its commune's shard."""
    conn = s.connection()
    per = [0] * COUNTER_SHARDS
    for part, value in conn.execute(select(DayCounter.shard, func.sum(DayCounter.value))
                                    .where(DayCounter.day <= upto).group_by(DayCounter.shard)):
        per[int(part)] = int(value)
    return (conn.execute(select(func.sum(IntakeCounter.value))).scalar(), dt.datetime.now(_VN).date()), tuple(per)


def kept_by_commune(s: Session, key: Hashable, upto: dt.date, build: Callable[[Shards | None], dict[str, T]],
                    finish: Callable[[dict[str, T]], dict[str, T]],
                    shard_of: Callable[[str], int] = shard) -> dict[str, T]:
    """Per-commune results of the figures as of `upto`, kept until they may have changed, and rebuilt only for
    the communes whose shard's day counters moved (a day's deliveries touch a few shards between two views):
    `build(None)` makes every commune's, `build(shards)` those of the communes in `shards`; `finish` (the
    ranking) runs over the merged whole before it is kept. Anything audited rebuilds everything. The keys are
    commune codes, or anything `shard_of` places in a shard (the trend keeps one partial sum per shard)."""
    if not KEEP:
        return finish(build(None))
    common, shards = shard_stamp(s, upto)
    key = (str(s.connection().engine.url), "by_commune", key)
    with _LOCK:
        hit = _KEPT.get(key)
    moved = frozenset(range(COUNTER_SHARDS))
    if hit is not None and hit[0][0] == common:
        moved = frozenset(i for i, (a, b) in enumerate(zip(hit[0][1], shards, strict=True)) if a != b)
        if not moved:
            kept: dict[str, T] = hit[1]
            return kept
    if hit is not None and len(moved) <= PARTIAL_SHARDS:
        merged = {k: v for k, v in hit[1].items() if shard_of(k) not in moved}
        merged.update(build(moved))
        value = finish(merged)
    else:
        value = finish(build(None))
    with _LOCK:
        if len(_KEPT) >= SIZE:
            _KEPT.clear()
        _KEPT[key] = ((common, shards), value)
    return value

"""Results of province-wide views kept in the process until anything they read may have changed. The stamp is
the sum of `intake_counters` (province/models/rollups.py), which every intake and every audited change (day
codes, targets, calendar, devices) bumps in its own transaction, and the hub's date. It is read before the
result is computed, so a result is never kept under a stamp newer than its data: a commit between the two
reads leaves the newer data under the older stamp, and the next view computes again.

(The first stamp — the latest arrival and row count of commune_freshness and phone_reports — missed a new
report on a real hub: a delivery whose arrival time was older than the latest already stored, committed after
it, left both unchanged; tests/province/test_rollups.py shows a view following each new report.)"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province.dashboard.data import hub_today
from province.models import IntakeCounter

T = TypeVar("T")
KEEP = True  # False: every view computes (bench/bench_hub.py measures both)
SIZE = 32  # kept results per process (days × provinces × pages viewed); cleared when full
_KEPT: dict[Hashable, tuple[Any, Any]] = {}
_LOCK = threading.Lock()


def stamp(s: Session) -> tuple[Any, ...]:
    return (s.connection().execute(select(func.sum(IntakeCounter.value))).scalar(), hub_today())


def kept(s: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per key until the stamp changes."""
    if not KEEP:
        return compute()
    now = stamp(s)
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

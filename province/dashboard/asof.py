"""A past day's figures from the roll-ups intake keeps (province/models/rollups.py), never from the reports:
a commune's cumulative figures, last day and latest arrival as of `on` are its months before `on`'s month
(commune_months: ≤ 12 rows a year per commune) plus its days of that month up to `on` (commune_days: ≤ 31);
a laptop's last day and arrival the same from device_months plus, for the laptops that reported later in
`on`'s month, their reports of that month up to `on` (by the (device, day) index)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.engine import Connection

from province.models import CommuneDay, CommuneMonth, DeviceMonth, ReportVillage
from sync.protocol import INDICATORS

AsOf = tuple[list[int], Any, Any]  # (sums in INDICATORS order, last day, latest arrival) as the driver gives them
_BIG_IN = 1000  # above this many codes, read every commune and filter here


def _merge(into: dict[str, list[Any]], key: str, sums: Iterable[Any], last: Any, recv: Any) -> None:
    have = into.get(key)
    vals = [int(v or 0) for v in sums]
    if have is None:
        into[key] = [vals, last, recv]
        return
    have[0] = [a + b for a, b in zip(have[0], vals, strict=True)]
    have[1] = max(have[1], last) if have[1] is not None and last is not None else (have[1] or last)
    have[2] = max(have[2], recv) if have[2] is not None and recv is not None else (have[2] or recv)


def communes(conn: Connection, on: dt.date, codes: list[str] | None = None) -> dict[str, AsOf]:
    """commune → (cumulative sums, last day, latest arrival) over its signed reports of days ≤ `on`; summed in
    SQL (one row per commune from each roll-up), the dates left as the driver gives them until compared."""
    start = on.replace(day=1)
    cm, cd = CommuneMonth, CommuneDay
    mq = (select(cm.commune_code, *(func.sum(getattr(cm, i)) for i in INDICATORS), type_coerce(func.max(cm.last_day), String),
                 type_coerce(func.max(cm.last_received_at), String))
          .where(cm.month < start).group_by(cm.commune_code))
    dq = (select(cd.commune_code, *(func.sum(getattr(cd, i)) for i in INDICATORS), type_coerce(func.max(cd.day), String),
                 type_coerce(func.max(cd.last_received_at), String))
          .where(cd.day >= start, cd.day <= on).group_by(cd.commune_code))
    if codes is not None and len(codes) <= _BIG_IN:
        mq, dq = mq.where(cm.commune_code.in_(codes)), dq.where(cd.commune_code.in_(codes))
    out: dict[str, list[Any]] = {}
    n = len(INDICATORS)
    for q in (mq, dq):
        for code, *rest in conn.execute(q):
            _merge(out, code, rest[:n], rest[n], rest[n + 1])  # SQLite: ISO text; PostgreSQL: dates
    want = None if codes is None else set(codes)
    return {k: (v[0], v[1], v[2]) for k, v in out.items() if want is None or k in want}


def day_sums(conn: Connection, on: dt.date, codes: list[str] | None = None) -> dict[str, list[int]]:
    """commune → its signed figures of the day `on` (a commune with no report that day is absent)."""
    cd = CommuneDay
    q = select(cd.commune_code, *(getattr(cd, i) for i in INDICATORS)).where(cd.day == on)
    if codes is not None and len(codes) <= _BIG_IN:
        q = q.where(cd.commune_code.in_(codes))
    want = None if codes is None else set(codes)
    return {code: [int(v or 0) for v in vals] for code, *vals in conn.execute(q) if want is None or code in want}


def devices(conn: Connection, on: dt.date, codes: list[str] | None = None) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(device, commune) → (last day, latest arrival) over its signed reports of days ≤ `on`."""
    start = on.replace(day=1)
    dm, rv = DeviceMonth, ReportVillage
    before = (select(dm.device_id, dm.commune_code, func.max(dm.last_day), func.max(dm.last_received_at))
              .where(dm.month < start).group_by(dm.device_id, dm.commune_code))
    this = select(dm.device_id, dm.commune_code, dm.last_day, dm.last_received_at).where(dm.month == start)
    if codes is not None and len(codes) <= _BIG_IN:
        before, this = before.where(dm.commune_code.in_(codes)), this.where(dm.commune_code.in_(codes))
    out: dict[tuple[str, str], list[Any]] = {}
    for dev, code, last, recv in conn.execute(before):
        _merge(out, (dev, code), (), last, recv)  # type: ignore[arg-type]
    # Reported after `on` within its month: its reports of the month up to `on` decide. A laptop belongs to one
    # commune, so the commune comes from its month's row and the query stays on the (device, day, received_at)
    # index alone (naming commune_code cost a table read per report: 84 → 33 ms late in a month, 3,321 laptops).
    detail: dict[str, str] = {}
    for dev, code, last, recv in conn.execute(this):
        if last > on:
            detail[dev] = code
            continue
        _merge(out, (dev, code), (), last, recv)  # type: ignore[arg-type]
    late = list(detail)
    for i in range(0, len(late), 500):
        q = (select(rv.device_id, func.max(rv.day), func.max(rv.received_at))
             .where(rv.device_id.in_(late[i:i + 500]), rv.day >= start, rv.day <= on)
             .group_by(rv.device_id))
        for dev, last, recv in conn.execute(q):
            _merge(out, (dev, detail[dev]), (), last, recv)  # type: ignore[arg-type]
    want = None if codes is None else set(codes)
    return {k: (v[1], v[2]) for k, v in out.items() if want is None or k[1] in want}

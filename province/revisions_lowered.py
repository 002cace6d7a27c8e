"""Signed revisions that lower an earlier signed revision: the hub keeps one revision per (laptop, point, day),
so once revision 2 replaces revision 1 the lower figure is all that is left and the cumulative figure people
saw went down without a trace. Intake notes each such replacement in the batch's own audit line (its
`detail` JSON, key "lowered", written in the same statement as the reports: nothing new to lock, migrate or
keep in step), and the "Cần kiểm tra" page reads those lines back (`lowered_since`).

Only a replacement of a revision stored before the batch counts (a batch carrying revisions 1 and 2 of one
report never showed revision 1 to anyone). Bounded: at most MAX_KEPT entries per batch, the rest counted."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.models import AuditEntry
from sync.protocol import INDICATORS

KEY = "lowered"  # the key of the batch audit line's detail
MAX_KEPT = 50  # entries per batch; a batch lowering more says how many more


def entry(point: str, day: dt.date, old_revision: int, new_revision: int, old: Sequence[int],
          new: Sequence[int]) -> dict[str, Any] | None:
    """The note for one replacement, or None when no indicator went down."""
    down = {ind: [int(o), int(n)] for ind, o, n in zip(INDICATORS, old, new, strict=True) if n < o}
    if not down:
        return None
    return {"point": point, "day": day.isoformat(), "from": old_revision, "to": new_revision, "down": down}


def detail_part(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """What the batch's audit detail gains: nothing when no revision lowered another."""
    if not entries:
        return {}
    part: dict[str, Any] = {KEY: entries[:MAX_KEPT]}
    if len(entries) > MAX_KEPT:
        part[KEY + "_more"] = len(entries) - MAX_KEPT
    return part


@dataclass(frozen=True, slots=True)
class Lowered:
    """One indicator of one (laptop, point, day) lowered by a later signed revision."""

    commune_code: str
    device_id: str
    point: str
    day: dt.date
    indicator: str
    old_revision: int
    new_revision: int
    before: int
    after: int
    at: dt.datetime


def lowered_since(s: Session, start: dt.datetime, end: dt.datetime) -> Iterator[Lowered]:
    """The lowerings that arrived in [start, end) (by the audit's time index; only batch lines that carry
    the key are parsed)."""
    a = AuditEntry
    q = (select(a.at, a.actor, a.commune_code, a.detail)
         .where(a.at >= start, a.at < end, a.action.like("batch.%"), a.detail.like(f'%"{KEY}"%')))
    for at, actor, commune, detail in s.execute(q):
        try:
            notes = json.loads(detail).get(KEY) or []
        except (ValueError, AttributeError):
            continue
        device = actor.removeprefix("device:")
        for n in notes:
            for ind, (before, after) in n["down"].items():
                yield Lowered(commune or "", device, n["point"], dt.date.fromisoformat(n["day"]), ind,
                              int(n["from"]), int(n["to"]), int(before), int(after), at)

"""A closed day's stored counts (`Counts`, as JSON in `day_reports`) and their wire form (`report_of`).

Its own module because both the day close (which writes reports) and the outbox (which sends them) need
it, and the day close also queues into the outbox: keeping it here leaves no import circle between them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from desktop.models import DayReport
from sync.protocol import INDICATORS, Report


@dataclass(frozen=True, slots=True)
class Counts:
    totals: dict[str, int]
    by_village: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"totals": self.totals, "by_village": self.by_village}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Counts:
        data = json.loads(text)
        return cls(full_counts(data.get("totals", {})), {v: full_counts(c) for v, c in data.get("by_village", {}).items()})


def full_counts(counts: dict[str, int]) -> dict[str, int]:
    """Every protocol indicator, zeros included, as int."""
    return {k: int(counts.get(k, 0)) for k in INDICATORS}


def report_of(row: DayReport, commune_code: str) -> Report:
    """The wire form of one stored revision (counts only)."""
    counts = Counts.from_json(row.totals_json)
    return Report(
        commune_code=commune_code,
        point_code=row.point_code,
        day=row.day,
        revision=row.revision,
        closed_at=row.closed_at.replace(tzinfo=dt.UTC),
        totals=counts.totals,
        by_village=counts.by_village,
    )

"""What a province hub forwards besides its figures (roll-up format 2): per commune and working day, its
live laptops and how each first reported the day — on time or late by channel, or missing — read from the
province's own arrivals (province.dashboard.completeness, the steering view's numbers), and its targets.

Completeness is recomputed for the last WINDOW_DAYS days only (a late arrival older than that is not
forwarded again); an older day keeps what was forwarded. Targets: per commune and indicator the one a laptop
is given today (province.target_sets.for_laptop: the nearest open deadline, else the single target)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import target_sets
from province.dashboard.completeness import LATE, ON_TIME, completeness
from province.models import Commune
from province.national import rollup
from sync import indicators
from sync.protocol import canonical_json

WINDOW_DAYS = 31


def digest(doc: Any) -> str:
    return hashlib.sha256(canonical_json(doc)).hexdigest()


def completeness_rows(s: Session, province: str, today: dt.date,
                      days: int = WINDOW_DAYS) -> dict[tuple[str, dt.date], tuple[int, ...]]:
    """(commune, day) → the row's completeness, for the working days of the window up to today."""
    out: dict[tuple[str, dt.date], tuple[int, ...]] = {}
    for back in range(days):
        on = today - dt.timedelta(days=back)
        found = completeness(s, on, province)
        for c in found.communes:
            on_time: dict[str, int] = {}
            late: dict[str, int] = {}
            for lap in c.laptops:
                if lap.status in (ON_TIME, LATE):
                    into = on_time if lap.status == ON_TIME else late
                    into[lap.channel] = into.get(lap.channel, 0) + 1
            missing = len(c.laptops) - sum(on_time.values()) - sum(late.values())
            out[(c.code, on)] = rollup.completeness(len(c.laptops), on_time, late, missing)
    return out


def targets(s: Session, province: str, today: dt.date) -> dict[str, dict[str, int]]:
    """commune → {indicator: target} for the province's communes that have targets."""
    keys = set(indicators.KEYS)
    out: dict[str, dict[str, int]] = {}
    for code in s.scalars(select(Commune.code).where(Commune.province_code == province).order_by(Commune.code)):
        per = {ind: int(value) for ind, value, _deadline in target_sets.for_laptop(s, code, today) if ind in keys}
        if per:
            out[code] = per
    return out

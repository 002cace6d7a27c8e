"""Which target a laptop gets when several target sets run at once: today's contract (`/api/v1/targets` and
the signed targets file) carries one target per indicator, so older laptops keep working unchanged.

Per indicator: the set with the nearest deadline not yet passed (today counts as open); when every set of the
indicator has passed, the single target set by `target set` / `targets import` if there is one, else the set
whose deadline passed last (the laptop then shows it as missed). Without any set, the single target as before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.models import Target, TargetSet, TargetSetValue

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh, no DST


def vn_today() -> dt.date:
    """The day in Vietnam: a deadline is open through its whole last day there."""
    return dt.datetime.now(VN_TZ).date()


def for_laptop(s: Session, commune: str, today: dt.date) -> list[tuple[str, int, dt.date | None]]:
    """(indicator, value, deadline) per indicator, ordered by indicator."""
    single = {t.indicator: (t.value, t.deadline) for t in s.scalars(select(Target).where(Target.commune_code == commune))}
    sets: dict[str, list[tuple[dt.date, int]]] = {}
    for ind, deadline, value in s.execute(
            select(TargetSet.indicator, TargetSet.deadline, TargetSetValue.value)
            .join(TargetSetValue, TargetSetValue.set_id == TargetSet.id)
            .where(TargetSetValue.commune_code == commune)):
        sets.setdefault(ind, []).append((deadline, int(value)))
    out: dict[str, tuple[int, dt.date | None]] = dict(single)
    for ind, options in sets.items():
        open_ = sorted(o for o in options if o[0] >= today)
        if open_:
            out[ind] = (open_[0][1], open_[0][0])
        elif ind not in single:
            last = max(options)
            out[ind] = (last[1], last[0])
    return [(ind, value, deadline) for ind, (value, deadline) in sorted(out.items())]

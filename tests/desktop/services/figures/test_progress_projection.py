"""The laptop's progress figures follow common.projection, the rule the hub's target pages use: the same daily
counts give the same pace, projected date, date reached and stall on both sides."""

from __future__ import annotations

import datetime as dt

from common import projection
from desktop.models import Target
from desktop.services.figures import progress as prog
from desktop.services.register.statuses import record_event
from tests.support.schedule import add_citizen, add_point

MON = dt.date(2025, 3, 3)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0))


def test_laptop_and_hub_rule_agree_on_pace_projection_reached_and_stall(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        p = add_point(s)
        s.add(Target(indicator="card_captured", value=40, deadline=dt.date(2025, 3, 14), updated_at=_at(MON)))
        s.add(Target(indicator="attended", value=3, deadline=dt.date(2025, 3, 31), updated_at=_at(MON)))
        people = [add_citizen(s, f"Người Số {i}") for i in range(12)]
        daily = {MON: 5, MON + dt.timedelta(days=1): 3, MON + dt.timedelta(days=3): 2}  # Mon, Tue, Thu
        i = 0
        for day, n in daily.items():
            for c in people[i:i + n]:
                record_event(s, c, "card_captured", at=_at(day), point=p)
                if i < 3:
                    record_event(s, c, "attended", at=_at(day), point=p)
                i += 1
        on = dt.date(2025, 3, 12)  # a Wednesday: nothing since Thursday 6/3
        card = prog.progress(s, on).get("card_captured")
        hub = projection.outlook(daily, 40, dt.date(2025, 3, 14), on)
        assert (card.cumulative, card.pace, card.projected) == (hub.cumulative, hub.pace, hub.projected) == \
            (10, round(10 / 3, 2), dt.date(2025, 3, 25))  # 30 left at 10/3 a day: 9 working days after 12/3
        assert card.on_track is False and hub.late  # after the deadline: "dự kiến trễ hạn" on the hub
        assert card.stalled == hub.stalled == 6 and card.reached is None
        att = prog.progress(s, on).get("attended")
        assert att.met and att.reached == MON and att.projected is None  # 3 attended on Monday: "Đạt ngày 3/3"

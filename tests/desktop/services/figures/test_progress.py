"""Progress against targets: eligible population, percent, met, pace, projected date, villages, series."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.models import Target
from desktop.services.figures import progress as prog
from desktop.services.register.statuses import record_event
from tests.support.schedule import add_citizen, add_point

MON, TUE, THU, FRI = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 6), dt.date(2025, 3, 7)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0))


def test_working_day_arithmetic():
    assert MON.weekday() == 0 and FRI.weekday() == 4
    assert prog.add_working_days(FRI, 1) == dt.date(2025, 3, 10)  # Monday
    assert prog.add_working_days(FRI, 5) == dt.date(2025, 3, 14)
    assert prog.add_working_days(THU, 2) == dt.date(2025, 3, 10)
    assert prog.add_working_days(FRI, 1, weekdays={0, 1, 2, 3, 4, 5}) == dt.date(2025, 3, 8)  # Saturday works


@pytest.mark.parametrize(
    "cumulative, target, pace, expected",
    [
        (6, 20, 2.0, dt.date(2025, 3, 18)),  # 14 left / 2 a day = 7 working days after Friday
        (6, 21, 2.0, dt.date(2025, 3, 19)),  # 7.5 → 8 days
        (19, 20, 5.0, dt.date(2025, 3, 10)),  # less than a day's work: next working day
        (20, 20, 2.0, None),  # met
        (25, 20, 2.0, None),
        (6, 20, 0.0, None),  # no pace, no date
        (6, None, 2.0, None),  # no target
    ],
)
def test_projected_date(cumulative, target, pace, expected):
    assert prog.project(FRI, cumulative, target, pace) == expected


def test_eligible_population(db):
    with db.session() as s:
        add_citizen(s, "Người Lớn Một", birth_year=1980)
        add_citizen(s, "Vừa Đủ Tuổi", birth_year=2011, birth_date=dt.date(2011, 3, 7))  # 14 on FRI
        add_citizen(s, "Chưa Đủ Tuổi", birth_year=2011, birth_date=dt.date(2011, 3, 8))
        # a birth year alone: certainly 14 only from 31 December 2025 (due.py's rule), so not yet counted
        add_citizen(s, "Chỉ Biết Năm", birth_year=2011, birth_date=None)
        add_citizen(s, "Trẻ Em", birth_year=2015)
        gone = add_citizen(s, "Đã Chuyển Đi", birth_year=1970)
        dead = add_citizen(s, "Đã Mất", birth_year=1930)
        record_event(s, gone, "moved_away")
        record_event(s, dead, "deceased")
        assert prog.eligible_count(s, FRI) == 2
        assert prog.eligible_count(s, dt.date(2025, 12, 30)) == 3  # 8 March 2011 is 14 by then
        assert prog.eligible_count(s, dt.date(2025, 12, 31)) == 4  # and now the year-only birth too


def test_progress_figures(db):
    with db.session() as s:
        p = add_point(s)
        s.add(Target(indicator="card_captured", value=20, deadline=dt.date(2025, 3, 31), updated_at=_at(MON)))
        s.add(Target(indicator="attended", value=5, deadline=None, updated_at=_at(MON)))
        east = [add_citizen(s, f"Đông Văn {i}", village="Thôn Đông") for i in range(4)]
        west = [add_citizen(s, f"Tây Văn {i}", village="Thôn Tây") for i in range(3)]
        nowhere = add_citizen(s, "Không Thôn", village="")
        # Monday: 2 cards; Tuesday: 4 cards; Thursday: attendance only; Friday (the day): 1 card
        for c in east[:2]:
            record_event(s, c, "card_captured", at=_at(MON), point=p)
        for c in east[2:] + west[:2]:
            record_event(s, c, "card_captured", at=_at(TUE), point=p)
        record_event(s, west[2], "attended", at=_at(THU), point=p)
        record_event(s, nowhere, "card_captured", at=_at(FRI), point=p)

        pr = prog.progress(s, FRI)
        assert pr.eligible == 8
        card = pr.get("card_captured")
        assert (card.today, card.cumulative, card.target, card.met) == (1, 7, 20, False)
        assert card.percent == 35.0 and card.percent_eligible == 87.5
        # active days: Mon, Tue, Thu, Fri → (2 + 4 + 0 + 1) / 4 = 1.75 a day; 13 left → 8 working days
        assert card.pace == 1.75
        assert card.projected == dt.date(2025, 3, 19)
        assert card.on_track is True and card.deadline == dt.date(2025, 3, 31)
        att = pr.get("attended")
        assert (att.cumulative, att.target, att.met, att.projected) == (1, 5, False, dt.date(2025, 3, 31))
        assert att.on_track is None  # no deadline
        vneid = pr.get("vneid_activated")
        assert (vneid.target, vneid.percent, vneid.pace, vneid.projected, vneid.met) == (None, None, 0.0, None, False)
        assert card.label_vi == "Hồ sơ cấp thẻ căn cước đã thu nhận"

        villages = {v.village: v for v in pr.villages}
        assert [v.village for v in pr.villages] == ["Thôn Đông", "Thôn Tây", prog.UNKNOWN_VILLAGE]
        assert villages["Thôn Đông"].eligible == 4 and villages["Thôn Đông"].cumulative["card_captured"] == 4
        assert villages["Thôn Đông"].percent["card_captured"] == 100.0
        assert villages["Thôn Tây"].cumulative["card_captured"] == 2 and villages["Thôn Tây"].today["card_captured"] == 0
        assert villages[prog.UNKNOWN_VILLAGE].today["card_captured"] == 1

        assert len(pr.series) == 30 and pr.series[-1][0] == FRI
        assert pr.series[-1][1]["card_captured"] == 1 and pr.series[-4][1]["card_captured"] == 4


def test_target_met_has_no_projection_and_point_filter(db):
    with db.session() as s:
        p1, p2 = add_point(s, "P1"), add_point(s, "P2", "Trụ sở xã")
        s.add(Target(indicator="attended", value=2, deadline=dt.date(2025, 3, 1), updated_at=_at(MON)))
        a, b = add_citizen(s, "Một Người"), add_citizen(s, "Hai Người")
        record_event(s, a, "attended", at=_at(MON), point=p1)
        record_event(s, b, "attended", at=_at(TUE), point=p2)
        att = prog.progress(s, FRI).get("attended")
        assert att.met and att.projected is None and att.on_track is True and att.percent == 100.0
        at_p1 = prog.progress(s, FRI, p1.id).get("attended")
        # a point has no share of the commune's target: no target, percentage, projection or verdict
        assert at_p1.cumulative == 1 and not at_p1.met and at_p1.pace == 1.0
        assert at_p1.target is None and at_p1.percent is None
        assert at_p1.projected is None and at_p1.on_track is None

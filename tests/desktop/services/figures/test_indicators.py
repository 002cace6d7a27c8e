"""Indicator counts from status events: per day, per village, zeros, de-duplication, cumulative, series."""

from __future__ import annotations

import datetime as dt

from desktop.services.figures import indicators
from desktop.services.register.statuses import record_event
from tests.support.schedule import add_citizen, add_point

D1 = dt.date(2025, 3, 3)
D2 = dt.date(2025, 3, 4)
D4 = dt.date(2025, 3, 6)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def test_constants_match_the_sync_protocol():
    from sync.protocol import INDICATORS as PROTOCOL

    assert indicators.INDICATORS == PROTOCOL
    assert indicators.INDICATOR_LABELS_VI["card_captured"] == "Hồ sơ cấp thẻ căn cước đã thu nhận"
    assert indicators.INDICATOR_LABELS_VI["no_show"] == "Số người vắng"
    assert set(indicators.INDICATOR_LABELS_EN) == set(indicators.INDICATORS)
    assert indicators.label("attended", "en") == "People attended"


def test_empty_day_has_every_indicator_at_zero(db):
    with db.session() as s:
        counts = indicators.count_day(s, D1)
        assert counts.totals == dict.fromkeys(indicators.INDICATORS, 0)
        assert list(counts.totals) == list(indicators.INDICATORS)
        assert counts.by_village == {} and not counts.any_activity


def test_count_day_per_village_with_dedup_and_point_filter(db):
    with db.session() as s:
        p1, p2 = add_point(s, "P1"), add_point(s, "P2", "Trụ sở xã", kind="office")
        a = add_citizen(s, "Nguyễn Văn A", village="Thôn Đông")
        b = add_citizen(s, "Nguyễn Văn B", village="Thôn Đông")
        c = add_citizen(s, "Nguyễn Văn C", village="Thôn Tây")
        record_event(s, a, "scheduled", at=_at(D1, 7), point=p1)  # not an indicator
        record_event(s, a, "attended", at=_at(D1, 8), point=p1)
        record_event(s, a, "attended", at=_at(D1, 9), point=p1)  # double scan: counts once
        record_event(s, a, "card_captured", at=_at(D1, 9), point=p1)
        record_event(s, b, "attended", at=_at(D1, 10), point=p2)
        record_event(s, c, "attended", at=_at(D1, 10), point=p1)
        record_event(s, c, "card_captured", at=_at(D1, 10), point=p1)
        record_event(s, c, "vneid_l2_captured", at=_at(D1, 11), point=p1)
        record_event(s, b, "attended", at=_at(D2, 8), point=p1)  # another day

        day = indicators.count_day(s, D1)
        assert day.totals == {"card_captured": 2, "vneid_l2_captured": 1, "vneid_activated": 0, "attended": 3,
                              "no_show": 0}
        assert day.by_village == {
            "Thôn Đông": {"card_captured": 1, "vneid_l2_captured": 0, "vneid_activated": 0, "attended": 2,
                          "no_show": 0},
            "Thôn Tây": {"card_captured": 1, "vneid_l2_captured": 1, "vneid_activated": 0, "attended": 1,
                         "no_show": 0},
        }
        at_p1 = indicators.count_day(s, D1, point_id=p1.id)
        assert at_p1.totals["attended"] == 2 and at_p1.by_village["Thôn Đông"]["attended"] == 1
        assert indicators.count_day(s, D1, point_id=p2.id).totals["card_captured"] == 0
        assert indicators.count_day_by_village_key(s, D1)["thon dong"]["attended"] == 2


def test_same_person_at_two_points_counts_once_for_the_commune(db):
    with db.session() as s:
        p1, p2 = add_point(s, "P1"), add_point(s, "P2", "Trụ sở xã")
        a = add_citizen(s, "Lê Văn Hai Nơi")
        record_event(s, a, "attended", at=_at(D1, 8), point=p1)
        record_event(s, a, "attended", at=_at(D1, 14), point=p2)
        assert indicators.count_day(s, D1).totals["attended"] == 1
        # one attendance lands in one report: the point where the person was seen first that day
        assert indicators.count_day(s, D1, p1.id).totals["attended"] == 1
        assert indicators.count_day(s, D1, p2.id).totals["attended"] == 0


def test_cumulative_and_series(db):
    with db.session() as s:
        p = add_point(s)
        a = add_citizen(s, "Phan Văn Một", village="Thôn Đông")
        b = add_citizen(s, "Phan Văn Hai", village="Thôn Tây")
        record_event(s, a, "attended", at=_at(D1), point=p)
        record_event(s, a, "card_captured", at=_at(D1), point=p)
        record_event(s, a, "attended", at=_at(D2), point=p)  # came back on another day: counts that day too
        record_event(s, a, "vneid_l2_captured", at=_at(D2), point=p)
        record_event(s, b, "attended", at=_at(D4), point=p)
        record_event(s, b, "attended", at=_at(D4, 15), point=p)

        assert indicators.count_until(s, D1) == {"card_captured": 1, "vneid_l2_captured": 0, "vneid_activated": 0,
                                                "attended": 1, "no_show": 0}
        until = indicators.count_until(s, D4)
        assert until["attended"] == 3 and until["card_captured"] == 1 and until["vneid_l2_captured"] == 1
        assert indicators.count_until(s, D1 - dt.timedelta(days=1)) == indicators.zeros()
        by_v = indicators.count_until_by_village(s, D4)
        assert by_v["thon dong"]["attended"] == 2 and by_v["thon tay"]["attended"] == 1

        series = indicators.daily_series(s, D1, D4)
        assert [d for d, _ in series] == [D1, D2, dt.date(2025, 3, 5), D4]
        assert [c["attended"] for _, c in series] == [1, 1, 0, 1]
        assert series[2][1] == indicators.zeros()
        # the sum of the days is the cumulative figure
        assert sum(c["attended"] for _, c in series) == until["attended"]
        assert indicators.active_days(s, D4, 7) == [D4, D2, D1]
        assert indicators.daily_series(s, D4, D1) == []


def test_day_close_counts_through_indicators(db):
    from desktop.services.figures import dayclose

    with db.session() as s:
        p = add_point(s)
        a = add_citizen(s, "Hứa Văn Chốt", village="Thôn Đông")
        record_event(s, a, "attended", at=_at(D1), point=p)
        record_event(s, a, "attended", at=_at(D1, 10), point=p)
        counts = dayclose.count_point_day(s, D1, p.id)
        assert counts.totals["attended"] == 1
        assert counts.by_village["Thôn Đông"]["attended"] == 1


def test_per_village_join_strategies_agree(db, monkeypatch):
    """Large event tables are joined from the citizens' side; the figures must not depend on it."""
    with db.session() as s:
        p = add_point(s)
        people = [add_citizen(s, f"Vi Văn {i}", village=f"Thôn {i % 3}") for i in range(9)]
        for i, c in enumerate(people):
            record_event(s, c, "attended", at=_at(D1), point=p)
            record_event(s, c, "attended", at=_at(D1, 11), point=p)
            if i % 2:
                record_event(s, c, "card_captured", at=_at(D2), point=p)
        by_events = indicators.count_until_by_village(s, D4)
        monkeypatch.setattr(indicators, "_CITIZEN_DRIVEN_FROM", 0)
        assert indicators.count_until_by_village(s, D4) == by_events
        assert by_events["thon 1"] == {"card_captured": 2, "vneid_l2_captured": 0, "vneid_activated": 0,
                                       "attended": 3, "no_show": 0}
        assert indicators.count_until_by_village(s, D4, point_id=p.id + 1) == {}

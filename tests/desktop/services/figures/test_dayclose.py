"""Day close on a real SQLite file: totals, villages, zeros vs never closed, revisions, one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from common.vietnamese import fold
from desktop import config
from desktop.models import Citizen, DayReport, OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import outbox
from desktop.services.register.statuses import record_event

DAY = dt.date(2025, 8, 4)
NOW = dt.datetime(2025, 8, 4, 17, 0, tzinfo=dt.UTC)


def _citizen(s, n: int, village: str) -> Citizen:
    now = dt.datetime(2025, 1, 1)
    c = Citizen(id_number=f"0561950{n:05d}", full_name=f"Nguyễn Văn {n}", name_key=f"nguyen van {n}",
                given_key=str(n), sort_given=str(n), sort_family=str(n), village=village, village_key=fold(village), created_at=now,
                updated_at=now)
    s.add(c)
    s.flush()
    return c


@pytest.fixture
def setup(db):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add_all([Point(code="P1", name="Nhà văn hoá thôn 1"), Point(code="P2", name="Trường học")])
    return db


def _at(hour: int = 9, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _p(s, code: str) -> Point:
    return s.scalar(select(Point).where(Point.code == code))


def test_totals_and_villages(setup):
    db = setup
    with db.session() as s:
        p1 = _p(s, "P1")
        a, b, c = _citizen(s, 1, "Thôn Đông"), _citizen(s, 2, "Thôn Đông"), _citizen(s, 3, "Thôn Tây")
        for cit in (a, b, c):
            record_event(s, cit, "attended", at=_at(), point=p1)
            record_event(s, cit, "card_captured", at=_at(10), point=p1)
        record_event(s, a, "vneid_l2_captured", at=_at(11), point=p1)
        record_event(s, a, "vneid_activated", at=_at(12), point=p1)
        # another day and another point are not counted
        record_event(s, b, "vneid_l2_captured", at=_at(9, DAY + dt.timedelta(days=1)), point=p1)
        rows = dayclose.close_day(s, DAY, "P1", now=NOW)
        assert len(rows) == 1
        r = dayclose.report_dict(rows[0])
    assert r["revision"] == 1
    assert r["totals"] == {"card_captured": 3, "vneid_l2_captured": 1, "vneid_activated": 1, "attended": 3,
                           "no_show": 0}
    assert r["by_village"]["Thôn Đông"]["card_captured"] == 2
    assert r["by_village"]["Thôn Tây"] == {"card_captured": 1, "vneid_l2_captured": 0, "vneid_activated": 0,
                                           "attended": 1, "no_show": 0}


def test_zero_report_differs_from_never_closed(setup):
    db = setup
    with db.session() as s:
        assert dayclose.day_status(s, DAY, "P2") == dayclose.OPEN
        assert not dayclose.is_closed(s, DAY, "P2")
        rows = dayclose.close_day(s, DAY, now=NOW)  # all points: P1 and P2
        assert sorted(r.point_code for r in rows) == ["P1", "P2"]
        assert dayclose.is_closed(s, DAY, "P2")
        assert dayclose.day_status(s, DAY, "P2") == dayclose.CLOSED
        assert set(dayclose.report_dict(rows[1])["totals"].values()) == {0}
        assert dayclose.day_status(s, DAY + dt.timedelta(days=1), "P2") == dayclose.OPEN
        assert outbox.waiting_count(s) == 2


def test_event_after_close_makes_revision_2_and_outbox_keeps_latest(setup):
    db = setup
    with db.session() as s:
        p1 = _p(s, "P1")
        a = _citizen(s, 1, "Thôn Đông")
        record_event(s, a, "card_captured", at=_at(), point=p1)
        first = dayclose.close_day(s, DAY, "P1", now=NOW)[0]
        # closing again with nothing new: the same report, nothing queued
        again = dayclose.close_day(s, DAY, "P1", now=NOW + dt.timedelta(hours=1))[0]
        assert again.id == first.id
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 1
        # a paper record typed in later for that day
        b = _citizen(s, 2, "Thôn Tây")
        record_event(s, b, "card_captured", at=_at(15), point=p1)
        assert dayclose.day_status(s, DAY, "P1") == dayclose.CHANGED
        assert dayclose.changed_days(s) == [(DAY, "P1")]
        second = dayclose.close_day(s, DAY, "P1", now=NOW + dt.timedelta(days=1))[0]
        assert second.revision == 2
        assert dayclose.day_status(s, DAY, "P1") == dayclose.CLOSED
        assert dayclose.changed_days(s) == []
        items = outbox.pending(s)
        assert [(r.point_code, r.revision) for _, r in items] == [("P1", 2)]
        assert dayclose.report_dict(items[0][1])["totals"]["card_captured"] == 2
        assert outbox.waiting_count(s) == 1


def test_report_and_outbox_item_in_one_transaction(setup, monkeypatch):
    db = setup
    with db.session() as s:
        _citizen(s, 1, "Thôn Đông")

    def boom(*a, **kw):
        raise RuntimeError("power cut after the report insert")

    monkeypatch.setattr(outbox, "enqueue", boom)
    with pytest.raises(RuntimeError), db.session() as s:
        dayclose.close_day(s, DAY, "P1", now=NOW)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(DayReport)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 0
        assert not dayclose.is_closed(s, DAY, "P1")


def test_unknown_point_and_future_day_refused(setup):
    from desktop.errors import ValidationError

    with setup.session() as s:
        with pytest.raises(ValidationError):
            dayclose.close_day(s, DAY, "NOPE", now=NOW)
        with pytest.raises(ValidationError):
            dayclose.close_day(s, DAY + dt.timedelta(days=5), "P1", now=NOW)


def test_only_a_supervisor_closes_a_day(setup):
    from desktop.errors import PermissionDenied
    from desktop.models import Operator

    with setup.session() as s:
        now = dt.datetime(2025, 1, 1)
        sup = Operator(name="Trưởng công an xã", role="supervisor", created_at=now)
        op = Operator(name="Cán bộ A", role="operator", created_at=now)
        s.add_all([sup, op])
        s.flush()
        with pytest.raises(PermissionDenied):
            dayclose.close_day(s, DAY, "P1", operator=op, now=NOW)
        assert not dayclose.is_closed(s, DAY, "P1")
        [row] = dayclose.close_day(s, DAY, "P1", operator=sup, now=NOW)
        assert row.closed_by == sup.id

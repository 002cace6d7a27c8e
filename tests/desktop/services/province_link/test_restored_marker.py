"""A restored backup on one laptop database (a real SQLite file): what `restore` remembers and how a restored
database's day close behaves before and after the province decides whose laptop it is."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from common.vietnamese import fold
from desktop import config
from desktop.errors import ValidationError
from desktop.models import Citizen, Point
from desktop.services.figures import dayclose
from desktop.services.peer.ids import device_id
from desktop.services.province_link import restored, succession
from desktop.services.register.statuses import record_event
from sync.protocol import EnrolResponse

DAY = dt.date(2026, 11, 20)


def _capture(db, n: int) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        if config.commune(s) is None:
            config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
            s.add(Point(code="TRUSO", name="Trụ sở"))
            s.flush()
        point = s.scalar(select(Point).where(Point.code == "TRUSO"))
        now = dt.datetime(2026, 1, 1)
        c = Citizen(id_number=f"0560900{n:05d}", full_name=f"Lê Văn {n}", name_key=f"le van {n}", given_key=str(n),
                    sort_given=str(n), sort_family=str(n), village="Thôn Đông", village_key=fold("Thôn Đông"),
                    created_at=now, updated_at=now)
        s.add(c)
        s.flush()
        record_event(s, c, "card_captured", at=dt.datetime.combine(DAY, dt.time(9)), point=point)


def _stamp(db) -> None:  # type: ignore[no-untyped-def]
    """As a peer export does: the laptop's events are logged under its group identity."""
    from desktop.services.peer.stamp import stamp

    with db.session() as s:
        stamp(s)


def _close(db, **kw) -> list[int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return [r.revision for r in dayclose.close_day(s, DAY, "TRUSO", **kw)]


def test_a_never_connected_backup_keeps_counting_its_own_events(db) -> None:  # type: ignore[no-untyped-def]
    _capture(db, 1)
    assert _close(db) == [1]
    with db.session() as s:
        old_peer = device_id(s)
    info = restored.mark(db)
    with db.session() as s:
        assert device_id(s) != old_peer and info["restored_from_peer"] == old_peer
        assert succession.counting_origins(s) == (device_id(s), old_peer)
    assert _close(db) == [1]  # unchanged: nothing lowered, nothing new


def test_a_connected_backup_counts_the_old_laptops_events_only_as_its_successor(db) -> None:  # type: ignore[no-untyped-def]
    _capture(db, 1)
    assert _close(db) == [1]
    _stamp(db)
    with db.session() as s:
        config.put(s, "hub.device_id", "d" * 32)
    restored.mark(db)
    with pytest.raises(ValidationError) as refused:  # not decided yet: the old laptop's event is not its own
        _close(db)
    assert refused.value.field == succession.CONFIRM_LOWER and "1 → 0" in refused.value.reason
    with db.session() as s:
        took = succession.apply_enrolment(s, EnrolResponse("d" * 32, "t", "22736", "", "56", "", successor_of="d" * 32))
    assert took["new_after_restore"] is False
    assert _close(db) == [1]  # a successor: the event counts again, once


def test_a_connected_backup_enrolled_as_new_does_not_re_close_the_old_days(db) -> None:  # type: ignore[no-untyped-def]
    _capture(db, 1)
    assert _close(db) == [1]
    _stamp(db)
    with db.session() as s:
        config.put(s, "hub.device_id", "d" * 32)
    restored.mark(db)
    with db.session() as s:
        took = succession.apply_enrolment(s, EnrolResponse("e" * 32, "t", "22736", "", "56", ""))
        assert took == {"predecessor_reports": 0, "set_aside": 1, "new_after_restore": True}
        assert dayclose.changed_days(s) == []  # the old laptop's day is not this laptop's to re-close
    with pytest.raises(ValidationError) as refused:
        _close(db, confirm_lower=True)
    assert "máy mới" in refused.value.reason

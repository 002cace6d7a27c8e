"""Undo of the last check-in mark: a compensating event on a real SQLite file, never an erase."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop import config
from desktop.errors import PermissionDenied, ValidationError
from desktop.models import Appointment, Citizen, Operator
from desktop.services import scheduling
from desktop.services.due.citizen_status import citizen_status
from desktop.services.figures import dayclose, indicators
from desktop.services.register import statuses
from desktop.services.scheduling import checkin, undo
from desktop.storage.connect import driver_connection
from tests.support.schedule import add_citizen, add_point

TODAY = dt.date.today()


def _operator(s, name: str, role: str = "operator") -> Operator:
    op = Operator(name=name, role=role, pin_hash="", created_at=dt.datetime.now())
    s.add(op)
    s.flush()
    return op


@pytest.fixture
def desk(db):
    with db.session() as s:
        p = add_point(s)
        es = scheduling.create_enrollment_session(
            s, point_id=p.id, day=TODAY, start="00:00", end="23:50", slot_minutes=10, kits=1, minutes_per_person=5
        )
        an = add_citizen(s, "Nguyễn Thị Ân", id_number="001190012345")
        appt = scheduling.book(s, an.id, es.id, dt.time(8, 10))
        ids = {"point": p.id, "code": p.code, "session": es.id, "an": an.id, "appt": appt.id,
               "lan": _operator(s, "Lan").id, "minh": _operator(s, "Minh").id,
               "boss": _operator(s, "Hùng", "supervisor").id}
    return ids


def _mark(s, desk, action: str, who: str = "lan") -> checkin.MarkResult:
    return checkin.mark(s, desk["an"], action, enrollment_session_id=desk["session"], operator_id=desk[who])


def test_f8_undone_within_10_minutes_restores_status_and_appointment(db, desk):
    with db.session() as s:
        _mark(s, desk, "no_show")
        assert s.get(Citizen, desk["an"]).status == "no_show"
        result = undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        assert result.undone == ("no_show",) and result.full_name == "Nguyễn Thị Ân"
        assert s.get(Citizen, desk["an"]).status == "scheduled"
        assert s.get(Appointment, desk["appt"]).state == "booked"
        # The officer can now record what really happened.
        assert _mark(s, desk, "card_captured").events == ("attended", "card_captured")
        assert s.get(Appointment, desk["appt"]).state == "attended"


def test_history_keeps_both_events_ordered_by_time(db, desk):
    with db.session() as s:
        _mark(s, desk, "no_show")
        undo.undo_last_mark(s, s.get(Operator, desk["lan"]), at=dt.datetime.now() + dt.timedelta(minutes=1))
        kinds = [e.event_type for e in statuses.history(s, desk["an"])]
        assert kinds == ["scheduled", "no_show", "undo"]
        number = s.get(Citizen, desk["an"]).id_number
    with db.reader() as conn:
        shown = citizen_status(conn, number, TODAY)
    assert [h.event_type for h in shown.history] == ["scheduled", "no_show", "undo"]
    times = [h.occurred_at for h in shown.history]
    assert times == sorted(times)


def test_undo_after_10_minutes_is_refused(db, desk):
    with db.session() as s:
        _mark(s, desk, "no_show")
        with pytest.raises(ValidationError) as err:
            undo.undo_last_mark(s, s.get(Operator, desk["lan"]), at=dt.datetime.now() + dt.timedelta(minutes=11))
        assert "quá 10 phút" in str(err.value) and "10 minutes" in (err.value.en or "")
        assert s.get(Citizen, desk["an"]).status == "no_show"


def test_another_officer_is_refused_a_supervisor_allowed(db, desk):
    with db.session() as s:
        _mark(s, desk, "no_show")
        with pytest.raises(PermissionDenied) as err:
            undo.undo_last_mark(s, s.get(Operator, desk["minh"]))
        assert "Lan" in str(err.value) and err.value.en
        assert s.get(Citizen, desk["an"]).status == "no_show"
        undo.undo_last_mark(s, s.get(Operator, desk["boss"]))
        assert s.get(Citizen, desk["an"]).status == "scheduled"


def test_nothing_to_undo_twice(db, desk):
    with db.session() as s:
        with pytest.raises(ValidationError):
            undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        _mark(s, desk, "no_show")
        undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        with pytest.raises(ValidationError) as err:
            undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        assert "đã được hủy" in str(err.value)


def test_indicators_unchanged_by_mark_and_undo(db, desk):
    with db.session() as s:
        before = indicators.count_day(s, TODAY).totals
        before_point = indicators.count_day(s, TODAY, point_id=desk["point"]).totals
        _mark(s, desk, "card_captured")  # arrival + capture in one mark: both undone
        assert indicators.count_day(s, TODAY).totals != before
        result = undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        assert result.undone == ("attended", "card_captured")
        assert indicators.count_day(s, TODAY).totals == before
        assert indicators.count_day(s, TODAY, point_id=desk["point"]).totals == before_point
        assert indicators.count_until_by_village(s, TODAY) == indicators.count_until_by_village(
            s, TODAY - dt.timedelta(days=1))
        assert s.get(Citizen, desk["an"]).has_card is False
        assert s.get(Appointment, desk["appt"]).state == "booked"


@pytest.mark.parametrize("action", ["attended", "no_show"])
def test_undo_on_a_closed_day_marks_it_changed_after_close(db, desk, action):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        _mark(s, desk, action)
        dayclose.close_day(s, TODAY, desk["code"], operator=s.get(Operator, desk["boss"]))
        assert dayclose.day_status(s, TODAY, desk["code"]) == dayclose.CLOSED
        undo.undo_last_mark(s, s.get(Operator, desk["lan"]))
        assert dayclose.day_status(s, TODAY, desk["code"]) == dayclose.CHANGED
        assert (TODAY, desk["code"]) in dayclose.changed_days(s)
        # Closing again sends a revision without the undone mark.
        rev = dayclose.close_day(s, TODAY, desk["code"], operator=s.get(Operator, desk["boss"]))[-1]
        assert rev.revision == 2 and dayclose.day_status(s, TODAY, desk["code"]) == dayclose.CLOSED


def test_undo_refused_for_events_from_another_laptop(db, desk):
    """Events merged from a peer carry no operator: Ctrl+Z never reaches another laptop's work."""
    with db.session() as s:
        _mark(s, desk, "attended")
        driver_connection(s).execute("UPDATE status_events SET operator_id = NULL")
        with pytest.raises(ValidationError):
            undo.undo_last_mark(s, s.get(Operator, desk["boss"]))

"""Check-in: lookup by code / ID number / name, marking actions, walk-ins, live counters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop.errors import ValidationError
from desktop.models import Appointment, Citizen, StatusEvent
from desktop.services import scheduling
from desktop.services.register import statuses
from desktop.services.scheduling import checkin
from tests.support.schedule import add_citizen, add_point

TODAY = dt.date.today()
AT = dt.datetime.combine(TODAY, dt.time(8, 12))


@pytest.fixture
def setup(db):
    with db.session() as s:
        p = add_point(s)
        obj = scheduling.create_enrollment_session(
            s, point_id=p.id, day=TODAY, start="08:00", end="09:00", slot_minutes=10, kits=1, minutes_per_person=5
        )
        an = add_citizen(s, "Nguyễn Thị Ân", id_number="001190012345")
        binh = add_citizen(s, "Trần Văn Bình", id_number="001090054321")
        appt = scheduling.book(s, an.id, obj.id, dt.time(8, 10))
        scheduling.book(s, binh.id, obj.id, dt.time(8, 10))
        ids = {"point": p.id, "session": obj.id, "an": an.id, "binh": binh.id, "appt": appt.id, "code": appt.code}
    return ids


def _events(s, citizen_id):
    return [e.event_type for e in statuses.history(s, citizen_id)]


# --- lookup ---------------------------------------------------------------------------------------------


def test_lookup_by_scanned_code(db, setup):
    with db.session() as s:
        typed = setup["code"].lower()[:5] + "-" + setup["code"].lower()[5:] + "\n"
        hits = checkin.lookup(s, typed, enrollment_session_id=setup["session"])
        assert len(hits) == 1
        h = hits[0]
        assert (h.citizen_id, h.match, h.appointment_id, h.in_enrollment_session) == (setup["an"], "code", setup["appt"], True)
        assert h.slot_start == dt.time(8, 10) and h.appointment_state == "booked"
        assert {"attended", "card_captured", "no_show"} <= set(h.actions)
        assert "vneid_l2_captured" not in h.actions  # no card yet


def test_lookup_by_id_number_and_old_cmnd(db, setup):
    with db.session() as s:
        s.get(Citizen, setup["binh"]).old_cmnd = "123456789"
        hits = checkin.lookup(s, " 0010 9005 4321 ", enrollment_session_id=setup["session"])
        assert [(h.citizen_id, h.match) for h in hits] == [(setup["binh"], "id_number")]
        assert hits[0].appointment_id is not None
        assert checkin.lookup(s, "01090054321")[0].citizen_id == setup["binh"]  # Excel ate the leading zero
        assert checkin.lookup(s, "123456789")[0].citizen_id == setup["binh"]


def test_lookup_by_name_without_diacritics_limited_to_20(db, setup):
    with db.session() as s:
        for i in range(25):
            add_citizen(s, f"Phạm Văn Đông {chr(65 + i)}", id_number=None)
        hits = checkin.lookup(s, "tran van binh", enrollment_session_id=setup["session"])
        assert hits and hits[0].citizen_id == setup["binh"] and hits[0].match == "name"
        assert hits[0].in_enrollment_session
        assert len(checkin.lookup(s, "pham van dong")) == 20
        assert checkin.lookup(s, "   ") == []
        assert checkin.lookup(s, "ZZZZZZZZZZ") == []  # code-shaped, unknown, no name either


# --- marking --------------------------------------------------------------------------------------------


def test_mark_attended_records_event_and_appointment_state_once(db, setup):
    with db.session() as s:
        res = checkin.mark(s, setup["an"], "attended", enrollment_session_id=setup["session"], at=AT)
        assert res.events == ("attended",) and res.appointment_state == "attended"
        ev = statuses.history(s, setup["an"])[-1]
        assert (ev.point_id, ev.appointment_id, ev.occurred_at) == (setup["point"], setup["appt"], AT)
        again = checkin.mark(s, setup["an"], "attended", enrollment_session_id=setup["session"], at=AT)
        assert again.events == ()  # a double scan records nothing new
        assert _events(s, setup["an"]) == ["scheduled", "attended"]


def test_capture_implies_attended_first(db, setup):
    with db.session() as s:
        res = checkin.mark(s, setup["an"], "card_captured", enrollment_session_id=setup["session"], at=AT)
        assert res.events == ("attended", "card_captured")
        assert _events(s, setup["an"]) == ["scheduled", "attended", "card_captured"]
        assert s.get(Appointment, setup["appt"]).state == "attended"
        res = checkin.mark(s, setup["an"], "vneid_l2_captured", enrollment_session_id=setup["session"], at=AT)
        assert res.events == ("vneid_l2_captured",)  # attended already recorded today
        assert res.status == "vneid_l2_captured"


def test_refused_transition_writes_nothing(db, setup):
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            checkin.mark(s, setup["an"], "vneid_l2_captured", enrollment_session_id=setup["session"], at=AT)
        assert "Chưa có thẻ" in err.value.reason
        assert _events(s, setup["an"]) == ["scheduled"]  # not even the implied attended
        assert s.get(Appointment, setup["appt"]).state == "booked"
        with pytest.raises(ValidationError, match="không hợp lệ"):
            checkin.mark(s, setup["an"], "dance", enrollment_session_id=setup["session"])
        with pytest.raises(ValidationError, match="chưa thể kích hoạt"):
            checkin.mark(s, setup["an"], "vneid_activated", enrollment_session_id=setup["session"])


def test_no_show_and_its_refusals(db, setup):
    with db.session() as s:
        res = checkin.mark(s, setup["binh"], "no_show", enrollment_session_id=setup["session"], at=AT)
        assert res.events == ("no_show",) and res.appointment_state == "no_show"
        with pytest.raises(ValidationError):
            checkin.mark(s, setup["binh"], "no_show", enrollment_session_id=setup["session"], at=AT)
        checkin.mark(s, setup["an"], "attended", enrollment_session_id=setup["session"], at=AT)
        with pytest.raises(ValidationError, match="đã được ghi nhận có mặt|không ghi vắng mặt"):
            checkin.mark(s, setup["an"], "no_show", enrollment_session_id=setup["session"], at=AT)
        stranger = add_citizen(s, "Lạ Văn Mặt")
        with pytest.raises(ValidationError, match="không có lịch hẹn"):
            checkin.mark(s, stranger.id, "no_show", enrollment_session_id=setup["session"], at=AT)
        # a late arrival after being marked absent still came
        late = checkin.mark(s, setup["binh"], "attended", enrollment_session_id=setup["session"], at=AT + dt.timedelta(hours=1))
        assert late.appointment_state == "attended"


def test_person_without_appointment_is_served_as_walk_in_even_when_full(db, setup):
    with db.session() as s:
        obj = scheduling.get_enrollment_session(s, setup["session"])
        for i in range(10):  # fill every place
            scheduling.book(s, add_citizen(s, f"Đầy Văn Chỗ{i}").id, obj.id)
        assert sum(x.free for x in scheduling.slots(obj)) == 0
        c = add_citizen(s, "Vãng Văn Lai")
        res = checkin.mark(s, c.id, "card_captured", enrollment_session_id=obj.id, at=AT)
        appt = s.get(Appointment, res.appointment_id)
        assert (appt.state, appt.slot_start, appt.purpose) == ("attended", dt.time(8, 10), "card")


def test_add_walk_in_validates_and_marks_attended(db, setup):
    with db.session() as s:
        hit = checkin.add_walk_in(
            s, {"full_name": "Hoàng Thị Mới Đến", "birth_year": 1995, "sex": "Nữ", "village": "Thôn Đông"},
            enrollment_session_id=setup["session"], point_id=setup["point"], at=AT,
        )
        assert hit.match == "walk_in" and hit.in_enrollment_session and hit.appointment_state == "attended"
        assert _events(s, hit.citizen_id) == ["attended"]
        with pytest.raises(ValidationError):
            checkin.add_walk_in(s, {"full_name": ""}, enrollment_session_id=setup["session"], point_id=setup["point"])


def test_today_counters_and_session_counters(db, setup):
    with db.session() as s:
        checkin.mark(s, setup["an"], "card_captured", enrollment_session_id=setup["session"], at=AT)
        checkin.mark(s, setup["binh"], "no_show", enrollment_session_id=setup["session"], at=AT)
        counters = checkin.today_counters(s, TODAY)
        assert counters == {"card_captured": 1, "vneid_l2_captured": 0, "vneid_activated": 0, "attended": 1,
                            "no_show": 1}
        assert checkin.today_counters(s, TODAY, point_id=setup["point"] + 99)["attended"] == 0
        sc = checkin.enrollment_session_counters(s, setup["session"])
        assert sc == {"booked": 0, "attended": 1, "no_show": 1, "capacity": 12}
        total = s.scalar(select(func.count()).select_from(StatusEvent))
        assert total == 5  # 2 scheduled, attended, card_captured, no_show


def test_a_refused_absence_names_the_appointment_state_in_words_never_its_code(db, setup):
    with db.session() as s:
        checkin.mark(s, setup["an"], "attended", enrollment_session_id=setup["session"], at=AT)
        with pytest.raises(ValidationError) as refused:
            checkin.mark(s, setup["an"], "no_show", enrollment_session_id=setup["session"], at=AT)
    assert "đã ghi là đã đến" in refused.value.message and "attended" not in refused.value.message
    assert "already marked attended" in refused.value.words("en") and "'attended'" not in refused.value.words("en")

"""Sessions, slots, capacity, automatic assignment, appointment codes, booking, moving, rescheduling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from desktop import config
from desktop.errors import ValidationError
from desktop.models import Appointment, StatusEvent, Target
from desktop.services import scheduling
from desktop.services.register import statuses
from desktop.services.scheduling import codes
from desktop.settings_keys import KEY_NAME_ORDER
from tests.support.schedule import add_citizen, add_point

DAY = dt.date.today() + dt.timedelta(days=7)


def _session(s, point, *, start="08:00", end="09:00", slot=10, kits=1, mpp=5, day=DAY):
    return scheduling.create_enrollment_session(
        s, point_id=point.id, day=day, start=start, end=end, slot_minutes=slot, kits=kits, minutes_per_person=mpp
    )


# --- sessions and capacity ------------------------------------------------------------------------------


def test_capacity_per_slot_and_slots(db):
    with db.session() as s:
        p = add_point(s)
        obj = _session(s, p, start="07:30", end="11:00", slot=30, kits=2, mpp=5)
        assert obj.capacity_per_slot == 2 * (30 // 5) == 12
        sl = scheduling.slots(obj)
        assert [x.start for x in sl] == [dt.time(7, 30), dt.time(8, 0), dt.time(8, 30), dt.time(9, 0),
                                         dt.time(9, 30), dt.time(10, 0), dt.time(10, 30)]
        assert sl[-1].end == dt.time(11, 0)
        assert all(x.capacity == 12 and x.booked == 0 for x in sl)
        summary = scheduling.list_enrollment_sessions(s, DAY, DAY)[0]
        assert (summary.capacity, summary.booked, summary.point_code) == (84, 0, "P1")
        # 7 minutes a person in a 30-minute slot: 4 people per kit, never a fraction
        other = _session(s, p, start="13:00", end="14:00", slot=30, kits=3, mpp=7)
        assert other.capacity_per_slot == 12


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"start": "09:00", "end": "08:00"}, "end"),
        ({"start": "08:00", "end": "08:00"}, "end"),
        ({"start": "08:00", "end": "09:15", "slot": 30}, "slot_minutes"),
        ({"slot": 2}, "slot_minutes"),
        ({"kits": 0}, "kits"),
        ({"mpp": 45, "slot": 30}, "minutes_per_person"),
        ({"start": "8h7x"}, "start"),
    ],
)
def test_create_session_refuses_bad_input_naming_the_field(db, kwargs, field):
    with db.session() as s:
        p = add_point(s)
        with pytest.raises(ValidationError) as err:
            _session(s, p, **kwargs)
        assert err.value.field == field
        assert re.search(r"[ăâđêôơưáàảãạ]", err.value.reason.lower())  # Vietnamese


def test_overlapping_session_at_same_point_is_refused(db):
    with db.session() as s:
        p = add_point(s)
        _session(s, p, start="08:00", end="10:00", slot=30)
        with pytest.raises(ValidationError, match="trùng giờ"):
            _session(s, p, start="09:30", end="11:00", slot=30)
        _session(s, p, start="10:00", end="11:00", slot=30)  # touching is fine
        q = add_point(s, "P2", "Trường tiểu học")
        _session(s, q, start="08:00", end="10:00", slot=30)  # another point is fine


# --- automatic assignment -------------------------------------------------------------------------------


def _appointments(s, session_id):
    return list(
        s.scalars(select(Appointment).where(Appointment.session_id == session_id).order_by(Appointment.id))
    )


def test_auto_assign_respects_capacity_and_groups_villages(db):
    with db.session() as s:
        p = add_point(s)
        villages = ["Thôn Đông", "Thôn Tây", "Tổ dân phố 3"]
        for i in range(30):
            add_citizen(s, f"Nguyễn Văn Người{i:02d}", village=villages[i % 3])
        obj = _session(s, p, start="08:00", end="09:00", slot=10, kits=1, mpp=5)  # 6 slots × 2
        res = scheduling.auto_assign(s, obj.id)
        assert (res.assigned, res.full, res.not_placed, res.skipped_already_booked) == (12, True, 18, 0)
        assert all(x.booked == x.capacity == 2 for x in scheduling.slots(obj))

        rows = scheduling.appointments_for(s, obj.id)
        # each village occupies one contiguous run of slots
        seq = [r.village_key for r in rows]
        runs = [v for i, v in enumerate(seq) if i == 0 or seq[i - 1] != v]
        assert len(runs) == len(set(runs))
        # and a second run finds no room
        again = scheduling.auto_assign(s, obj.id)
        assert again.assigned == 0 and again.full


def test_auto_assign_puts_elderly_disabled_home_visit_first(db):
    with db.session() as s:
        p = add_point(s)
        for i in range(20):
            add_citizen(s, f"Trần Văn Thường{i:02d}", village="Thôn A" if i % 2 else "Thôn B")
        old = add_citizen(s, "Lê Thị Cụ", village="Thôn Z", birth_year=1935, elderly=True)
        home = add_citizen(s, "Phạm Văn Nhà", village="Thôn B", needs_home_visit=True)
        dis = add_citizen(s, "Võ Văn Khuyết", village="Thôn A", disabled=True)
        obj = _session(s, p, start="08:00", end="08:30", slot=10, kits=1, mpp=5)  # 6 places
        res = scheduling.auto_assign(s, obj.id)
        assert res.assigned == 6
        appts = _appointments(s, obj.id)
        first_three = {a.citizen_id for a in sorted(appts, key=lambda a: (a.slot_start, a.id))[:3]}
        assert first_three == {old.id, home.id, dis.id}
        assert min(a.slot_start for a in appts if a.citizen_id == old.id) < dt.time(8, 20)


def test_auto_assign_prefers_earliest_deadline_and_sets_purpose(db):
    with db.session() as s:
        p = add_point(s)
        s.add(Target(indicator="vneid_l2_captured", value=100, deadline=DAY + dt.timedelta(days=20),
                     updated_at=dt.datetime(2025, 1, 1)))
        first = [add_citizen(s, f"Đỗ Văn Mới{i}") for i in range(6)]
        vneid = [add_citizen(s, f"Hồ Thị Thẻ{i}", has_card=True, card_issued_on=dt.date(2022, 5, 1),
                             birth_year=1980) for i in range(3)]
        # card issued at 20, expired at 25: renewal due, and VNeID not registered: both
        both = add_citizen(s, "Bùi Văn Đổi", has_card=True, card_issued_on=dt.date(2010, 3, 1), birth_year=1990)
        obj = _session(s, p, start="08:00", end="08:20", slot=10, kits=1, mpp=5)  # 4 places
        res = scheduling.auto_assign(s, obj.id)
        assert res.assigned == 4
        purposes = {a.citizen_id: a.purpose for a in _appointments(s, obj.id)}
        assert set(purposes) == {c.id for c in vneid} | {both.id}
        assert purposes[both.id] == "both"
        assert {purposes[c.id] for c in vneid} == {"vneid"}
        assert not {c.id for c in first} & set(purposes)


def test_auto_assign_skips_booked_terminal_and_deferred_and_records_events(db):
    with db.session() as s:
        p = add_point(s)
        a = add_citizen(s, "Ngô Văn Có Hẹn")
        b = add_citizen(s, "Ngô Văn Đã Mất")
        c = add_citizen(s, "Ngô Văn Đi Làm Xa")
        d = add_citizen(s, "Ngô Thị Được Xếp")
        add_citizen(s, "Ngô Bé Con", birth_year=dt.date.today().year - 8)  # not due: SQL NULLs must not leak
        add_citizen(s, "Ngô Không Rõ Tuổi", birth_year=None, id_number=None)
        statuses.record_event(s, b, "deceased")
        statuses.record_event(s, c, "deferred")
        earlier = _session(s, p, start="07:00", end="07:30", slot=10, day=DAY - dt.timedelta(days=1))
        scheduling.book(s, a.id, earlier.id)
        obj = _session(s, p)
        res = scheduling.auto_assign(s, obj.id, operator_id=None)
        assert res.assigned == 1 and res.skipped_already_booked == 1 and res.skipped_state == 1
        appt = _appointments(s, obj.id)[0]
        assert appt.citizen_id == d.id and appt.state == "booked"
        ev = s.scalar(select(StatusEvent).where(StatusEvent.citizen_id == d.id))
        assert (ev.event_type, ev.point_id, ev.appointment_id) == ("scheduled", p.id, appt.id)
        assert s.get(type(d), d.id).status == "scheduled"


def test_auto_assign_filters_kind_village_and_limit(db):
    with db.session() as s:
        p = add_point(s)
        for i in range(5):
            add_citizen(s, f"Mai Văn Đông{i}", village="Thôn Đông")
            add_citizen(s, f"Mai Văn Tây{i}", village="Thôn Tây")
        add_citizen(s, "Mai Thị Thẻ", village="Thôn Tây", has_card=True, card_issued_on=dt.date(2023, 1, 1))
        obj = _session(s, p, start="08:00", end="10:00", slot=30)
        res = scheduling.auto_assign(s, obj.id, villages=["thôn tây"], limit=3)
        assert res.assigned == 3 and not res.full
        assert {r.village for r in scheduling.appointments_for(s, obj.id)} == {"Thôn Tây"}
        res = scheduling.auto_assign(s, obj.id, kinds=["vneid_register"])
        assert res.assigned == 1
        assert scheduling.appointments_for(s, obj.id, "Thôn Tây")[-1].purpose in {"vneid"}


def test_auto_assign_on_a_few_thousand_due_citizens(db):
    """Streams the due rows; only the session's places become appointments."""
    with db.session() as s:
        p = add_point(s)
        for i in range(3000):
            add_citizen(s, f"Dân Số {i}", village=f"Thôn {i % 12}", id_number=None, elderly=(i % 500 == 0),
                        flush=False)
        s.flush()
        obj = _session(s, p, start="07:00", end="11:00", slot=30, kits=2, mpp=5)  # 96 places
        res = scheduling.auto_assign(s, obj.id)
        assert res.assigned == 96 and res.not_placed == 3000 - 96
        assert s.scalar(select(func.count()).select_from(Appointment)) == 96


# --- codes ----------------------------------------------------------------------------------------------


def test_codes_are_unique_opaque_and_well_formed(db):
    with db.session() as s:
        p = add_point(s)
        people = [add_citizen(s, f"Lý Văn Mã{i}", id_number=f"0010900{i:05d}") for i in range(150)]
        obj = _session(s, p, start="07:00", end="12:00", slot=30, kits=3, mpp=5)
        scheduling.auto_assign(s, obj.id)
        appts = _appointments(s, obj.id)
        assert len(appts) == 150
        got = [a.code for a in appts]
        assert len(set(got)) == len(got)
        by_id = {c.id: c for c in people}
        for a in appts:
            assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", a.code)
            assert not a.code.isdigit()
            number = by_id[a.citizen_id].id_number
            # nothing of the person inside: no 5-digit run of the ID number, no name letters
            assert not any(number[i:i + 5] in a.code for i in range(len(number) - 4))
        # the code does not depend on the person: booking the same citizen again draws a new code
        first = appts[0]
        scheduling.cancel_appointment(s, first.id)
        again = scheduling.book(s, first.citizen_id, obj.id)
        assert again.code != first.code


@pytest.mark.parametrize(
    "typed",
    [
        "k7q2m9xd4a\n",
        "K7Q2M9XD4A",
        " k7q2-m9xd4a ",
        "K7Q2M-9XD4A",
        "k7q2 m9xd 4a",
        "K7Q2M9XD4Ă",  # breve from a Vietnamese IME folds back
        "K7Q2M9XD4Á",  # tone mark
        "k7q2m9xd4a\t",
    ],
)
def test_normalise_code_from_scanner_input(typed):
    assert scheduling.normalise_code(typed) == "K7Q2M9XD4A"


def test_normalise_code_recovers_keystrokes_eaten_by_telex_and_vni():
    # Telex: the scanner types "DD" and the IME makes "Đ"; "AS" becomes "Á"
    assert scheduling.normalise_code("K7Q2M9XĐ4A") == "K7Q2M9XD4A"  # plain fold gives 10 chars: kept
    assert scheduling.normalise_code("K7Q2MĐ4AB") == "K7Q2MDD4AB"  # 9 chars: the lost D is restored
    assert scheduling.normalise_code("K7Q2MÁ4AB") == "K7Q2MAS4AB"
    assert scheduling.normalise_code("k7q2m9xd4") == "K7Q2M9XD4"  # short text stays as typed, cleaned
    assert "K7Q2MA14AB" in codes.code_candidates("K7Q2MÁ4AB")  # VNI reading
    # officers misreading the slip: O → 0, I/L → 1
    assert scheduling.normalise_code("K7Q2MO4ALB") == "K7Q2M04A1B"


def test_find_by_code_with_ime_input_and_after_a_move(db):
    with db.session() as s:
        p = add_point(s)
        c = add_citizen(s, "Đinh Văn Quét")
        obj = _session(s, p)
        appt = scheduling.book(s, c.id, obj.id)
        appt.code = "K7Q2MDD4AB"  # a code with a double D, as Telex would mangle it
        s.flush()
        assert scheduling.find_by_code(s, "k7q2mđ4ab").id == appt.id
        moved = scheduling.move_appointment(s, appt.id, to_slot=dt.time(8, 30))
        assert scheduling.find_by_code(s, "K7Q2M-DD4AB").id == moved.id


# --- booking, moving, cancelling, rescheduling ----------------------------------------------------------


def test_book_refuses_full_slot_and_double_booking(db):
    with db.session() as s:
        p = add_point(s)
        people = [add_citizen(s, f"Tạ Văn Đặt{i}") for i in range(4)]
        obj = _session(s, p, start="08:00", end="08:20", slot=10)  # 2 slots × 2
        scheduling.book(s, people[0].id, obj.id, dt.time(8, 0))
        scheduling.book(s, people[1].id, obj.id, "08:00")
        with pytest.raises(ValidationError, match="đã đủ chỗ"):
            scheduling.book(s, people[2].id, obj.id, dt.time(8, 0))
        assert scheduling.book(s, people[2].id, obj.id).slot_start == dt.time(8, 10)
        with pytest.raises(ValidationError, match="đã có lịch hẹn"):
            scheduling.book(s, people[0].id, obj.id)
        with pytest.raises(ValidationError, match="không có khung giờ"):
            scheduling.book(s, people[3].id, obj.id, dt.time(8, 5))


def test_move_refuses_full_slot_and_keeps_history(db):
    with db.session() as s:
        p = add_point(s)
        people = [add_citizen(s, f"Châu Văn Dời{i}") for i in range(3)]
        obj = _session(s, p, start="08:00", end="08:20", slot=10)
        a0 = scheduling.book(s, people[0].id, obj.id, dt.time(8, 0))
        scheduling.book(s, people[1].id, obj.id, dt.time(8, 10))
        scheduling.book(s, people[2].id, obj.id, dt.time(8, 10))
        with pytest.raises(ValidationError) as err:
            scheduling.move_appointment(s, a0.id, to_slot=dt.time(8, 10))
        assert "08:10 - 08:20" in err.value.reason and "đã đủ chỗ" in err.value.reason
        assert s.get(Appointment, a0.id).state == "booked"  # nothing changed
        other = _session(s, p, start="13:00", end="14:00", slot=30, day=DAY + dt.timedelta(days=1))
        new = scheduling.move_appointment(s, a0.id, to_enrollment_session_id=other.id)
        assert (new.session_id, new.slot_start, new.rescheduled_from_id) == (other.id, dt.time(13, 0), a0.id)
        assert s.get(Appointment, a0.id).state == "moved"
        assert new.code != a0.code
        events = [e.event_type for e in statuses.history(s, people[0].id)]
        assert events == ["scheduled", "rescheduled"]
        with pytest.raises(ValidationError):
            scheduling.move_appointment(s, a0.id, to_enrollment_session_id=other.id)  # already moved


def test_cancel_frees_the_place(db):
    with db.session() as s:
        p = add_point(s)
        a, b = add_citizen(s, "Kha Văn Hủy"), add_citizen(s, "Kha Văn Thay")
        obj = _session(s, p, start="08:00", end="08:10", slot=10, mpp=10)  # 1 place
        appt = scheduling.book(s, a.id, obj.id)
        with pytest.raises(ValidationError, match="hết chỗ"):
            scheduling.book(s, b.id, obj.id)
        scheduling.cancel_appointment(s, appt.id)
        assert scheduling.book(s, b.id, obj.id).slot_start == dt.time(8, 0)
        assert [r.citizen_id for r in scheduling.appointments_for(s, obj.id)] == [b.id]
        assert len(scheduling.appointments_for(s, obj.id, include_inactive=True)) == 2


def test_reschedule_no_shows(db):
    from desktop.services.scheduling import checkin

    with db.session() as s:
        p = add_point(s)
        people = [add_citizen(s, f"Lò Văn Vắng{i}", village="Bản Mường") for i in range(4)]
        past = _session(s, p, day=dt.date.today())
        appts = [scheduling.book(s, c.id, past.id) for c in people]
        checkin.mark(s, people[0].id, "attended", enrollment_session_id=past.id)
        for c in people[1:3]:
            checkin.mark(s, c.id, "no_show", enrollment_session_id=past.id)
        tiny = _session(s, p, start="13:00", end="13:05", slot=5, mpp=5)  # 1 place only
        with pytest.raises(ValidationError, match="chỉ còn 1 chỗ"):
            scheduling.reschedule_no_shows(s, past.id, tiny.id)
        new = _session(s, p, start="14:00", end="15:00", slot=30)
        assert scheduling.reschedule_no_shows(s, past.id, new.id) == 2
        rows = _appointments(s, new.id)
        assert {r.citizen_id for r in rows} == {people[1].id, people[2].id}
        assert {r.rescheduled_from_id for r in rows} == {appts[1].id, appts[2].id}
        for r in rows:
            assert r.state == "booked"
            assert statuses.history(s, r.citizen_id)[-1].event_type == "rescheduled"
            assert statuses.history(s, r.citizen_id)[-1].appointment_id == r.id
        assert scheduling.reschedule_no_shows(s, past.id, new.id) == 0  # idempotent


def test_appointments_for_sorted_by_slot_then_vietnamese_name_order(db):
    with db.session() as s:
        p = add_point(s)
        names = ["Trần Thị An", "Nguyễn Văn Đức", "Lê Văn Bình", "Đặng Thị Em", "Dương Văn Cường"]
        people = {n: add_citizen(s, n) for n in names}
        obj = _session(s, p, start="08:00", end="09:00", slot=30, kits=3)
        for n in names:
            scheduling.book(s, people[n].id, obj.id, dt.time(8, 0) if n != "Trần Thị An" else dt.time(8, 30))
        got = [r.full_name for r in scheduling.appointments_for(s, obj.id)]
        # by given name: Bình, Cường, Đức, Em (Đ after D), then the 08:30 slot
        assert got == ["Lê Văn Bình", "Dương Văn Cường", "Nguyễn Văn Đức", "Đặng Thị Em", "Trần Thị An"]
        config.put(s, KEY_NAME_ORDER, "family")
        got = [r.full_name for r in scheduling.appointments_for(s, obj.id)]
        assert got == ["Dương Văn Cường", "Đặng Thị Em", "Lê Văn Bình", "Nguyễn Văn Đức", "Trần Thị An"]
        row = scheduling.appointments_for(s, obj.id)[0]
        assert (row.slot_start, row.slot_end, row.birth_year) == (dt.time(8, 0), dt.time(8, 30), 1990)


def test_booking_refused_for_deceased_and_done_session(db):
    with db.session() as s:
        p = add_point(s)
        c = add_citizen(s, "Hà Văn Mất")
        statuses.record_event(s, c, "deceased")
        obj = _session(s, p)
        with pytest.raises(ValidationError, match="đã mất"):
            scheduling.book(s, c.id, obj.id)
        scheduling.set_enrollment_session_state(s, obj.id, "done")
        other = add_citizen(s, "Hà Văn Sống")
        with pytest.raises(ValidationError, match="đã kết thúc"):
            scheduling.book(s, other.id, obj.id)

"""Auto-assign never books back someone whose dossier for that work is already captured (on a real SQLite file)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.models import Appointment
from desktop.services import scheduling
from desktop.services.register import statuses
from tests.support.schedule import add_citizen, add_point

DAY = dt.date.today() + dt.timedelta(days=7)


def _session(s, point, *, day=DAY, start="08:00"):
    return scheduling.create_enrollment_session(
        s, point_id=point.id, day=day, start=start, end="09:00", slot_minutes=10, kits=1, minutes_per_person=5
    )


def _booked(s, session_id) -> dict[int, str]:
    rows = s.execute(select(Appointment.citizen_id, Appointment.purpose).where(Appointment.session_id == session_id))
    return {cid: purpose for cid, purpose in rows}


def test_card_dossier_captured_is_not_booked_again(db):
    """The card is being made from the captured dossier: no place in the next session (VNeID needs the card)."""
    with db.session() as s:
        p = add_point(s)
        captured = add_citizen(s, "Lý Văn Đã Chụp")
        waiting = add_citizen(s, "Lý Thị Chưa Làm")
        statuses.record_event(s, captured, "card_captured")  # came without an appointment
        later = _session(s, p)
        res = scheduling.auto_assign(s, later.id)
        assert _booked(s, later.id) == {waiting.id: "card"}
        assert (res.assigned, res.skipped_captured) == (1, 1)


def test_vneid_dossier_captured_is_not_booked_for_activation_before_approval(db):
    with db.session() as s:
        p = add_point(s)
        sent = add_citizen(s, "Mai Văn Đã Gửi", has_card=True, card_issued_on=dt.date(2022, 5, 1), birth_year=1980)
        statuses.record_event(s, sent, "vneid_l2_captured")
        approved = add_citizen(s, "Mai Thị Đã Duyệt", has_card=True, card_issued_on=dt.date(2022, 5, 1),
                               birth_year=1980)
        statuses.record_event(s, approved, "vneid_l2_captured")
        statuses.record_event(s, approved, "vneid_approved")
        obj = _session(s, p)
        res = scheduling.auto_assign(s, obj.id)
        assert _booked(s, obj.id) == {approved.id: "vneid"}  # approved: activation can be helped at the point
        assert res.skipped_captured == 1
        # the due list still shows both (the rules are unchanged): only booking waits
        assert scheduling.book(s, sent.id, obj.id) is not None


def test_a_renewal_captured_today_is_not_booked_again(db):
    with db.session() as s:
        p = add_point(s)
        # card issued at 20 (2010), expired at 25: due for renewal
        c = add_citizen(s, "Đinh Văn Đổi", has_card=True, card_issued_on=dt.date(2010, 3, 1), birth_year=1990,
                        vneid_stage=3)
        statuses.record_event(s, c, "card_captured")
        obj = _session(s, p)
        res = scheduling.auto_assign(s, obj.id)
        assert res.assigned == 0 and _booked(s, obj.id) == {}

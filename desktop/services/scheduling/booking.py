"""Appointments: book, move, cancel, reschedule no-shows, find by code, and a session's list.

Appointments carry an opaque random code (see `codes`) that the slip's QR holds; moving one creates a new
appointment (the old one is kept as `moved`) so the history stays append-only, and looking up an old
code follows the chain to the new one. Booking records a `scheduled` status event; moving and
rescheduling record `rescheduled` where the citizen's state allows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from common.vietnamese import NameOrder, fold
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Appointment, Citizen, EnrollmentSession
from desktop.services.peer.ids import device_id
from desktop.services.register import statuses
from desktop.services.scheduling.codes import code_candidates, device_prefix, is_code, new_code
from desktop.services.scheduling.enrollment_sessions import (
    PURPOSES,
    SlotInfo,
    at_minutes,
    check_bookable,
    free_places,
    get_enrollment_session,
    hm,
    minutes_of,
    now,
    parse_time,
    slot_bounds,
    slots,
)


@dataclass(frozen=True, slots=True)
class AppointmentRow:
    """One line of a session's list (UI table, printed village list, slips)."""

    appointment_id: int
    code: str
    citizen_id: int
    full_name: str
    birth_year: int | None
    id_number: str | None
    village: str
    village_key: str
    slot_start: dt.time
    slot_end: dt.time
    purpose: str
    state: str
    citizen_status: str
    rescheduled_from_id: int | None


def _get_appointment(session: Session, appointment_id: int) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise ValidationError("appointment_id", str(appointment_id), f"Không có lịch hẹn mã {appointment_id}",
                              en=f"There is no appointment {appointment_id}")
    return appt


def code_prefix(session: Session) -> str:
    """This laptop's code prefix (codes.device_prefix of its device id): codes unique across laptops."""
    return device_prefix(device_id(session))


def new_appointment_code(session: Session, taken: set[str] | None = None) -> str:
    """A code not yet in the database: this laptop's prefix + 40 random bits (a clash here is checked)."""
    prefix = code_prefix(session)
    for _ in range(50):
        code = new_code(prefix)
        if taken is not None and code in taken:
            continue
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            if taken is not None:
                taken.add(code)
            return code
    raise RuntimeError("could not draw a unique appointment code")  # pragma: no cover


def new_appointment_codes(session: Session, count: int, taken: set[str] | None = None) -> list[str]:
    """`count` distinct random codes, none in the database nor in `taken`: one IN query per 500 codes
    instead of one lookup per code (a clash is astronomically rare, but checked). Adds them to `taken`."""
    taken = set() if taken is None else taken
    out: list[str] = []
    prefix = code_prefix(session)
    for _ in range(50):
        need = count - len(out)
        if need <= 0:
            break
        fresh = list(dict.fromkeys(c for c in (new_code(prefix) for _ in range(need)) if c not in taken))
        used: set[str] = set()
        for i in range(0, len(fresh), 500):
            used.update(session.scalars(select(Appointment.code).where(Appointment.code.in_(fresh[i:i + 500]))))
        for code in fresh:
            if code not in used:
                taken.add(code)
                out.append(code)
    if len(out) < count:
        raise RuntimeError("could not draw unique appointment codes")  # pragma: no cover
    return out


def new_appointments(
    session: Session, enrollment_session: EnrollmentSession, items: list[tuple[int, dt.time, str]],
    *, taken: set[str] | None = None,
) -> list[int]:
    """Insert booked appointments for (citizen id, slot start, purpose) in one statement; their ids in order.

    The bulk form of `new_appointment` (no flush per row); the caller records the status events
    (`statuses.record_events_many`) in the same transaction.
    """
    if not items:
        return []
    codes = new_appointment_codes(session, len(items), taken)
    created = now()
    rows = [
        {"code": code, "citizen_id": cid, "session_id": enrollment_session.id, "slot_start": start,
         "purpose": purpose, "state": "booked", "rescheduled_from_id": None, "created_at": created}
        for (cid, start, purpose), code in zip(items, codes, strict=True)
    ]
    result = session.execute(insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True), rows)
    return [int(x) for x in result.scalars()]


def _future_booking(session: Session, citizen_id: int, from_day: dt.date) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
        .where(
            Appointment.citizen_id == citizen_id,
            Appointment.state == "booked",
            EnrollmentSession.day >= from_day,
        )
        .order_by(EnrollmentSession.day)
        .limit(1)
    )


def booked_from_day(enrollment_session: EnrollmentSession) -> dt.date:
    """A booked appointment on or after this day means the citizen already holds one still to come."""
    return min(dt.date.today(), enrollment_session.day)


def default_purpose(citizen: Citizen) -> str:
    """Without a due list at hand: no card → card (and VNeID later); a card but no VNeID → vneid."""
    if not citizen.has_card:
        return "card"
    return "vneid" if int(citizen.vneid_stage or 0) == 0 else "card"


def name_order_column(session: Session) -> InstrumentedAttribute[str]:
    """The citizens' sort column for the commune's name order (given name first, or family name first)."""
    return Citizen.sort_family if config.name_order(session) is NameOrder.FAMILY else Citizen.sort_given


def _pick_slot(
    enrollment_session: EnrollmentSession, sl: list[SlotInfo], slot_start: dt.time | str | None
) -> dt.time:
    es = enrollment_session
    if slot_start is None:
        for x in sl:
            if x.free > 0:
                return x.start
        raise ValidationError("enrollment_session_id", str(es.id), f"Buổi thu nhận ngày {es.day:%d/%m/%Y} đã hết chỗ",
                              en=f"The enrolment session on {es.day:%d/%m/%Y} is full")
    start = parse_time(slot_start, "slot_start")
    for x in sl:
        if x.start == start:
            if x.free <= 0:
                raise ValidationError(
                    "slot_start", hm(start),
                    f"Khung giờ {x.label} ngày {es.day:%d/%m/%Y} đã đủ chỗ ({x.booked}/{x.capacity})",
                    en=f"Time slot {x.label} on {es.day:%d/%m/%Y} is full ({x.booked}/{x.capacity})",
                )
            return x.start
    raise ValidationError("slot_start", hm(start), f"Buổi không có khung giờ bắt đầu lúc {hm(start)}",
                          en=f"The session has no time slot starting at {hm(start)}")


def new_appointment(
    session: Session, citizen_id: int, enrollment_session: EnrollmentSession, slot_start: dt.time, purpose: str,
    *, state: str = "booked", rescheduled_from_id: int | None = None, taken: set[str] | None = None,
) -> Appointment:
    appt = Appointment(
        code=new_appointment_code(session, taken), citizen_id=citizen_id, session_id=enrollment_session.id,
        slot_start=slot_start, purpose=purpose, state=state, rescheduled_from_id=rescheduled_from_id,
        created_at=now(),
    )
    session.add(appt)
    session.flush()
    return appt


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValidationError("purpose", purpose, f"Mục đích '{purpose}' không hợp lệ (card, vneid, both)",
                              en=f"Purpose '{purpose}' is not valid (card, vneid, both)")
    return purpose


def book(
    session: Session,
    citizen_id: int,
    enrollment_session_id: int,
    slot_start: dt.time | str | None = None,
    purpose: str | None = None,
    *,
    operator_id: int | None = None,
) -> Appointment:
    """Book one citizen into a slot (the first with room when none is given); records `scheduled`."""
    es = get_enrollment_session(session, enrollment_session_id)
    check_bookable(es)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise ValidationError("citizen_id", str(citizen_id), f"Không có công dân mã {citizen_id}",
                              en=f"There is no citizen {citizen_id}")
    existing = _future_booking(session, citizen_id, booked_from_day(es))
    if existing is not None:
        other = get_enrollment_session(session, existing.session_id)
        raise ValidationError(
            "citizen_id", str(citizen_id),
            f"{citizen.full_name} đã có lịch hẹn ngày {other.day:%d/%m/%Y} lúc {hm(existing.slot_start)}: "
            "hãy chuyển lịch thay vì đặt thêm",
            en=f"{citizen.full_name} already has an appointment on {other.day:%d/%m/%Y} at "
               f"{hm(existing.slot_start)}: move that appointment instead of booking another",
        )
    statuses.apply(statuses.state_of(citizen), statuses.EventType.SCHEDULED)  # refuses before writing
    start = _pick_slot(es, slots(es, session), slot_start)
    appt = new_appointment(session, citizen_id, es, start, _check_purpose(purpose or default_purpose(citizen)))
    statuses.record_event(
        session, citizen, statuses.EventType.SCHEDULED, point=es.point_id, operator_id=operator_id,
        appointment_id=appt.id,
    )
    return appt


@declares(Changes(schedule=True, statuses=True))
def move_appointment(
    session: Session,
    appointment_id: int,
    *,
    to_enrollment_session_id: int | None = None,
    to_slot: dt.time | str | None = None,
    operator_id: int | None = None,
) -> Appointment:
    """Move a booked appointment to another slot and/or session; the old one is kept as `moved`.

    The new appointment has a new code and `rescheduled_from_id` = the old one; a lookup of the old
    code follows to it. A full target slot is refused.
    """
    old = _get_appointment(session, appointment_id)
    if to_enrollment_session_id is None and to_slot is None:
        raise ValidationError("to_enrollment_session_id", None, "Chọn buổi hoặc khung giờ mới để chuyển lịch hẹn",
                              en="Choose a new session or time slot to move the appointment to")
    if old.state != "booked":
        raise ValidationError(
            "appointment_id", str(appointment_id), f"Chỉ chuyển được lịch hẹn đang chờ (lịch này: {old.state})",
            en=f"Only a pending appointment can be moved (this one: {old.state})",
        )
    target = get_enrollment_session(
        session, to_enrollment_session_id if to_enrollment_session_id is not None else old.session_id
    )
    check_bookable(target)
    if target.id == old.session_id and to_slot is not None and parse_time(to_slot, "to_slot") == old.slot_start:
        return old
    # The old place is freed first, so moving inside a full session to a free slot works.
    old.state = "moved"
    session.flush()
    try:
        start = _pick_slot(target, slots(target, session), to_slot)
    except ValidationError:
        old.state = "booked"
        session.flush()
        raise
    new = new_appointment(session, old.citizen_id, target, start, old.purpose, rescheduled_from_id=old.id)
    citizen = session.get(Citizen, old.citizen_id)
    assert citizen is not None  # a foreign key
    _record_if_allowed(session, citizen, statuses.EventType.RESCHEDULED, target.point_id, operator_id, new.id)
    return new


def _record_if_allowed(
    session: Session, citizen: Citizen, event: str, point_id: int | None, operator_id: int | None, appt_id: int
) -> bool:
    try:
        statuses.apply(statuses.state_of(citizen), event)
    except ValidationError:
        return False
    statuses.record_event(session, citizen, event, point=point_id, operator_id=operator_id, appointment_id=appt_id)
    return True


def cancel_appointment(session: Session, appointment_id: int) -> Appointment:
    """Free the place of a booked appointment (the citizen stays due and can be booked again)."""
    appt = _get_appointment(session, appointment_id)
    if appt.state != "booked":
        raise ValidationError(
            "appointment_id", str(appointment_id), f"Chỉ hủy được lịch hẹn đang chờ (lịch này: {appt.state})",
            en=f"Only a pending appointment can be cancelled (this one: {appt.state})",
        )
    appt.state = "cancelled"
    session.flush()
    return appt


@declares(Changes(schedule=True, statuses=True))
def reschedule_no_shows(
    session: Session,
    from_enrollment_session_id: int,
    to_enrollment_session_id: int,
    *,
    operator_id: int | None = None,
) -> int:
    """Give every no-show of one session a new appointment in another; returns how many were made.

    Idempotent: a no-show already rescheduled is skipped, as is one who has since booked again or whose
    state no longer allows it (e.g. came on another day). Refuses, writing nothing, when the new session
    lacks room for all of them.
    """
    src = get_enrollment_session(session, from_enrollment_session_id)
    dst = get_enrollment_session(session, to_enrollment_session_id)
    if src.id == dst.id:
        raise ValidationError("to_enrollment_session_id", str(to_enrollment_session_id), "Buổi mới phải khác buổi cũ",
                              en="The new session must differ from the old one")
    check_bookable(dst)
    already = select(Appointment.rescheduled_from_id).where(Appointment.rescheduled_from_id.is_not(None))
    order = name_order_column(session)
    rows = session.execute(
        select(Appointment, Citizen)
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .where(
            Appointment.session_id == src.id, Appointment.state == "no_show", Appointment.id.not_in(already)
        )
        .order_by(Citizen.village_key, order, Citizen.id)
    ).all()
    todo = []
    for appt, citizen in rows:
        if _future_booking(session, citizen.id, booked_from_day(dst)) is not None:
            continue
        try:
            statuses.apply(statuses.state_of(citizen), statuses.EventType.RESCHEDULED)
        except ValidationError:
            continue
        todo.append((appt, citizen))
    sl = slots(dst, session)
    free = sum(x.free for x in sl)
    if len(todo) > free:
        raise ValidationError(
            "to_enrollment_session_id", str(to_enrollment_session_id),
            f"Buổi ngày {dst.day:%d/%m/%Y} chỉ còn {free} chỗ cho {len(todo)} người vắng mặt",
            en=f"The session on {dst.day:%d/%m/%Y} has only {free} places left for {len(todo)} absent people",
        )
    taken: set[str] = set()
    for (appt, citizen), start in zip(todo, free_places(sl), strict=False):
        new = new_appointment(
            session, citizen.id, dst, start, appt.purpose, rescheduled_from_id=appt.id, taken=taken
        )
        statuses.record_event(
            session, citizen, statuses.EventType.RESCHEDULED, point=dst.point_id, operator_id=operator_id,
            appointment_id=new.id,
        )
    return len(todo)


def find_by_code(session: Session, text: str) -> Appointment | None:
    """The appointment a scanned or typed code points to, following moves to the current one."""
    appt = None
    for cand in code_candidates(text):
        if is_code(cand):
            appt = session.scalar(select(Appointment).where(Appointment.code == cand))
            if appt is not None:
                break
    for _ in range(20):  # follow moved → its replacement
        if appt is None or appt.state != "moved":
            break
        nxt = session.scalar(
            select(Appointment).where(Appointment.rescheduled_from_id == appt.id).order_by(Appointment.id.desc())
        )
        if nxt is None:
            break
        appt = nxt
    return appt


def slot_ends(enrollment_session: EnrollmentSession) -> dict[dt.time, dt.time]:
    """Each slot start of the session → its end (a start off the grid, e.g. after a change of the session's
    hours, ends one slot length later; `slot_end()` answers for those)."""
    return dict(slot_bounds(enrollment_session))


def slot_end(enrollment_session: EnrollmentSession, ends: dict[dt.time, dt.time], start: dt.time) -> dt.time:
    end = ends.get(start)
    if end is None:
        end = ends[start] = at_minutes(min(minutes_of(start) + enrollment_session.slot_minutes, 24 * 60 - 1))
    return end


def appointments_for(
    session: Session, enrollment_session_id: int, village_key: str | None = None, *, include_inactive: bool = False
) -> list[AppointmentRow]:
    """The session's appointments by slot, then by name in the commune's chosen order.

    Moved and cancelled appointments are left out unless `include_inactive`. Plain columns (a Core
    query), not ORM objects: a 10,000-row session loads in a tenth of the time.
    """
    es = get_enrollment_session(session, enrollment_session_id)
    ends = slot_ends(es)
    q = (
        select(
            Appointment.id, Appointment.code, Citizen.id, Citizen.full_name, Citizen.birth_year, Citizen.birth_date,
            Citizen.id_number, Citizen.village, Citizen.village_key, Appointment.slot_start, Appointment.purpose,
            Appointment.state, Citizen.status, Appointment.rescheduled_from_id,
        )
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .where(Appointment.session_id == enrollment_session_id)
    )
    if not include_inactive:
        q = q.where(Appointment.state.not_in(("moved", "cancelled")))
    if village_key:
        q = q.where(Citizen.village_key == fold(village_key))
    q = q.order_by(Appointment.slot_start, name_order_column(session), Citizen.id)
    return [
        AppointmentRow(
            appointment_id=aid, code=code, citizen_id=cid, full_name=name,
            birth_year=year or (born.year if born else None), id_number=id_number, village=village,
            village_key=vkey, slot_start=start, slot_end=slot_end(es, ends, start), purpose=purpose, state=state,
            citizen_status=status, rescheduled_from_id=moved_from,
        )
        for aid, code, cid, name, year, born, id_number, village, vkey, start, purpose, state, status, moved_from
        in session.execute(q)
    ]

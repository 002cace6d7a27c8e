"""Enrollment sessions and their time slots: create, list, summarise, change state; capacity per slot.

An enrollment session (`EnrollmentSession`) is one point on one day between two times, cut into equal
slots. A slot holds kits × (slot_minutes // minutes_per_person) people. Capacity counts appointments that
occupy a place: `booked` and `attended` (walk-ins are served even beyond capacity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from common.vietnamese import nfc
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Appointment, EnrollmentSession, Point

PURPOSES = ("card", "vneid", "both")
PURPOSE_LABELS_VI = {"card": "Cấp thẻ Căn cước", "vneid": "Định danh điện tử mức 2", "both": "Thẻ Căn cước + VNeID"}
OCCUPYING = ("booked", "attended")  # appointment states that take a place in a slot
ENROLLMENT_SESSION_STATES = ("planned", "open", "done", "cancelled")
MAX_KITS = 50


@dataclass(frozen=True, slots=True)
class SlotInfo:
    start: dt.time
    end: dt.time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M} - {self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class EnrollmentSessionSummary:
    id: int
    point_id: int
    point_code: str
    point_name: str
    day: dt.date
    start: dt.time
    end: dt.time
    slot_minutes: int
    kits: int
    minutes_per_person: int
    capacity_per_slot: int
    capacity: int
    booked: int
    state: str
    note: str


# --- small helpers (shared by booking and auto-assign) ------------------------------------------------


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def parse_time(value: str | dt.time, field_name: str = "start") -> dt.time:
    """'7:30', '07:30', '0730' or a time → time; ValidationError naming the field otherwise."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    text = str(value or "").strip().replace("h", ":").replace(".", ":")
    if text.isdigit() and len(text) in (3, 4):
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        hh, mm = text.split(":")[:2]
        return dt.time(int(hh), int(mm or 0))
    except (ValueError, TypeError):
        raise ValidationError(field_name, str(value), f"Giờ '{value}' không hợp lệ (dạng HH:MM)",
                              en=f"Time '{value}' is not valid (use HH:MM)") from None


def minutes_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def at_minutes(m: int) -> dt.time:
    return dt.time(m // 60, m % 60)


def hm(t: dt.time) -> str:
    return f"{t:%H:%M}"


def get_enrollment_session(session: Session, enrollment_session_id: int) -> EnrollmentSession:
    obj = session.get(EnrollmentSession, enrollment_session_id)
    if obj is None:
        raise ValidationError(
            "enrollment_session_id", str(enrollment_session_id),
            f"Không có buổi thu nhận mã {enrollment_session_id}",
            en=f"There is no enrolment session {enrollment_session_id}",
        )
    return obj


def check_bookable(enrollment_session: EnrollmentSession) -> None:
    """Done and cancelled sessions take no bookings."""
    es = enrollment_session
    if es.state in ("done", "cancelled"):
        label = "đã kết thúc" if es.state == "done" else "đã hủy"
        label_en = "is over" if es.state == "done" else "was cancelled"
        raise ValidationError(
            "enrollment_session_id", str(es.id), f"Buổi thu nhận ngày {es.day:%d/%m/%Y} {label}",
            en=f"The enrolment session on {es.day:%d/%m/%Y} {label_en}",
        )


# --- sessions and slots --------------------------------------------------------------------------


def _check_sizes(slot_minutes: int, kits: int, minutes_per_person: int, duration: int) -> tuple[int, int, int]:
    """Slot length, capture kits and minutes per person as whole numbers that fit a session of `duration`."""
    try:
        slot_minutes, kits, minutes_per_person = int(slot_minutes), int(kits), int(minutes_per_person)
    except (TypeError, ValueError):
        raise ValidationError("slot_minutes", str(slot_minutes), "Số phút, số máy phải là số nguyên",
                              en="Minutes and the number of kits must be whole numbers") from None
    if not 5 <= slot_minutes <= 240:
        raise ValidationError("slot_minutes", str(slot_minutes), "Độ dài khung giờ phải từ 5 đến 240 phút",
                              en="A time slot must be 5 to 240 minutes long")
    if slot_minutes > duration:
        raise ValidationError(
            "slot_minutes", str(slot_minutes),
            f"Độ dài khung giờ ({slot_minutes} phút) dài hơn cả buổi ({duration} phút)",
            en=f"The time slot ({slot_minutes} minutes) is longer than the whole session ({duration} "
               "minutes)",
        )
    if duration % slot_minutes:
        raise ValidationError(
            "slot_minutes", str(slot_minutes),
            f"Thời lượng buổi ({duration} phút) không chia hết cho độ dài khung giờ ({slot_minutes} phút)",
            en=f"The session length ({duration} minutes) is not a multiple of the time slot ({slot_minutes} "
               "minutes)",
        )
    if not 1 <= kits <= MAX_KITS:
        raise ValidationError("kits", str(kits), f"Số bộ máy thu nhận phải từ 1 đến {MAX_KITS}",
                              en=f"The number of enrolment kits must be from 1 to {MAX_KITS}")
    if not 1 <= minutes_per_person <= slot_minutes:
        raise ValidationError(
            "minutes_per_person", str(minutes_per_person),
            f"Số phút cho mỗi người phải từ 1 đến độ dài khung giờ ({slot_minutes} phút)",
            en=f"Minutes per person must be from 1 to the time slot length ({slot_minutes} minutes)",
        )
    return slot_minutes, kits, minutes_per_person


@declares(Changes(schedule=True))
def create_enrollment_session(
    session: Session,
    *,
    point_id: int,
    day: dt.date,
    start: dt.time | str,
    end: dt.time | str,
    slot_minutes: int = 30,
    kits: int = 1,
    minutes_per_person: int = 5,
    note: str = "",
) -> EnrollmentSession:
    """Plan a session; refuses impossible times and overlaps with another session at the same point."""
    point = session.get(Point, point_id) if point_id is not None else None
    if point is None:
        raise ValidationError("point_id", str(point_id), f"Điểm thu nhận {point_id} không tồn tại",
                              en=f"Enrolment point {point_id} does not exist")
    if not point.active:
        raise ValidationError("point_id", str(point_id), f"Điểm thu nhận '{point.name}' đã ngừng hoạt động",
                              en=f"Enrolment point '{point.name}' is no longer active")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError("day", str(day), "Ngày của buổi thu nhận không hợp lệ",
                              en="The session date is not valid")
    t0, t1 = parse_time(start, "start"), parse_time(end, "end")
    if minutes_of(t1) <= minutes_of(t0):
        raise ValidationError("end", hm(t1), f"Giờ kết thúc ({hm(t1)}) phải sau giờ bắt đầu ({hm(t0)})",
                              en=f"The end time ({hm(t1)}) must be after the start time ({hm(t0)})")
    slot_minutes, kits, minutes_per_person = _check_sizes(
        slot_minutes, kits, minutes_per_person, minutes_of(t1) - minutes_of(t0))
    for other in session.scalars(
        select(EnrollmentSession).where(
            EnrollmentSession.point_id == point_id,
            EnrollmentSession.day == day,
            EnrollmentSession.state != "cancelled",
        )
    ):
        if minutes_of(other.start_time) < minutes_of(t1) and minutes_of(t0) < minutes_of(other.end_time):
            raise ValidationError(
                "start", hm(t0),
                f"Điểm '{point.name}' đã có buổi {hm(other.start_time)}–{hm(other.end_time)} "
                f"ngày {day:%d/%m/%Y} trùng giờ",
                en=f"Point '{point.name}' already has a session {hm(other.start_time)}–{hm(other.end_time)} "
                   f"on {day:%d/%m/%Y} at the same time",
            )
    obj = EnrollmentSession(
        point_id=point_id, day=day, start_time=t0, end_time=t1, slot_minutes=slot_minutes, kits=kits,
        minutes_per_person=minutes_per_person, state="planned", note=nfc(note), created_at=now(),
    )
    session.add(obj)
    session.flush()
    return obj


def slot_bounds(enrollment_session: EnrollmentSession) -> list[tuple[dt.time, dt.time]]:
    """(start, end) of every slot in time order."""
    es = enrollment_session
    a, b, step = minutes_of(es.start_time), minutes_of(es.end_time), max(1, es.slot_minutes)
    out = []
    m = a
    while m + step <= b:
        out.append((at_minutes(m), at_minutes(m + step)))
        m += step
    if m < b:  # a trailing remainder (sessions edited by hand); keep it bookable
        out.append((at_minutes(m), at_minutes(b)))
    return out


def _booked_by_slot(session: Session, enrollment_session_id: int) -> dict[dt.time, int]:
    rows = session.execute(
        select(Appointment.slot_start, func.count())
        .where(Appointment.session_id == enrollment_session_id, Appointment.state.in_(OCCUPYING))
        .group_by(Appointment.slot_start)
    )
    return {t: n for t, n in rows}


def _slot_capacity(enrollment_session: EnrollmentSession, start: dt.time, end: dt.time) -> int:
    es = enrollment_session
    length = minutes_of(end) - minutes_of(start)
    if length >= es.slot_minutes:
        return es.capacity_per_slot
    return max(1, es.kits * (length // max(1, es.minutes_per_person)))


def slots(enrollment_session: EnrollmentSession, session: Session | None = None) -> list[SlotInfo]:
    """The session's slots in order, each with its capacity and the places taken."""
    es = enrollment_session
    db = session or object_session(es)
    booked_raw = _booked_by_slot(db, es.id) if db is not None and es.id else {}
    bounds = slot_bounds(es)
    booked = [0] * len(bounds)
    for t, n in booked_raw.items():  # appointments off the grid count in the slot that contains them
        idx = 0
        for i, (a, _b) in enumerate(bounds):
            if minutes_of(a) <= minutes_of(t):
                idx = i
        booked[idx] += n
    return [SlotInfo(a, b, _slot_capacity(es, a, b), booked[i]) for i, (a, b) in enumerate(bounds)]


def free_places(slot_list: list[SlotInfo]) -> Iterator[dt.time]:
    """Every free place, slot by slot in time order (the slot's start, once per free place)."""
    for x in slot_list:
        for _ in range(x.free):
            yield x.start


def slot_for(enrollment_session: EnrollmentSession, when: dt.time) -> dt.time:
    """Start of the slot that contains `when` (before the session: the first; after: the last)."""
    bounds = slot_bounds(enrollment_session)
    chosen = bounds[0][0]
    for a, _b in bounds:
        if minutes_of(a) <= minutes_of(when):
            chosen = a
    return chosen


def _summary(session: Session, enrollment_session: EnrollmentSession, point: Point) -> EnrollmentSessionSummary:
    es = enrollment_session
    sl = slots(es, session)
    return EnrollmentSessionSummary(
        id=es.id, point_id=es.point_id, point_code=point.code, point_name=point.name, day=es.day,
        start=es.start_time, end=es.end_time, slot_minutes=es.slot_minutes, kits=es.kits,
        minutes_per_person=es.minutes_per_person, capacity_per_slot=es.capacity_per_slot,
        capacity=sum(x.capacity for x in sl), booked=sum(x.booked for x in sl), state=es.state, note=es.note,
    )


def list_enrollment_sessions(
    session: Session, day_from: dt.date | None = None, day_to: dt.date | None = None, *, point_id: int | None = None,
    with_booked: bool = False,
) -> list[EnrollmentSessionSummary]:
    """Sessions by day and start time, with capacity and places taken. `with_booked`: also the sessions
    before `day_from` where citizens still hold a booked appointment (the officer must see them)."""
    q = select(EnrollmentSession, Point).join(Point, Point.id == EnrollmentSession.point_id)
    if day_from is not None:
        since = EnrollmentSession.day >= day_from
        if with_booked:
            since = since | EnrollmentSession.id.in_(select(Appointment.session_id).where(Appointment.state == "booked"))
        q = q.where(since)
    if day_to is not None:
        q = q.where(EnrollmentSession.day <= day_to)
    if point_id is not None:
        q = q.where(EnrollmentSession.point_id == point_id)
    q = q.order_by(EnrollmentSession.day, EnrollmentSession.start_time, EnrollmentSession.id)
    return [_summary(session, es, p) for es, p in session.execute(q)]


def enrollment_session_summary(session: Session, enrollment_session_id: int) -> EnrollmentSessionSummary:
    es = get_enrollment_session(session, enrollment_session_id)
    point = session.get(Point, es.point_id)
    assert point is not None  # a foreign key
    return _summary(session, es, point)


def set_enrollment_session_state(session: Session, enrollment_session_id: int, state: str) -> EnrollmentSession:
    """planned → open (check-in running) → done; or cancelled."""
    if state not in ENROLLMENT_SESSION_STATES:
        raise ValidationError("state", state, f"Trạng thái buổi '{state}' không hợp lệ",
                              en=f"Session state '{state}' is not valid")
    es = get_enrollment_session(session, enrollment_session_id)
    es.state = state
    session.flush()
    return es

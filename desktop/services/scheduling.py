"""Enrollment sessions, their time slots, and the appointments in them.

A session is one point on one day between two times, cut into equal slots. A slot holds
kits × (slot_minutes // minutes_per_person) people. Appointments carry an opaque random code (see
`codes`) that the slip's QR holds; moving one creates a new appointment (the old one is kept as `moved`)
so the history stays append-only, and looking up an old code follows the chain to the new one.

Booking records a `scheduled` status event; moving and rescheduling record `rescheduled` where the
citizen's state allows it. Capacity counts appointments that occupy a place: `booked` and `attended`
(walk-ins are served even beyond capacity).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from desktop import config
from desktop.models import Appointment, Citizen, EnrollmentSession, Point
from desktop.services import statuses
from desktop.services.codes import code_candidates, display, is_code, new_code, normalise_code
from desktop.services.errors import ValidationError
from desktop.vietnamese import NameOrder, fold, nfc

__all__ = [
    "OCCUPYING", "PURPOSES", "AppointmentRow", "AssignResult", "SessionSummary", "SlotInfo",
    "appointments_for", "auto_assign", "book", "cancel_appointment", "check_bookable", "code_candidates",
    "create_session", "default_purpose", "display", "find_by_code", "get_session", "is_code", "list_sessions",
    "move_appointment", "new_appointment", "new_appointment_code", "normalise_code", "parse_time",
    "reschedule_no_shows", "session_summary", "set_session_state", "slot_for", "slots",
]

PURPOSES = ("card", "vneid", "both")
PURPOSE_LABELS_VI = {"card": "Cấp thẻ Căn cước", "vneid": "Định danh điện tử mức 2", "both": "Thẻ Căn cước + VNeID"}
OCCUPYING = ("booked", "attended")  # appointment states that take a place in a slot
SESSION_STATES = ("planned", "open", "done", "cancelled")
MAX_KITS = 50
_NO_SCHEDULE = frozenset(str(x) for x in statuses.TERMINAL)  # statuses.apply refuses `scheduled` from these
_NOT_AUTO = frozenset({statuses.Status.DEFERRED.value, statuses.Status.REJECTED.value})


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
class SessionSummary:
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


@dataclass(slots=True)
class AssignResult:
    assigned: int = 0
    skipped_already_booked: int = 0
    full: bool = False  # no free place is left in the session
    skipped_state: int = 0  # due but not booked automatically: deferred, rejected (or a terminal state)
    not_placed: int = 0  # due and free, but the session had no room left for them
    appointment_ids: list[int] = field(default_factory=list)


# --- small helpers -------------------------------------------------------------------------------


def _now() -> dt.datetime:
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
        raise ValidationError(field_name, str(value), f"Giờ '{value}' không hợp lệ (dạng HH:MM)") from None


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _at_minutes(m: int) -> dt.time:
    return dt.time(m // 60, m % 60)


def _hm(t: dt.time) -> str:
    return f"{t:%H:%M}"


def get_session(session: Session, session_id: int) -> EnrollmentSession:
    obj = session.get(EnrollmentSession, session_id)
    if obj is None:
        raise ValidationError("session_id", str(session_id), f"Không có buổi thu nhận mã {session_id}")
    return obj


def _get_appointment(session: Session, appointment_id: int) -> Appointment:
    appt = session.get(Appointment, appointment_id)
    if appt is None:
        raise ValidationError("appointment_id", str(appointment_id), f"Không có lịch hẹn mã {appointment_id}")
    return appt


def new_appointment_code(session: Session, taken: set[str] | None = None) -> str:
    """A random code not yet in the database (50 bits: a clash is astronomically rare, but checked)."""
    for _ in range(50):
        code = new_code()
        if taken is not None and code in taken:
            continue
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            if taken is not None:
                taken.add(code)
            return code
    raise RuntimeError("could not draw a unique appointment code")  # pragma: no cover


# --- sessions and slots --------------------------------------------------------------------------


def create_session(
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
        raise ValidationError("point_id", str(point_id), f"Điểm thu nhận {point_id} không tồn tại")
    if not point.active:
        raise ValidationError("point_id", str(point_id), f"Điểm thu nhận '{point.name}' đã ngừng hoạt động")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError("day", str(day), "Ngày của buổi thu nhận không hợp lệ")
    t0, t1 = parse_time(start, "start"), parse_time(end, "end")
    if _minutes(t1) <= _minutes(t0):
        raise ValidationError("end", _hm(t1), f"Giờ kết thúc ({_hm(t1)}) phải sau giờ bắt đầu ({_hm(t0)})")
    try:
        slot_minutes, kits, minutes_per_person = int(slot_minutes), int(kits), int(minutes_per_person)
    except (TypeError, ValueError):
        raise ValidationError("slot_minutes", str(slot_minutes), "Số phút, số máy phải là số nguyên") from None
    if not 5 <= slot_minutes <= 240:
        raise ValidationError("slot_minutes", str(slot_minutes), "Độ dài khung giờ phải từ 5 đến 240 phút")
    duration = _minutes(t1) - _minutes(t0)
    if slot_minutes > duration:
        raise ValidationError(
            "slot_minutes", str(slot_minutes),
            f"Độ dài khung giờ ({slot_minutes} phút) dài hơn cả buổi ({duration} phút)",
        )
    if duration % slot_minutes:
        raise ValidationError(
            "slot_minutes", str(slot_minutes),
            f"Thời lượng buổi ({duration} phút) không chia hết cho độ dài khung giờ ({slot_minutes} phút)",
        )
    if not 1 <= kits <= MAX_KITS:
        raise ValidationError("kits", str(kits), f"Số bộ máy thu nhận phải từ 1 đến {MAX_KITS}")
    if not 1 <= minutes_per_person <= slot_minutes:
        raise ValidationError(
            "minutes_per_person", str(minutes_per_person),
            f"Số phút cho mỗi người phải từ 1 đến độ dài khung giờ ({slot_minutes} phút)",
        )
    for other in session.scalars(
        select(EnrollmentSession).where(
            EnrollmentSession.point_id == point_id,
            EnrollmentSession.day == day,
            EnrollmentSession.state != "cancelled",
        )
    ):
        if _minutes(other.start_time) < _minutes(t1) and _minutes(t0) < _minutes(other.end_time):
            raise ValidationError(
                "start", _hm(t0),
                f"Điểm '{point.name}' đã có buổi {_hm(other.start_time)}–{_hm(other.end_time)} "
                f"ngày {day:%d/%m/%Y} trùng giờ",
            )
    obj = EnrollmentSession(
        point_id=point_id, day=day, start_time=t0, end_time=t1, slot_minutes=slot_minutes, kits=kits,
        minutes_per_person=minutes_per_person, state="planned", note=nfc(note), created_at=_now(),
    )
    session.add(obj)
    session.flush()
    return obj


def _slot_bounds(s: EnrollmentSession) -> list[tuple[dt.time, dt.time]]:
    a, b, step = _minutes(s.start_time), _minutes(s.end_time), max(1, s.slot_minutes)
    out = []
    m = a
    while m + step <= b:
        out.append((_at_minutes(m), _at_minutes(m + step)))
        m += step
    if m < b:  # a trailing remainder (sessions edited by hand); keep it bookable
        out.append((_at_minutes(m), _at_minutes(b)))
    return out


def _booked_by_slot(session: Session, session_id: int) -> dict[dt.time, int]:
    rows = session.execute(
        select(Appointment.slot_start, func.count())
        .where(Appointment.session_id == session_id, Appointment.state.in_(OCCUPYING))
        .group_by(Appointment.slot_start)
    )
    return {t: n for t, n in rows}


def _slot_capacity(s: EnrollmentSession, start: dt.time, end: dt.time) -> int:
    length = _minutes(end) - _minutes(start)
    if length >= s.slot_minutes:
        return s.capacity_per_slot
    return max(1, s.kits * (length // max(1, s.minutes_per_person)))


def slots(session_obj: EnrollmentSession, session: Session | None = None) -> list[SlotInfo]:
    """The session's slots in order, each with its capacity and the places taken."""
    db = session or object_session(session_obj)
    booked_raw = _booked_by_slot(db, session_obj.id) if db is not None and session_obj.id else {}
    bounds = _slot_bounds(session_obj)
    booked = [0] * len(bounds)
    for t, n in booked_raw.items():  # appointments off the grid count in the slot that contains them
        idx = 0
        for i, (a, _b) in enumerate(bounds):
            if _minutes(a) <= _minutes(t):
                idx = i
        booked[idx] += n
    return [SlotInfo(a, b, _slot_capacity(session_obj, a, b), booked[i]) for i, (a, b) in enumerate(bounds)]


def slot_for(session_obj: EnrollmentSession, when: dt.time) -> dt.time:
    """Start of the slot that contains `when` (before the session: the first; after: the last)."""
    bounds = _slot_bounds(session_obj)
    chosen = bounds[0][0]
    for a, _b in bounds:
        if _minutes(a) <= _minutes(when):
            chosen = a
    return chosen


def _summary(session: Session, s: EnrollmentSession, point: Point) -> SessionSummary:
    sl = slots(s, session)
    return SessionSummary(
        id=s.id, point_id=s.point_id, point_code=point.code, point_name=point.name, day=s.day,
        start=s.start_time, end=s.end_time, slot_minutes=s.slot_minutes, kits=s.kits,
        minutes_per_person=s.minutes_per_person, capacity_per_slot=s.capacity_per_slot,
        capacity=sum(x.capacity for x in sl), booked=sum(x.booked for x in sl), state=s.state, note=s.note,
    )


def list_sessions(
    session: Session, day_from: dt.date | None = None, day_to: dt.date | None = None, *, point_id: int | None = None
) -> list[SessionSummary]:
    """Sessions by day and start time, with capacity and places taken."""
    q = select(EnrollmentSession, Point).join(Point, Point.id == EnrollmentSession.point_id)
    if day_from is not None:
        q = q.where(EnrollmentSession.day >= day_from)
    if day_to is not None:
        q = q.where(EnrollmentSession.day <= day_to)
    if point_id is not None:
        q = q.where(EnrollmentSession.point_id == point_id)
    q = q.order_by(EnrollmentSession.day, EnrollmentSession.start_time, EnrollmentSession.id)
    return [_summary(session, s, p) for s, p in session.execute(q)]


def session_summary(session: Session, session_id: int) -> SessionSummary:
    s = get_session(session, session_id)
    return _summary(session, s, session.get(Point, s.point_id))


def set_session_state(session: Session, session_id: int, state: str) -> EnrollmentSession:
    """planned → open (check-in running) → done; or cancelled."""
    if state not in SESSION_STATES:
        raise ValidationError("state", state, f"Trạng thái buổi '{state}' không hợp lệ")
    s = get_session(session, session_id)
    s.state = state
    session.flush()
    return s


# --- booking -------------------------------------------------------------------------------------


def check_bookable(s: EnrollmentSession) -> None:
    if s.state in ("done", "cancelled"):
        label = "đã kết thúc" if s.state == "done" else "đã hủy"
        raise ValidationError("session_id", str(s.id), f"Buổi thu nhận ngày {s.day:%d/%m/%Y} {label}")


def _future_booking(session: Session, citizen_id: int, ref_day: dt.date) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
        .where(
            Appointment.citizen_id == citizen_id,
            Appointment.state == "booked",
            EnrollmentSession.day >= ref_day,
        )
        .order_by(EnrollmentSession.day)
        .limit(1)
    )


def _ref_day(s: EnrollmentSession) -> dt.date:
    return min(dt.date.today(), s.day)


def default_purpose(citizen: Citizen) -> str:
    """Without a due list at hand: no card → card (and VNeID later); a card but no VNeID → vneid."""
    if not citizen.has_card:
        return "card"
    return "vneid" if int(citizen.vneid_stage or 0) == 0 else "card"


def _pick_slot(s: EnrollmentSession, sl: list[SlotInfo], slot_start: dt.time | None) -> dt.time:
    if slot_start is None:
        for x in sl:
            if x.free > 0:
                return x.start
        raise ValidationError("session_id", str(s.id), f"Buổi thu nhận ngày {s.day:%d/%m/%Y} đã hết chỗ")
    slot_start = parse_time(slot_start, "slot_start")
    for x in sl:
        if x.start == slot_start:
            if x.free <= 0:
                raise ValidationError(
                    "slot_start", _hm(slot_start),
                    f"Khung giờ {x.label} ngày {s.day:%d/%m/%Y} đã đủ chỗ ({x.booked}/{x.capacity})",
                )
            return x.start
    raise ValidationError("slot_start", _hm(slot_start), f"Buổi không có khung giờ bắt đầu lúc {_hm(slot_start)}")


def new_appointment(
    session: Session, citizen_id: int, s: EnrollmentSession, slot_start: dt.time, purpose: str,
    *, state: str = "booked", rescheduled_from_id: int | None = None, taken: set[str] | None = None,
) -> Appointment:
    appt = Appointment(
        code=new_appointment_code(session, taken), citizen_id=citizen_id, session_id=s.id, slot_start=slot_start,
        purpose=purpose, state=state, rescheduled_from_id=rescheduled_from_id, created_at=_now(),
    )
    session.add(appt)
    session.flush()
    return appt


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValidationError("purpose", purpose, f"Mục đích '{purpose}' không hợp lệ (card, vneid, both)")
    return purpose


def book(
    session: Session,
    citizen_id: int,
    session_id: int,
    slot_start: dt.time | str | None = None,
    purpose: str | None = None,
    *,
    operator_id: int | None = None,
) -> Appointment:
    """Book one citizen into a slot (the first with room when none is given); records `scheduled`."""
    s = get_session(session, session_id)
    check_bookable(s)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise ValidationError("citizen_id", str(citizen_id), f"Không có công dân mã {citizen_id}")
    existing = _future_booking(session, citizen_id, _ref_day(s))
    if existing is not None:
        other = session.get(EnrollmentSession, existing.session_id)
        raise ValidationError(
            "citizen_id", str(citizen_id),
            f"{citizen.full_name} đã có lịch hẹn ngày {other.day:%d/%m/%Y} lúc {_hm(existing.slot_start)}: "
            "hãy chuyển lịch thay vì đặt thêm",
        )
    statuses.apply(statuses.state_of(citizen), statuses.EventType.SCHEDULED)  # refuses before writing
    start = _pick_slot(s, slots(s, session), slot_start)
    appt = new_appointment(session, citizen_id, s, start, _check_purpose(purpose or default_purpose(citizen)))
    statuses.record_event(
        session, citizen, statuses.EventType.SCHEDULED, point=s.point_id, operator_id=operator_id,
        appointment_id=appt.id,
    )
    return appt


def move_appointment(
    session: Session,
    appointment_id: int,
    *,
    to_session_id: int | None = None,
    to_slot: dt.time | str | None = None,
    operator_id: int | None = None,
) -> Appointment:
    """Move a booked appointment to another slot and/or session; the old one is kept as `moved`.

    The new appointment has a new code and `rescheduled_from_id` = the old one; a lookup of the old
    code follows to it. A full target slot is refused.
    """
    old = _get_appointment(session, appointment_id)
    if to_session_id is None and to_slot is None:
        raise ValidationError("to_session_id", None, "Chọn buổi hoặc khung giờ mới để chuyển lịch hẹn")
    if old.state != "booked":
        raise ValidationError(
            "appointment_id", str(appointment_id), f"Chỉ chuyển được lịch hẹn đang chờ (lịch này: {old.state})"
        )
    target = get_session(session, to_session_id if to_session_id is not None else old.session_id)
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
            "appointment_id", str(appointment_id), f"Chỉ hủy được lịch hẹn đang chờ (lịch này: {appt.state})"
        )
    appt.state = "cancelled"
    session.flush()
    return appt


def reschedule_no_shows(
    session: Session, from_session_id: int, to_session_id: int, *, operator_id: int | None = None
) -> int:
    """Give every no-show of one session a new appointment in another; returns how many were made.

    Idempotent: a no-show already rescheduled is skipped, as is one who has since booked again or whose
    state no longer allows it (e.g. came on another day). Refuses, writing nothing, when the new session
    lacks room for all of them.
    """
    src = get_session(session, from_session_id)
    dst = get_session(session, to_session_id)
    if src.id == dst.id:
        raise ValidationError("to_session_id", str(to_session_id), "Buổi mới phải khác buổi cũ")
    check_bookable(dst)
    already = select(Appointment.rescheduled_from_id).where(Appointment.rescheduled_from_id.is_not(None))
    order = _name_order_column(session)
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
        if _future_booking(session, citizen.id, _ref_day(dst)) is not None:
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
            "to_session_id", str(to_session_id),
            f"Buổi ngày {dst.day:%d/%m/%Y} chỉ còn {free} chỗ cho {len(todo)} người vắng mặt",
        )
    places = _places(sl)
    taken: set[str] = set()
    for (appt, citizen), start in zip(todo, places, strict=False):
        new = new_appointment(
            session, citizen.id, dst, start, appt.purpose, rescheduled_from_id=appt.id, taken=taken
        )
        statuses.record_event(
            session, citizen, statuses.EventType.RESCHEDULED, point=dst.point_id, operator_id=operator_id,
            appointment_id=new.id,
        )
    return len(todo)


def _places(sl: list[SlotInfo]) -> Iterator[dt.time]:
    """Every free place, slot by slot in time order."""
    for x in sl:
        for _ in range(x.free):
            yield x.start


def _name_order_column(session: Session):  # type: ignore[no-untyped-def]
    return Citizen.sort_family if config.name_order(session) is NameOrder.FAMILY else Citizen.sort_given


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


def appointments_for(
    session: Session, session_id: int, village_key: str | None = None, *, include_inactive: bool = False
) -> list[AppointmentRow]:
    """The session's appointments by slot, then by name in the commune's chosen order.

    Moved and cancelled appointments are left out unless `include_inactive`.
    """
    s = get_session(session, session_id)
    bounds = _slot_bounds(s)
    q = (
        select(Appointment, Citizen)
        .join(Citizen, Citizen.id == Appointment.citizen_id)
        .where(Appointment.session_id == session_id)
    )
    if not include_inactive:
        q = q.where(Appointment.state.not_in(("moved", "cancelled")))
    if village_key:
        q = q.where(Citizen.village_key == fold(village_key))
    q = q.order_by(Appointment.slot_start, _name_order_column(session), Citizen.id)
    out = []
    for appt, c in session.execute(q):
        end = next((b for a, b in bounds if a == appt.slot_start), None) or _at_minutes(
            min(_minutes(appt.slot_start) + s.slot_minutes, 24 * 60 - 1)
        )
        out.append(
            AppointmentRow(
                appointment_id=appt.id, code=appt.code, citizen_id=c.id, full_name=c.full_name,
                birth_year=c.birth_year or (c.birth_date.year if c.birth_date else None), id_number=c.id_number,
                village=c.village, village_key=c.village_key, slot_start=appt.slot_start, slot_end=end,
                purpose=appt.purpose, state=appt.state, citizen_status=c.status,
                rescheduled_from_id=appt.rescheduled_from_id,
            )
        )
    return out


# --- automatic assignment -------------------------------------------------------------------------


def _purpose_from_kinds(kinds: Iterable[object]) -> str:
    names = {str(getattr(k, "value", k)) for k in kinds}
    card = bool(names & {"first_card", "renew"})
    vneid = bool(names & {"vneid_register", "vneid_activate"})
    if card and vneid:
        return "both"
    return "vneid" if vneid else "card"


# Which province target's deadline applies to which kind of due work (as in the due module).
_TARGET_OF_KIND = {
    "first_card": "card_captured",
    "renew": "card_captured",
    "vneid_register": "vneid_l2_captured",
    "vneid_activate": "vneid_activated",
}


def _date(v: object) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


_KIND_BITS = ("first_card", "renew", "vneid_register", "vneid_activate")  # bit i of the due mask
_RENEW_BIT = 2


@lru_cache(maxsize=4096)
def _renew_expiry(birth_date: object, birth_year: int | None, issued: object) -> dt.date | None:
    from desktop.services import due

    birth = due.birth_of(_date(birth_date), birth_year)
    when = _date(issued)
    return due.card_expiry(birth, when) if birth and when else None


def _due_cursor(session: Session, on: dt.date, villages: list[str] | None):  # type: ignore[no-untyped-def]
    """One pass over the register: (id, priority, status, birth date, birth year, card issued, due mask).

    The mask (bit i = _KIND_BITS[i]) comes from the due module's SQL rules, evaluated once per row; rows
    with mask 0 are not due. Plain tuples, read row by row: never a list of 200,000 objects.
    """
    from desktop.services import due  # the due rules themselves live there

    params: dict[str, object] = {}
    terms = []
    for bit, kind in enumerate(_KIND_BITS):
        frag, p = due.due_filter_sql(kind, on)
        params.update(p)
        terms.append(f"coalesce(({frag}), 0) * {1 << bit}")
    where = ""
    if villages:
        names = [f":vk{i}" for i in range(len(villages))]
        where = f" WHERE c.village_key IN ({', '.join(names)})"
        params.update({f"vk{i}": v for i, v in enumerate(villages)})
    sql = (
        "SELECT c.id, (c.elderly OR c.disabled OR c.needs_home_visit), c.status, c.birth_date, c.birth_year, "
        f"c.card_issued_on, {' + '.join(terms)} FROM citizens c{where}"
    )
    return session.connection().connection.driver_connection.execute(sql, params)


def _mask_table(session: Session, kinds: list[str] | None) -> tuple[int, dict[int, tuple[str, dt.date]]]:
    """The kinds asked for as a bit mask, and per mask value: (purpose, earliest target deadline)."""
    from desktop.models import Target

    targets = {t.indicator: t.deadline for t in session.scalars(select(Target)) if t.deadline is not None}
    keep = 0
    for k in kinds or _KIND_BITS:
        if k not in _KIND_BITS:
            raise ValidationError("kinds", k, f"Loại việc '{k}' không hợp lệ ({', '.join(_KIND_BITS)})")
        keep |= 1 << _KIND_BITS.index(k)
    table = {}
    for m in range(1, 16):
        names = [k for i, k in enumerate(_KIND_BITS) if m & (1 << i)]
        dls = [targets[_TARGET_OF_KIND[k]] for k in names if _TARGET_OF_KIND[k] in targets]
        table[m] = (_purpose_from_kinds(names), min(dls, default=dt.date.max))
    return keep, table


def auto_assign(
    session: Session,
    session_id: int,
    *,
    kinds: Iterable[str] | None = None,
    on: dt.date | None = None,
    villages: Iterable[str] | None = None,
    limit: int | None = None,
    operator_id: int | None = None,
) -> AssignResult:
    """Fill the session's free places from the due list.

    Who: citizens due (the due module's rules, on the session's day or `on`) without a booked appointment still to
    come, whose state allows scheduling. Which first: the elderly, disabled and home-visit cases, then the
    earliest deadline. Where: the priority people take the first places, then everyone else; within each
    group one village's people sit in consecutive slots (villages in alphabetical order, names in the
    commune's name order), so the village head can bring them together.

    Deferred (working away, ill) and rejected citizens stay on the due list but are not booked
    automatically: they need an officer's follow-up first (`book()` still takes them).

    Memory stays bounded by the session's places: the due rows are streamed from one SQL query (the due
    module's rules) and only the `places` most urgent candidates are kept in a heap.
    """
    s = get_session(session, session_id)
    check_bookable(s)
    on = on or s.day
    kind_list = [str(getattr(k, "value", k)) for k in kinds] if kinds else None
    village_list = sorted({fold(v) for v in villages if v}) if villages else None
    sl = slots(s, session)
    places_free = sum(x.free for x in sl)
    room = places_free if limit is None else max(0, min(places_free, int(limit)))
    result = AssignResult()
    if room == 0:
        result.full = places_free == 0
        return result

    ref = _ref_day(s)
    booked_ids = set(
        session.scalars(
            select(Appointment.citizen_id)
            .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
            .where(Appointment.state == "booked", EnrollmentSession.day >= ref)
        )
    )
    keep, table = _mask_table(session, kind_list)
    bad = _NO_SCHEDULE | _NOT_AUTO
    heap: list[tuple] = []  # (-urgency) entries: heap[0] is the least urgent of the `room` kept so far
    total_candidates = skipped_booked = skipped_state = 0
    cur = _due_cursor(session, on, village_list)
    try:
        for cid, prio, status, bdate, byear, issued, mask in cur:
            m = mask & keep
            if not m:
                continue
            if cid in booked_ids:
                skipped_booked += 1
                continue
            if status in bad:
                skipped_state += 1
                continue
            total_candidates += 1
            purpose, deadline = table[m]
            if m & _RENEW_BIT:
                expiry = _renew_expiry(bdate, byear, issued)
                if expiry is not None and expiry < deadline:
                    deadline = expiry
            # Most urgent = largest entry: priority people, then the earliest deadline, then the lowest id.
            entry = (1 if prio else 0, -deadline.toordinal(), -cid, purpose, bool(prio))
            if len(heap) < room:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
    finally:
        cur.close()
    result.skipped_already_booked = skipped_booked
    result.skipped_state = skipped_state

    # Arrange the chosen few: priority people first, then one village after another, names in order.
    picked = {-e[2]: (e[3], e[4]) for e in heap}
    name_column = _name_order_column(session)
    info = {}
    ids = list(picked)
    for i in range(0, len(ids), 500):
        for cid, vkey, nsort in session.execute(
            select(Citizen.id, Citizen.village_key, name_column).where(Citizen.id.in_(ids[i:i + 500]))
        ):
            info[cid] = (vkey or "", nsort or "")
    chosen = sorted(
        picked, key=lambda cid: (0 if picked[cid][1] else 1, info[cid][0], info[cid][1], cid)
    )
    places = _places(sl)
    taken: set[str] = set()
    for cid, start in zip(chosen, places, strict=False):
        appt = new_appointment(session, cid, s, start, picked[cid][0], taken=taken)
        statuses.record_event(
            session, cid, statuses.EventType.SCHEDULED, point=s.point_id, operator_id=operator_id,
            appointment_id=appt.id,
        )
        result.appointment_ids.append(appt.id)
    result.assigned = len(result.appointment_ids)
    result.not_placed = max(0, total_candidates - result.assigned)
    result.full = places_free - result.assigned == 0
    return result

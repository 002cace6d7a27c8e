"""Check-in at the point: find the person (slip code, ID number or name), record what happened.

`mark()` is the only way the check-in screen writes: it records the status event(s), keeps the
appointment's state in step (attended / no_show) and refuses what the status rules forbid, with the
Vietnamese reason. A capture (card or VNeID dossier) implies the person came: when no `attended` was
recorded for them that day, it is recorded first. Repeating `attended` on the same day (a double scan)
records nothing new.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import idnumber
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Appointment, Citizen, EnrollmentSession, Point, StatusEvent
from desktop.services import scheduling
from desktop.services.due import search
from desktop.services.figures import indicators
from desktop.services.register import citizens as register
from desktop.services.register import statuses

ACTIONS: tuple[str, ...] = (
    "attended", "card_captured", "vneid_l2_captured", "no_show",
    "vneid_activated", "vneid_approved", "deferred", "rejected",
)
CAPTURES = frozenset({"card_captured", "vneid_l2_captured"})
ACTION_LABELS_VI = {a: statuses.STATUS_LABELS_VI[a] for a in ACTIONS}
NAME_LIMIT = 20
_DIGITS = re.compile(r"^[\d\s.\-]+$")


@dataclass(frozen=True, slots=True)
class CheckinHit:
    """A person found at the check-in desk, with their appointment (if any) and what may be recorded now."""

    citizen_id: int
    full_name: str
    birth_date: dt.date | None
    birth_year: int | None
    sex: str | None
    id_number: str | None
    village: str
    phone: str | None
    status: str
    status_label_vi: str
    has_card: bool
    vneid_stage: int
    match: str  # "code" / "id_number" / "name"
    appointment_id: int | None = None
    appointment_code: str | None = None
    enrollment_session_id: int | None = None
    slot_start: dt.time | None = None
    purpose: str | None = None
    appointment_state: str | None = None
    in_enrollment_session: bool = False  # the appointment belongs to the enrollment session asked about
    actions: tuple[str, ...] = field(default_factory=tuple)  # check-in actions the rules allow now

    @property
    def matched_code(self) -> bool:
        """Found by the slip's code (the screen can act at once without asking who it is)."""
        return self.match == "code"


@dataclass(frozen=True, slots=True)
class MarkResult:
    citizen_id: int
    events: tuple[str, ...]  # the event types recorded, in order (empty: nothing new to record)
    status: str
    appointment_id: int | None
    appointment_state: str | None


# --- lookup --------------------------------------------------------------------------------------------


def _allowed_actions(c: Citizen) -> tuple[str, ...]:
    allowed = set(statuses.allowed_events(statuses.state_of(c)))
    # Capturing implies attending, so a capture is possible whenever attending then capturing is.
    after_attend = None
    try:
        after_attend = statuses.apply(statuses.state_of(c), statuses.EventType.ATTENDED)
    except ValidationError:
        pass
    if after_attend is not None:
        allowed |= set(statuses.allowed_events(after_attend)) & CAPTURES
    return tuple(a for a in ACTIONS if a in allowed)


def _appointment_in(session: Session, citizen_id: int, enrollment_session_id: int) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .where(
            Appointment.citizen_id == citizen_id,
            Appointment.session_id == enrollment_session_id,
            Appointment.state.not_in(("moved", "cancelled")),
        )
        .order_by(Appointment.id.desc())
        .limit(1)
    )


def _next_appointment(session: Session, citizen_id: int, on: dt.date) -> Appointment | None:
    return session.scalar(
        select(Appointment)
        .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
        .where(
            Appointment.citizen_id == citizen_id,
            Appointment.state.in_(("booked", "attended")),
            EnrollmentSession.day >= on,
        )
        .order_by(EnrollmentSession.day, Appointment.slot_start)
        .limit(1)
    )


def _hit(c: Citizen, match: str, appt: Appointment | None, enrollment_session_id: int | None) -> CheckinHit:
    return CheckinHit(
        citizen_id=c.id, full_name=c.full_name, birth_date=c.birth_date,
        birth_year=c.birth_year or (c.birth_date.year if c.birth_date else None), sex=c.sex,
        id_number=c.id_number, village=c.village, phone=c.phone, status=c.status,
        status_label_vi=statuses.STATUS_LABELS_VI.get(c.status, c.status), has_card=bool(c.has_card),
        vneid_stage=int(c.vneid_stage or 0), match=match,
        appointment_id=appt.id if appt else None, appointment_code=appt.code if appt else None,
        enrollment_session_id=appt.session_id if appt else None, slot_start=appt.slot_start if appt else None,
        purpose=appt.purpose if appt else None, appointment_state=appt.state if appt else None,
        in_enrollment_session=bool(
            appt and enrollment_session_id is not None and appt.session_id == enrollment_session_id
        ),
        actions=_allowed_actions(c),
    )


def hit_for(
    session: Session, citizen_id: int, *, enrollment_session_id: int | None = None, match: str = "id"
) -> CheckinHit:
    """A fresh hit for one citizen (the screen refreshes the person after each action)."""
    c = session.get(Citizen, citizen_id)
    if c is None:
        raise ValidationError("citizen_id", str(citizen_id), f"Không có công dân mã {citizen_id}",
                              en=f"There is no citizen {citizen_id}")
    appt = (
        _appointment_in(session, c.id, enrollment_session_id)
        if enrollment_session_id is not None
        else _next_appointment(session, c.id, dt.date.today())
    )
    return _hit(c, match, appt, enrollment_session_id)


def _name_ids(session: Session, text: str, limit: int) -> list[int]:
    rows = search.query_citizens(session, search.CitizenQuery(text=text), limit=limit)
    return [r.id for r in rows]


def lookup(
    session: Session, text: str, *, enrollment_session_id: int | None = None, limit: int = NAME_LIMIT
) -> list[CheckinHit]:
    """Who the typed or scanned text means: an appointment code, else an ID number, else a name search.

    A code that was moved leads to its current appointment. Each hit carries the person's appointment in
    `enrollment_session_id` (or, without one, their next appointment from today).
    """
    if enrollment_session_id is not None:
        scheduling.get_enrollment_session(session, enrollment_session_id)
    text = (text or "").strip()
    if not text:
        return []
    appt = scheduling.find_by_code(session, text)
    if appt is not None:
        c = session.get(Citizen, appt.citizen_id)
        assert c is not None  # a foreign key
        return [_hit(c, "code", appt, enrollment_session_id)]
    if _DIGITS.match(text):
        number = idnumber.clean(text).value or ""
        if number:
            found = list(
                session.scalars(
                    select(Citizen).where((Citizen.id_number == number) | (Citizen.old_cmnd == number)).limit(limit)
                )
            )
            if found:
                return [
                    hit_for(session, c.id, enrollment_session_id=enrollment_session_id, match="id_number")
                    for c in found
                ]
    return [
        hit_for(session, cid, enrollment_session_id=enrollment_session_id, match="name")
        for cid in _name_ids(session, text, limit)
    ]


# --- marking -------------------------------------------------------------------------------------------


def _attended_on(session: Session, citizen_id: int, day: dt.date) -> bool:
    return (
        session.scalar(
            select(StatusEvent.id).where(
                StatusEvent.citizen_id == citizen_id,
                StatusEvent.event_type == "attended",
                StatusEvent.occurred_on == day,
                StatusEvent.id.not_in(  # an undone arrival is no arrival
                    select(StatusEvent.undoes_id).where(StatusEvent.undoes_id.is_not(None))),
            ).limit(1)
        )
        is not None
    )


def _appointment_for_mark(
    session: Session, citizen_id: int, enrollment_session_id: int | None, day: dt.date
) -> Appointment | None:
    if enrollment_session_id is not None:
        return _appointment_in(session, citizen_id, enrollment_session_id)
    return session.scalar(
        select(Appointment)
        .join(EnrollmentSession, EnrollmentSession.id == Appointment.session_id)
        .where(
            Appointment.citizen_id == citizen_id,
            EnrollmentSession.day == day,
            Appointment.state.in_(("booked", "attended", "no_show")),
        )
        .order_by(Appointment.slot_start)
        .limit(1)
    )


@declares(Changes(statuses=True, schedule=True))
def mark(
    session: Session,
    citizen_id: int,
    action: str,
    *,
    enrollment_session_id: int | None = None,
    point_id: int | None = None,
    operator_id: int | None = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> MarkResult:
    """Record one check-in action for a citizen; refuses (ValidationError, Vietnamese) what the rules forbid.

    The whole sequence is checked before anything is written. With `enrollment_session_id`, a person who came
    without an appointment in that session (found by name) is booked into the current slot as a walk-in.
    The point defaults to the session's point.
    """
    if action not in ACTIONS:
        raise ValidationError("action", action, f"Thao tác '{action}' không hợp lệ ({', '.join(ACTIONS)})",
                              en=f"Action '{action}' is not valid ({', '.join(ACTIONS)})")
    c = session.get(Citizen, citizen_id)
    if c is None:
        raise ValidationError("citizen_id", str(citizen_id), f"Không có công dân mã {citizen_id}",
                              en=f"There is no citizen {citizen_id}")
    when = (at or dt.datetime.now()).replace(microsecond=0, tzinfo=None)
    enrollment_session = (
        scheduling.get_enrollment_session(session, enrollment_session_id) if enrollment_session_id is not None else None
    )
    if point_id is None and enrollment_session is not None:
        point_id = enrollment_session.point_id
    if point_id is not None and session.get(Point, point_id) is None:
        raise ValidationError("point_id", str(point_id), f"Điểm thu nhận {point_id} không tồn tại",
                              en=f"Enrolment point {point_id} does not exist")
    appt = _appointment_for_mark(session, c.id, enrollment_session_id, when.date())
    events = _events_for(session, c, action, when.date(), appt, enrollment_session is not None)
    state = statuses.state_of(c, session)  # with the open appointment: a booked no-show is allowed
    for ev in events:  # validate the whole sequence first: nothing half-written
        state = statuses.apply(state, ev)

    came = bool({"attended"} & set(events)) or action in CAPTURES or action == "attended"
    if came and enrollment_session is not None and appt is None:
        scheduling.check_bookable(enrollment_session)
        appt = scheduling.new_appointment(
            session, c.id, enrollment_session, scheduling.slot_for(enrollment_session, when.time()),
            _walk_in_purpose(action, c), state="attended",
        )
    for ev in events:
        statuses.record_event(
            session, c, ev, at=when, point=point_id, operator_id=operator_id,
            appointment_id=appt.id if appt else None, note=note,
        )
    if appt is not None:
        if came and appt.state in ("booked", "no_show"):
            appt.state = "attended"  # a late arrival after being marked absent still came
        elif action == "no_show":
            appt.state = "no_show"
        session.flush()
    return MarkResult(
        c.id, tuple(events), c.status, appt.id if appt else None, appt.state if appt else None
    )


def _events_for(session: Session, c: Citizen, action: str, day: dt.date, appt: Appointment | None,
                in_session: bool) -> list[str]:
    """The events one action records: a capture implies arrival (once a day); a no-show needs a booked
    appointment and no arrival that day."""
    events: list[str] = []
    if action == "attended":
        if not _attended_on(session, c.id, day):
            events.append("attended")
    elif action in CAPTURES:
        if not _attended_on(session, c.id, day):
            events.append("attended")
        events.append(action)
    else:
        events.append(action)
    if action == "no_show":
        if in_session and appt is None:
            raise ValidationError("action", action, f"{c.full_name} không có lịch hẹn trong buổi này",
                                  en=f"{c.full_name} has no appointment in this session")
        if appt is not None and appt.state != "booked":
            vi, en = APPOINTMENT_STATE_WORDS.get(appt.state, ("đã thay đổi", "changed"))
            raise ValidationError(
                "action", action, f"Lịch hẹn của {c.full_name} {vi}: không ghi vắng mặt",
                en=f"{c.full_name}'s appointment {en}: absence is not recorded",
            )
        if _attended_on(session, c.id, day):
            raise ValidationError("action", action, f"{c.full_name} đã được ghi nhận có mặt hôm nay",
                                  en=f"{c.full_name} has already been checked in today")
    return events


# An appointment's state as the officer says it (never the stored code), Vietnamese and English.
APPOINTMENT_STATE_WORDS = {
    "attended": ("đã ghi là đã đến", "is already marked attended"),
    "no_show": ("đã ghi là vắng mặt", "is already marked absent"),
    "moved": ("đã được dời sang buổi khác", "was moved to another session"),
    "cancelled": ("đã bị hủy", "was cancelled"),
}


def _walk_in_purpose(action: str, c: Citizen) -> str:
    if action == "vneid_l2_captured":
        return "vneid"
    if action == "card_captured":
        return "card"
    return scheduling.default_purpose(c)


# --- walk-ins ------------------------------------------------------------------------------------------


@declares(Changes(citizens=True, statuses=True, schedule=True))
def add_walk_in(
    session: Session,
    fields: dict[str, object],
    *,
    enrollment_session_id: int | None,
    point_id: int | None,
    operator_id: int | None = None,
    at: dt.datetime | None = None,
) -> CheckinHit:
    """Register someone who is not in the register yet, validated like an import row, and mark them attended.

    With a running session they are booked into the current slot even when it is full: walk-ins are served.
    """
    when = (at or dt.datetime.now()).replace(microsecond=0, tzinfo=None)
    if enrollment_session_id is not None:
        scheduling.check_bookable(scheduling.get_enrollment_session(session, enrollment_session_id))
    citizen = register.add_citizen(session, fields, operator_id=operator_id)
    mark(
        session, citizen.id, "attended", enrollment_session_id=enrollment_session_id, point_id=point_id,
        operator_id=operator_id, at=when,
    )
    return hit_for(session, citizen.id, enrollment_session_id=enrollment_session_id, match="walk_in")


# --- counters ------------------------------------------------------------------------------------------


def today_counters(session: Session, day: dt.date, point_id: int | None = None) -> dict[str, int]:
    """The live counters of the check-in screen: the day's indicators (same rules as the day close)."""
    return indicators.count_day(session, day, point_id=point_id).totals


def enrollment_session_counters(session: Session, enrollment_session_id: int) -> dict[str, int]:
    """How an enrollment session is going: places, booked (still expected), attended, no-shows."""
    es = scheduling.get_enrollment_session(session, enrollment_session_id)
    counts = dict.fromkeys(("booked", "attended", "no_show"), 0)
    for state in session.scalars(
        select(Appointment.state).where(Appointment.session_id == es.id, Appointment.state.in_(tuple(counts)))
    ):
        counts[state] += 1
    counts["capacity"] = sum(x.capacity for x in scheduling.slots(es, session))
    return counts

"""Undo the last check-in mark (Ctrl+Z at the desk): a mistaken F-key is compensated, never erased.

The mark's events stay in the history; one `undo` event per event of the mark names it (`undoes_id`),
travels to the other laptops like any event, and makes the status replay and every indicator skip both.
Only the last mark made on this laptop (by a logged-in officer: events from peers carry no operator)
within `WINDOW` may be undone, by the officer who made it or a supervisor; anything else is refused in
words. The appointment the mark changed goes back to what its remaining events say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from desktop.changes import Changes, declares
from desktop.errors import PermissionDenied, ValidationError
from desktop.models import Appointment, Citizen, Operator, StatusEvent
from desktop.services.register import statuses
from desktop.services.register.status_rules import UNDO, EventType, live_events

WINDOW = dt.timedelta(minutes=10)
# Check-in marks that may be undone (checkin.ACTIONS; not imported to keep this module below checkin).
_E = EventType
MARKS: tuple[str, ...] = tuple(e.value for e in (_E.ATTENDED, _E.CARD_CAPTURED, _E.VNEID_L2_CAPTURED, _E.NO_SHOW,
                                                 _E.VNEID_ACTIVATED, _E.VNEID_APPROVED, _E.DEFERRED, _E.REJECTED))
_SAME_ACTION = dt.timedelta(seconds=2)  # the events one mark records (arrival + capture) are written together


@dataclass(frozen=True, slots=True)
class UndoResult:
    citizen_id: int
    full_name: str
    undone: tuple[str, ...]  # the event types undone, in the order they were recorded
    status: str  # the citizen's status after the undo
    appointment_state: str | None


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _undone_ids() -> Select[int | None]:
    return select(StatusEvent.undoes_id).where(StatusEvent.undoes_id.is_not(None))


def last_mark(session: Session) -> list[StatusEvent]:
    """The events of the last check-in mark made on this laptop and not undone (empty: none)."""
    last = session.scalar(
        select(StatusEvent)
        .where(StatusEvent.operator_id.is_not(None), StatusEvent.event_type.in_(MARKS + (UNDO,)))
        .order_by(StatusEvent.id.desc())
        .limit(1)
    )
    if last is None or last.event_type == UNDO:
        return []
    return list(session.scalars(
        select(StatusEvent)
        .where(
            StatusEvent.citizen_id == last.citizen_id, StatusEvent.operator_id == last.operator_id,
            StatusEvent.occurred_at == last.occurred_at, StatusEvent.event_type.in_(MARKS),
            StatusEvent.recorded_at >= last.recorded_at - _SAME_ACTION,
            StatusEvent.id.not_in(_undone_ids()),
        )
        .order_by(StatusEvent.id)
    ))


def _check(session: Session, events: list[StatusEvent], operator: Operator, now: dt.datetime) -> None:
    if not events:
        raise ValidationError("undo", None, "Không có thao tác ghi nhận nào để hủy (thao tác cuối đã được hủy)",
                              en="There is no check-in mark to undo (the last one was already undone)")
    last = events[-1]
    if now - last.recorded_at > WINDOW:
        raise ValidationError(
            "undo", None,
            f"Thao tác cuối được ghi lúc {last.recorded_at:%H:%M}, đã quá 10 phút: không hủy được nữa",
            en=f"The last mark was recorded at {last.recorded_at:%H:%M}, more than 10 minutes ago: it can no"
               " longer be undone")
    if last.operator_id != operator.id and operator.role != "supervisor":
        who = session.get(Operator, last.operator_id)
        name = who.name if who is not None else "?"
        raise PermissionDenied(
            f"Thao tác cuối do {name} ghi: chỉ người đã ghi hoặc người phụ trách mới được hủy",
            en=f"The last mark was recorded by {name}: only they or a supervisor may undo it")


@declares(Changes(statuses=True, schedule=True))
def undo_last_mark(session: Session, operator: Operator | int | None, *, at: dt.datetime | None = None) -> UndoResult:
    """Undo the last check-in mark on this laptop (module doc); refuses in words what may not be undone."""
    now = (at or _now()).replace(microsecond=0, tzinfo=None)
    if isinstance(operator, int):
        operator = session.get(Operator, operator)
    if operator is None or not operator.active:
        raise PermissionDenied("Hãy đăng nhập để hủy thao tác vừa ghi",
                               en="Log in to undo the last mark")
    events = last_mark(session)
    _check(session, events, operator, now)
    citizen = session.get(Citizen, events[0].citizen_id)
    assert citizen is not None  # a foreign key
    for ev in events:
        session.add(StatusEvent(
            citizen_id=ev.citizen_id, event_type=UNDO, occurred_at=now, occurred_on=now.date(),
            point_id=ev.point_id, operator_id=operator.id, appointment_id=ev.appointment_id, note="",
            recorded_at=now, undoes_id=ev.id,
        ))
    session.flush()
    recompute(session, citizen)
    appt = _restore_appointment(session, events[0].appointment_id)
    return UndoResult(citizen.id, citizen.full_name, tuple(e.event_type for e in events), citizen.status,
                      appt.state if appt is not None else None)


def recompute(session: Session, citizen: Citizen) -> statuses.State:
    """The cached state from the live events in the order every laptop shares (services/peer/state.py)."""
    rows = session.execute(
        select(StatusEvent.id, StatusEvent.event_type, StatusEvent.undoes_id)
        .where(StatusEvent.citizen_id == citizen.id)
        .order_by(StatusEvent.occurred_at, StatusEvent.recorded_at, StatusEvent.gid, StatusEvent.id)
    ).all()
    state = statuses.initial_state(citizen.card_issued_on is not None or bool(citizen.card_known),
                                   int(citizen.vneid_known or 0))
    for kind in live_events([(i, t, u) for i, t, u in rows]):
        try:
            state = statuses.apply(state, kind)
        except ValidationError:
            continue  # refused at its place in the merged history: skipped, as on every laptop
    citizen.status, citizen.has_card, citizen.vneid_stage = state.status, state.has_card, state.vneid_stage
    citizen.updated_at = _now()
    session.flush()
    return state


def _restore_appointment(session: Session, appointment_id: int | None) -> Appointment | None:
    """The appointment's state from its live arrival / absence events (booked when neither is left)."""
    appt = session.get(Appointment, appointment_id) if appointment_id is not None else None
    if appt is None or appt.state not in ("booked", "attended", "no_show"):
        return appt
    kinds = set(session.scalars(
        select(StatusEvent.event_type).where(
            StatusEvent.appointment_id == appt.id, StatusEvent.event_type.in_(("attended", "no_show")),
            StatusEvent.id.not_in(_undone_ids()),
        )
    ))
    appt.state = "attended" if "attended" in kinds else "no_show" if "no_show" in kinds else "booked"
    session.flush()
    return appt

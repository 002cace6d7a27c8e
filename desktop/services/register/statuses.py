"""Status events and the state derived from them.

A citizen's status is never edited: each change is an appended StatusEvent (who, when, where), and the
cached columns on Citizen (status, has_card, vneid_stage) are recomputed from the events in the same
transaction. `derive_state()` (in `status_rules`, re-exported here) is the single rule book;
`record_event()` refuses transitions it forbids.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Appointment, Citizen, Point, StatusEvent

# The rule book lives in status_rules (no database); callers keep using statuses.<name>.
from desktop.services.register.status_rules import (  # noqa: F401
    STATUS_LABELS_EN,
    STATUS_LABELS_VI,
    TERMINAL,
    VNEID_STAGE_EN,
    VNEID_STAGE_VI,
    EventType,
    State,
    Status,
    allowed_events,
    apply,
    citizen_not_found,
    derive_state,
    initial_state,
    vneid_step,
)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def find_citizen(session: Session, id_number: str) -> Citizen:
    c = session.scalar(select(Citizen).where(Citizen.id_number == id_number))
    if c is None:
        raise citizen_not_found(id_number)
    return c


def state_of(citizen: Citizen, session: Session | None = None) -> State:
    """The cached state; with a session, also whether an appointment is still open (for no-shows)."""
    booked = False
    if session is not None and citizen.id is not None:
        booked = bool(
            session.scalar(
                select(Appointment.id).where(Appointment.citizen_id == citizen.id, Appointment.state == "booked").limit(1)
            )
        )
    return State(citizen.status, bool(citizen.has_card), int(citizen.vneid_stage), booked)


@declares(Changes(statuses=True))
def record_event(
    session: Session,
    citizen: Citizen | int,
    event: str,
    *,
    at: dt.datetime | None = None,
    point: Point | int | None = None,
    operator_id: int | None = None,
    appointment_id: int | None = None,
    note: str = "",
) -> StatusEvent:
    """Append one event after checking it against the current state; updates the cached state.

    Events are appended in the order they are recorded; `at` may lie in the past (paper records typed in
    later) and is what the day close counts by.
    """
    if isinstance(citizen, int):
        obj = session.get(Citizen, citizen)
        if obj is None:
            raise ValidationError("citizen", str(citizen), f"Không có công dân mã {citizen}",
                                  en=f"There is no citizen {citizen}")
        citizen = obj
    new_state = apply(state_of(citizen, session), event)
    point_id = point.id if isinstance(point, Point) else point
    if point_id is not None and session.get(Point, point_id) is None:
        raise ValidationError("point", str(point_id), f"Điểm thu nhận {point_id} không tồn tại",
                              en=f"Enrolment point {point_id} does not exist")
    when = (at or _now()).replace(tzinfo=None)
    ev = StatusEvent(
        citizen_id=citizen.id,
        event_type=EventType(event).value,
        occurred_at=when,
        occurred_on=when.date(),
        point_id=point_id,
        operator_id=operator_id,
        appointment_id=appointment_id,
        note=note,
        recorded_at=_now(),
    )
    session.add(ev)
    citizen.status = new_state.status
    citizen.has_card = new_state.has_card
    citizen.vneid_stage = new_state.vneid_stage
    citizen.updated_at = _now()
    session.flush()
    return ev


_CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit


def record_events_many(
    session: Session,
    event: str,
    items: list[tuple[int, int | None]],
    *,
    point_id: int | None = None,
    operator_id: int | None = None,
) -> None:
    """`record_event` for many citizens at once: items are (citizen id, appointment id).

    The same checks and the same rows as one `record_event` per item (the state of each citizen, the
    transition `apply` allows or refuses, one event each, the cached columns updated), written with three
    bulk statements instead of a flush per person (auto-assign books 10,000 people in one go). Refuses,
    writing nothing, when any transition is not allowed. Citizens already loaded in the session are
    expired, so they read the new state.
    """
    if not items:
        return
    if point_id is not None and session.get(Point, point_id) is None:
        raise ValidationError("point", str(point_id), f"Điểm thu nhận {point_id} không tồn tại",
                              en=f"Enrolment point {point_id} does not exist")
    ids = list(dict.fromkeys(cid for cid, _ in items))
    states: dict[int, tuple[str, bool, int]] = {}
    booked: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        part = ids[i:i + _CHUNK]
        for cid, status, has_card, stage in session.execute(
            select(Citizen.id, Citizen.status, Citizen.has_card, Citizen.vneid_stage).where(Citizen.id.in_(part))
        ):
            states[cid] = (status, bool(has_card), int(stage))
        booked.update(session.scalars(
            select(Appointment.citizen_id).where(Appointment.citizen_id.in_(part), Appointment.state == "booked")
        ))
    kind = EventType(event).value
    now = _now()
    when = now.replace(tzinfo=None)
    events, updates = [], {}
    for cid, appointment_id in items:
        if cid not in states:
            raise ValidationError("citizen", str(cid), f"Không có công dân mã {cid}",
                                  en=f"There is no citizen {cid}")
        status, has_card, stage = states[cid]
        new = apply(State(status, has_card, stage, cid in booked), kind)
        states[cid] = (new.status, new.has_card, new.vneid_stage)
        events.append({
            "citizen_id": cid, "event_type": kind, "occurred_at": when, "occurred_on": when.date(),
            "point_id": point_id, "operator_id": operator_id, "appointment_id": appointment_id, "note": "",
            "recorded_at": now,
        })
        updates[cid] = {"id": cid, "status": str(new.status), "has_card": new.has_card,
                        "vneid_stage": new.vneid_stage, "updated_at": now}
    session.execute(insert(StatusEvent), events)
    session.execute(update(Citizen), list(updates.values()))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Citizen) and obj.id in updates:
            session.expire(obj)


def history(session: Session, citizen_id: int) -> list[StatusEvent]:
    return list(
        session.scalars(
            select(StatusEvent).where(StatusEvent.citizen_id == citizen_id).order_by(StatusEvent.id)
        )
    )


def rebuild_state(session: Session, citizen: Citizen) -> State:
    """Recompute the cached columns from the events (repair tool and consistency check)."""
    events = [e.event_type for e in history(session, citizen.id)]
    state = derive_state(
        events, card_known=citizen.card_issued_on is not None or bool(citizen.card_known),
        vneid_known=int(citizen.vneid_known or 0),
    )
    citizen.status, citizen.has_card, citizen.vneid_stage = state.status, state.has_card, state.vneid_stage
    return state

"""One citizen's status as `enrollpoint status` shows it: the register row, the event history with its
points and operators, the card's renewal, what is due and which events may follow.

Hand-written SQL over a DB-API connection (`Database.reader()`), so the command reads without SQLAlchemy
(about 0.2 s of its start-up); the rules are the shared ones: `status_rules` for the state and the events
allowed next, `due` for what is due and the card's renewal (given the latest capture/delivery, which
`due` otherwise looks up through the ORM).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop.services.due.rules import RENEWAL_EVENTS, DueKind, card_renewal, due_kinds_for
from desktop.services.register.rows import ROW_COLUMNS, CitizenRow, as_date, row_from_tuple
from desktop.services.register.status_rules import State, allowed_events, citizen_not_found


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    event_type: str
    occurred_at: dt.datetime
    point_code: str | None
    point_name: str | None
    operator: str | None  # the operator's name
    recorded_at: dt.datetime
    note: str


@dataclass(frozen=True, slots=True)
class CitizenStatus:
    citizen: CitizenRow
    history: list[HistoryEvent]  # by event time (occurred_at, recorded_at, gid)
    due: list[DueKind]  # sorted by value
    allowed_events: list[str]
    card_counted_from: dt.date | None  # the issue date renewals count from
    card_renew_on: dt.date | None  # None also when the card never expires


def _datetime(v: Any) -> dt.datetime:
    """A stored DateTime (SQLAlchemy writes ISO text on SQLite and reads it back with fromisoformat)."""
    return v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(v)


_HISTORY_SQL = (
    "SELECT e.event_type, e.occurred_at, p.code, p.name, o.name, e.recorded_at, e.note FROM status_events e "
    "LEFT JOIN points p ON p.id = e.point_id LEFT JOIN operators o ON o.id = e.operator_id "
    # By event time in the order every laptop shares (peer/state.py), not by local insertion
    "WHERE e.citizen_id = ? ORDER BY e.occurred_at, e.recorded_at, coalesce(e.gid, ''), e.id"
)


def citizen_status(conn: Any, id_number: str, on: dt.date) -> CitizenStatus:
    """The status of the citizen with this ID number on `on`; ValidationError when there is none."""
    t = conn.execute(f"SELECT {ROW_COLUMNS} FROM citizens c WHERE c.id_number = ?", (id_number,)).fetchone()
    if t is None:
        raise citizen_not_found(id_number)
    c = row_from_tuple(t)
    history = [
        HistoryEvent(kind, _datetime(at), code, name, operator, _datetime(rec), note)
        for kind, at, code, name, operator, rec, note in conn.execute(_HISTORY_SQL, (c.id,))
    ]
    last_card_on = None
    if c.has_card:
        last_card_on = as_date(conn.execute(
            f"SELECT max(occurred_on) FROM status_events WHERE citizen_id = ? "
            f"AND event_type IN ({', '.join('?' for _ in RENEWAL_EVENTS)})", (c.id, *RENEWAL_EVENTS),
        ).fetchone()[0])
    booked = conn.execute(
        "SELECT id FROM appointments WHERE citizen_id = ? AND state = 'booked' LIMIT 1", (c.id,)
    ).fetchone() is not None
    counted_from, renew_on = card_renewal(c, last_card_on=last_card_on)
    return CitizenStatus(
        citizen=c,
        history=history,
        due=sorted(due_kinds_for(c, on, last_card_on=last_card_on), key=lambda k: k.value),
        allowed_events=allowed_events(State(c.status, c.has_card, c.vneid_stage, booked)),
        card_counted_from=counted_from,
        card_renew_on=renew_on,
    )

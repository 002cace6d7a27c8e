"""One small function per user operation (after Anki's aqt.operations).

Each `make_*` returns the worker function the OpRunner runs: it opens its own session on the worker,
calls one service, and returns what changed. Services are imported inside the functions so start-up
does not pay for modules a screen has not used yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.ui.operations import Changes, OpContext, OpResult

WorkerFn = Callable[[OpContext], Any]


def record_event(citizen_id: int, event: str, *, point_id: int | None = None,
                 operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import statuses

        with ctx.db.session() as s:
            statuses.record_event(s, citizen_id, event, point=point_id, operator_id=operator_id)
        return OpResult(citizen_id, Changes(statuses=True))

    return run


def import_file(path: str | Path, *, operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services.importer import import_file as do_import

        result = do_import(ctx.db, Path(path), progress=lambda d, t: ctx.progress(d, t),
                           cancel=ctx.cancelled, operator_id=operator_id)
        return OpResult(result, Changes(citizens=True, statuses=True))

    return run


def create_demo(citizens: int = 2000, *, commune_code: str | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services.demo import create_demo as make

        out = make(ctx.db, citizens=citizens, commune_code=commune_code,
                   progress=lambda d, t: ctx.progress(d, t))
        return OpResult(out, Changes.everything())

    return run


def set_up_commune(commune: Any, points: list[tuple[str, str, str]]) -> WorkerFn:
    """First run by hand: the commune's identity and its enrollment points, in one transaction."""

    def run(ctx: OpContext) -> OpResult:
        from desktop import config
        from desktop.services import points as pts

        with ctx.db.session() as s:
            config.set_commune(s, commune)
            existing = {p.code for p in pts.list_points(s)}
            for code, name, address in points:
                if code not in existing:
                    pts.add_point(s, code, name, address, kind="office" if code == points[0][0] else "mobile")
        return OpResult(commune, Changes(commune=True, points=True))

    return run


def save_setting(key: str, value: str) -> WorkerFn:
    def run(ctx: OpContext) -> Changes:
        from desktop import config

        with ctx.db.session() as s:
            config.put(s, key, value)
        return Changes(settings=True)

    return run


def create_session(**kwargs: Any) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import scheduling

        with ctx.db.session() as s:
            obj = scheduling.create_session(s, **kwargs)
            sid = obj.id
        return OpResult(sid, Changes(schedule=True))

    return run


def auto_assign(session_id: int, **kwargs: Any) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import scheduling

        with ctx.db.session() as s:
            res = scheduling.auto_assign(s, session_id, **kwargs)
        return OpResult(res, Changes(schedule=True, statuses=True))

    return run


def move_appointment(appointment_id: int, *, to_session_id: int | None = None,
                     to_slot: dt.time | None = None, operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import scheduling

        with ctx.db.session() as s:
            new = scheduling.move_appointment(s, appointment_id, to_session_id=to_session_id, to_slot=to_slot,
                                              operator_id=operator_id)
            code = new.code  # the moved appointment has a new slip code
        return OpResult(code, Changes(schedule=True, statuses=True))

    return run


def reschedule_no_shows(from_session_id: int, to_session_id: int, *, operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import scheduling

        with ctx.db.session() as s:
            res = scheduling.reschedule_no_shows(s, from_session_id, to_session_id, operator_id=operator_id)
        return OpResult(res, Changes(schedule=True, statuses=True))

    return run


def checkin_mark(citizen_id: int, action: str, *, session_id: int | None, point_id: int | None,
                 operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import checkin

        with ctx.db.session() as s:
            res = checkin.mark(s, citizen_id, action, session_id=session_id, point_id=point_id,
                               operator_id=operator_id)
        return OpResult(res, Changes(statuses=True, schedule=True))

    return run


def add_walk_in(fields: dict[str, Any], *, session_id: int | None, point_id: int | None,
                operator_id: int | None = None) -> WorkerFn:
    def run(ctx: OpContext) -> OpResult:
        from desktop.services import checkin

        with ctx.db.session() as s:
            res = checkin.add_walk_in(s, fields, session_id=session_id, point_id=point_id,
                                      operator_id=operator_id)
        return OpResult(res, Changes(citizens=True, statuses=True, schedule=True))

    return run


def daily_backup() -> WorkerFn:
    """The automatic copy of the day (`backup.backup_if_due`): at start-up and after a day close."""

    def run(ctx: OpContext) -> OpResult:
        from desktop.services import backup

        return OpResult(backup.backup_if_due(ctx.db))

    return run

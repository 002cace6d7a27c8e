"""At the enrollment point: record a check-in action, undo the last one, add a walk-in."""

from __future__ import annotations

from typing import Any

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn


def mark(citizen_id: int, action: str, *, enrollment_session_id: int | None, point_id: int | None,
         operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.scheduling import checkin

        with job.db.session() as s:
            res = checkin.mark(s, citizen_id, action, enrollment_session_id=enrollment_session_id, point_id=point_id,
                               operator_id=operator_id)
        return OpResult(res, changes_of(checkin.mark))

    return run


def add_walk_in(fields: dict[str, Any], *, enrollment_session_id: int | None, point_id: int | None,
                operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.scheduling import checkin

        with job.db.session() as s:
            res = checkin.add_walk_in(s, fields, enrollment_session_id=enrollment_session_id, point_id=point_id,
                                      operator_id=operator_id)
        return OpResult(res, changes_of(checkin.add_walk_in))

    return run


def undo_last_mark(operator_id: int | None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.scheduling import undo

        with job.db.session() as s:
            res = undo.undo_last_mark(s, operator_id)
        return OpResult(res, changes_of(undo.undo_last_mark))

    return run

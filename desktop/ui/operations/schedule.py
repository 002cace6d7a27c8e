"""Enrollment sessions: create one, fill it from the due list, move a booking, reschedule the no-shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn


def create_enrollment_session(**kwargs: Any) -> WorkerFn:
    """A new enrollment session (kwargs as `scheduling.create_enrollment_session` takes them); value: its id."""

    def run(job: JobContext) -> OpResult:
        from desktop.services import scheduling

        with job.db.session() as s:
            obj = scheduling.create_enrollment_session(s, **kwargs)
            sid = obj.id
        return OpResult(sid, changes_of(scheduling.create_enrollment_session))

    return run


def auto_assign(enrollment_session_id: int, **kwargs: Any) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services import scheduling

        with job.db.session() as s:
            res = scheduling.auto_assign(s, enrollment_session_id, **kwargs)
        return OpResult(res, changes_of(scheduling.auto_assign))

    return run


def move_appointment(appointment_id: int, *, to_enrollment_session_id: int | None = None,
                     to_slot: dt.time | None = None, operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services import scheduling

        with job.db.session() as s:
            new = scheduling.move_appointment(s, appointment_id, to_enrollment_session_id=to_enrollment_session_id,
                                              to_slot=to_slot, operator_id=operator_id)
            code = new.code  # the moved appointment has a new slip code
        return OpResult(code, changes_of(scheduling.move_appointment))

    return run


def reschedule_no_shows(from_enrollment_session_id: int, to_enrollment_session_id: int, *,
                        operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services import scheduling

        with job.db.session() as s:
            res = scheduling.reschedule_no_shows(s, from_enrollment_session_id, to_enrollment_session_id,
                                                 operator_id=operator_id)
        return OpResult(res, changes_of(scheduling.reschedule_no_shows))

    return run

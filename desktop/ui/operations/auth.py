"""Who works at the laptop: log in (a write: failed attempts and the audit trail), create the first
supervisor (scrypt: too slow for the UI thread), record that a recovery key was shown; and load what the
login's answer needs while the officer types the PIN (`prepare_login`)."""

from __future__ import annotations

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn


def login(name: str, pin: str) -> WorkerFn:
    """The value is the operator's `auth.OperatorInfo`; a wrong PIN or a lock fails with their ServiceError."""

    def run(job: JobContext) -> OpResult:
        from desktop.services import auth

        with job.db.session() as s:
            op = auth.login(s, name, pin)
            info = auth.OperatorInfo(op.id, op.name, op.role, bool(op.active), op.locked_until)
        return OpResult(info)

    return run


def create_supervisor(name: str, pin: str) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services import auth

        with job.db.session() as s:
            op = auth.create_operator(s, name, pin, "supervisor")
            info = auth.OperatorInfo(op.id, op.name, op.role, True, None)
        return OpResult(info, changes_of(auth.create_operator))

    return run


def recovery_key_shown(operator_id: int | None) -> WorkerFn:
    def run(job: JobContext) -> None:
        from desktop.services import auth

        with job.db.session() as s:
            auth.audit(s, operator_id, "recovery_key.show", "database")

    return run


def prepare_login() -> WorkerFn:
    """Started when the login dialog has painted (it paints without SQLAlchemy: `services.start_facts`):
    imports the ORM, the models and the auth service, opens the engine's first connection and makes the
    main window's first reads once (their modules imported, their statements compiled and cached), while
    the officer picks a name and types the PIN. The PIN check, queued after it, then answers at once, and
    the window after it reads warm. Reads only; a failure here is logged and changes nothing."""

    def run(job: JobContext) -> None:
        from desktop import config
        from desktop.services import auth
        from desktop.services.due import search
        from desktop.services.peer import unfinished
        from desktop.services.province_link import outbox
        from desktop.services.register import points

        with job.db.read_session() as s:
            auth.needs_first_operator(s)
            config.commune(s)
            config.name_order(s)
            points.list_points(s)
            search.query_citizens(s, search.CitizenQuery(order=config.name_order(s)), 0, 50)
            outbox.status(s)
            outbox.day_states(s, 120)
            unfinished.pending(s)

    return run

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
    imports the ORM, the models and the auth service and opens the engine's first connection, while the
    officer picks a name and types the PIN, so the PIN check (queued after it) answers at once."""

    def run(job: JobContext) -> None:
        from desktop import config
        from desktop.services import auth

        with job.db.read_session() as s:
            auth.needs_first_operator(s)
            config.commune(s)

    return run

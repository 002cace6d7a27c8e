"""The commune and its settings: first-run set-up, one setting (e.g. the language), the daily backup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.changes import Changes, changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.config import Commune
    from desktop.services.auth import OperatorInfo


def set_up_commune(commune: Commune, points: list[tuple[str, str, str]],
                   operator: OperatorInfo | None = None) -> WorkerFn:
    """First run by hand: the commune and its enrollment points in one transaction, by the same service as
    `enrollpoint init` (`register.commune`); the value is the service's `CommuneSetUp`."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.register import commune as communes

        choice = communes.choose_commune(commune.code, commune.name, commune.province_code)
        with job.db.session() as s:
            done = communes.set_up_commune(s, choice, points, operator=operator)
        return OpResult(done, done.changes)

    return run


def save_setting(key: str, value: str) -> WorkerFn:
    def run(job: JobContext) -> Changes:
        from desktop import config

        with job.db.session() as s:
            config.put(s, key, value)
        return changes_of(config.put)

    return run


def save_window_setting(key: str, value: str) -> WorkerFn:
    """The main window's size or open panels: stored, but nothing any screen shows changes."""

    def run(job: JobContext) -> Changes:
        from desktop import config

        with job.db.session() as s:
            config.put_window_state(s, key, value)
        return changes_of(config.put_window_state)

    return run


def daily_backup() -> WorkerFn:
    """The automatic copy of the day (`backup.backup_if_due`): at start-up and after a day close."""

    def run(job: JobContext) -> OpResult:
        from desktop.storage import backup

        return OpResult(backup.backup_if_due(job.db))

    return run


def save_report_recipients(to: list[str], cc: list[str], operator: OperatorInfo | None) -> WorkerFn:
    """The daily report's "Kính gửi" and other "Nơi nhận" units (a supervisor's setting, audited)."""

    def run(job: JobContext) -> OpResult:
        from desktop.services.figures import report_settings

        with job.db.session() as s:
            saved = report_settings.set_recipients(s, to, cc, operator=operator)
        return OpResult(saved, changes_of(report_settings.set_recipients))

    return run

"""The commune and its settings: first-run set-up, one setting (e.g. the language), the daily backup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.ui.support.runner import Changes, JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.config import Commune
    from desktop.services.auth import OperatorInfo


def set_up_commune(commune: Commune, points: list[tuple[str, str, str]]) -> WorkerFn:
    """First run by hand: the commune's identity and its enrollment points, in one transaction."""

    def run(job: JobContext) -> OpResult:
        from desktop import config
        from desktop.services.register import points as pts

        with job.db.session() as s:
            config.set_commune(s, commune)
            existing = {p.code for p in pts.list_points(s)}
            for code, name, address in points:
                if code not in existing:
                    pts.add_point(s, code, name, address, kind="office" if code == points[0][0] else "mobile")
        return OpResult(commune, Changes(commune=True, points=True))

    return run


def save_setting(key: str, value: str) -> WorkerFn:
    def run(job: JobContext) -> Changes:
        from desktop import config

        with job.db.session() as s:
            config.put(s, key, value)
        return Changes(settings=True)

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
        return OpResult(saved, Changes(settings=True))

    return run

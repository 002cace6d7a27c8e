"""Reports to the province: close a day (the report joins the outbox), send what waits to the hub."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.ui.support.runner import Changes, JobContext, OpResult, WorkerFn


def close_day(day: dt.date, point_code: str | None, operator: Any) -> WorkerFn:
    """Close the day (one point or all); the value is [(point code, revision)] of the reports written."""

    def run(job: JobContext) -> OpResult:
        from desktop.services import dayclose

        with job.db.session() as s:
            rows = dayclose.close_day(s, day, point_code, operator=operator)
            summary = [(r.point_code, r.revision) for r in rows]
        return OpResult(summary, Changes(reports=True))

    return run


def send_reports() -> WorkerFn:
    """Drain the outbox to the hub, then refresh targets (`hub_link.sync_now`): run it with `.network()`."""

    def run(job: JobContext) -> OpResult:
        from desktop.services import hub_link

        return OpResult(hub_link.sync_now(job.db), Changes(reports=True))

    return run

"""Documents built on the worker: appointment slips, a village list, the daily report, the due list per village
(PDF bytes for the preview), and the daily report as an Excel file. ReportLab and openpyxl load on first use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.files import atomic_write
from desktop.ui.support.runner import JobContext, WorkerFn


def slips_pdf(selection: dict[str, Any], fmt: str = "a6", officer: str = "") -> WorkerFn:
    """selection: enrollment_session_id / day / point_id / village, as printouts.Selection takes them."""

    def run(job: JobContext) -> bytes:
        from desktop.services.documents import printouts

        with job.db.read_session() as s:
            return printouts.slips_pdf(s, printouts.Selection(**selection), fmt, officer)

    return run


def list_pdf(selection: dict[str, Any], order: str | None = None) -> WorkerFn:
    def run(job: JobContext) -> bytes:
        from desktop.services.documents import printouts

        with job.db.read_session() as s:
            return printouts.list_pdf(s, printouts.Selection(**selection), order)

    return run


def report_pdf(day: dt.date, point_id: int | None = None, **options: Any) -> WorkerFn:
    """options: include_no_show_names, prepared_by, chief_name."""

    def run(job: JobContext) -> bytes:
        from desktop.services.documents import printouts

        with job.db.read_session() as s:
            return printouts.report_pdf(s, day, point_id, **options)

    return run


def due_list_pdf(day: dt.date, village: str | None = None) -> WorkerFn:
    """Who must still come, per village (for the village heads and the Fatherland Front)."""

    def run(job: JobContext) -> bytes:
        from desktop.services.documents import due_lists

        with job.db.read_session() as s:
            return due_lists.due_list_pdf(s, day, village)

    return run


def report_xlsx(day: dt.date, point_id: int | None, path: str) -> WorkerFn:
    """The daily report of `day` as an .xlsx file at `path`; the value is the path."""

    def run(job: JobContext) -> str:
        from desktop.services.documents import export_xlsx, printouts

        with job.db.read_session() as s:
            data = export_xlsx.report_xlsx(printouts.daily_report(s, day, point_id))
        atomic_write(path, data)
        return path

    return run

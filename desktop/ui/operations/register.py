"""The register: record a status event, import a list, make the demo commune; the queue's slower reads
(the total of a query, the village list) as quiet jobs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.services.due.search import CitizenQuery


def record_event(citizen_id: int, event: str, *, point_id: int | None = None,
                 operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.register import statuses

        with job.db.session() as s:
            statuses.record_event(s, citizen_id, event, point=point_id, operator_id=operator_id)
        return OpResult(citizen_id, changes_of(statuses.record_event))

    return run


def import_file(path: str | Path, *, operator_id: int | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.importer import import_file as do_import

        result = do_import(job.db, Path(path), progress=lambda d, t: job.progress(d, t),
                           cancel=job.cancelled, operator_id=operator_id)
        return OpResult(result, changes_of(do_import))

    return run


def create_demo(citizens: int = 2000, *, commune_code: str | None = None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.demo import create_demo as make

        out = make(job.db, citizens=citizens, commune_code=commune_code,
                   progress=lambda d, t: job.progress(d, t))
        return OpResult(out, changes_of(make))

    return run


def count_citizens(query: CitizenQuery) -> WorkerFn:
    """The total of a search (a full scan at worst: off the keystroke path)."""

    def run(job: JobContext) -> int:
        from desktop.services.due import search

        with job.db.read_session() as s:
            return search.count_citizens(s, query)

    return run


def villages() -> WorkerFn:
    """The village list with counts (a GROUP BY over the register): (key, name, count) rows."""

    def run(job: JobContext) -> list[tuple[str, str, int]]:
        from desktop.services.due import search

        with job.db.read_session() as s:
            return search.villages(s)

    return run

"""Targets per village set by the commune (services.village_targets): a supervisor's action, checked and
audited in the service; the operator is the logged-in one (None before any account exists)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.changes import changes_of
from desktop.ui.support.runner import JobContext, OpResult, WorkerFn

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo


def set_village_target(village: str, indicator: str, value: int, operator: OperatorInfo | None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.figures import village_targets

        with job.db.session() as s:
            row = village_targets.set_village_target(s, village, indicator, value, operator=operator)
        return OpResult(row, changes_of(village_targets.set_village_target))

    return run


def clear_village_target(village: str, indicator: str | None, operator: OperatorInfo | None) -> WorkerFn:
    def run(job: JobContext) -> OpResult:
        from desktop.services.figures import village_targets

        with job.db.session() as s:
            n = village_targets.clear_village_target(s, village, indicator, operator=operator)
        return OpResult(n, changes_of(village_targets.clear_village_target))

    return run

"""What every view is given instead of reaching for a global main window.

`AppContext` carries the open database, the operation runner and the session facts (commune, point,
operator). Views read through `ctx.read(service_fn, ...)` (a short session on the calling thread) and
write through `ctx.runner.op(...)` (the worker). Neither builds SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from desktop.db import Database
from desktop.ui.operations import OpRunner

T = TypeVar("T")


@dataclass
class AppContext:
    db: Database
    runner: OpRunner
    operator_id: int | None = None  # set by the login module when there is one
    operator: Any = None  # auth.OperatorInfo of who is logged in (login_actions), for role checks

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a read-only service call in its own short session (UI thread; keep it to a few ms)."""
        with self.db.session() as s:
            return fn(s, *args, **kwargs)

"""What every screen is given instead of reaching for a global main window: the AppContext (call it `app`).

It carries the open database, the operation runner and who is logged in. It is the ONE read path:
`app.read(service_fn, ...)` runs a read-only service call in a short session on the calling thread (keep
it to a few ms); writes and anything slower go through `app.runner.op(...)` (desktop/ui/operations).
Screens never open sessions and never build SQL. (The worker's own context is `runner.JobContext`, `job`.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from desktop.storage.db import Database
from desktop.ui.support.runner import OpRunner

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo
    from desktop.storage.db import Session  # what a Database opens (the UI names no SQL library)

T = TypeVar("T")
P = ParamSpec("P")


@dataclass
class AppContext:
    db: Database
    runner: OpRunner
    operator_id: int | None = None  # set by the login (actions/login.py)
    operator: OperatorInfo | None = None  # who is logged in, for role checks

    def read(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(session, *args, **kwargs)` in its own short read session (UI thread; keep it to a few ms).

        A deferred, query-only transaction (`Database.read_call`): it never holds up a CLI or sync write."""
        return self.db.read_call(fn, *args, **kwargs)

    def read_raw(self, fn: Callable[Concatenate[Any, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(conn, *args, **kwargs)` over the bare DB-API connection (`Database.read_raw`): only for the
        reads made before the login dialog paints (`services.start_facts`), when SQLAlchemy is not loaded."""
        return self.db.read_raw(fn, *args, **kwargs)

    def set_operator(self, info: OperatorInfo | None) -> None:
        """Who works at the laptop from now on (`auth.OperatorInfo`); every operation records them."""
        self.operator = info
        self.operator_id = getattr(info, "id", None)

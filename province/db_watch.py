"""While the database cannot be reached (PostgreSQL stopped or restarting, a network cut, SQLite locked
past its busy timeout) every request that needs it gets 503 with Retry-After — the laptops keep the batch
and try again later — instead of a 500 and a traceback per request. The server log gets one line when the
database goes away and one when it is back (not one per request).

"Back" is noticed by the first request that succeeds while the watch thinks the database is away: it pings
the database once (`SELECT 1`), and only then says so.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import text

from province.db import HubDB
from province.errors import HubRefusal
from province.refusals import refusal_response

log = logging.getLogger(__name__)
RETRY_AFTER_S = 30
UNREACHABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)


class DatabaseUnreachable(HubRefusal):
    status = 503
    title = "Cơ sở dữ liệu tạm thời không truy cập được"


def _refusal() -> DatabaseUnreachable:
    return DatabaseUnreachable(
        "database unreachable: the hub's database cannot be reached right now; try again later",
        vi="Máy chủ tỉnh tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút "
           "(dữ liệu trên máy không bị mất).")


class DatabaseWatch:
    """Whether the database was last seen away; logs the changes only."""

    def __init__(self, db: HubDB) -> None:
        self.db = db
        self.away = False
        self._lock = threading.Lock()

    def went_away(self, exc: BaseException) -> None:
        with self._lock:
            if self.away:
                return
            self.away = True
        why = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        log.error("hub database unreachable (answering 503 until it is back): %s", why)

    def check_back(self) -> None:
        """Called after a successful request while away: ping once; log when the database answers again."""
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except UNREACHABLE:
            return
        with self._lock:
            if not self.away:
                return
            self.away = False
        log.warning("hub database reachable again")


def install(app: FastAPI, db: HubDB) -> DatabaseWatch:
    watch = DatabaseWatch(db)

    async def _unreachable(request: Request, exc: Exception) -> Response:
        watch.went_away(exc)
        response = refusal_response(request, _refusal())
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    for cls in UNREACHABLE:
        app.add_exception_handler(cls, _unreachable)

    app.add_middleware(_NoticeBack, watch=watch)
    return watch


class _NoticeBack:
    """ASGI middleware: after an answer below 500 while the database was away, ping it (off the loop)."""

    def __init__(self, app: Any, watch: DatabaseWatch) -> None:
        self.app, self.watch = app, watch

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.watch.away:
            await self.app(scope, receive, send)
            return
        status = [500]

        async def _send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        await self.app(scope, receive, _send)
        if status[0] < 500 and self.watch.away:
            await run_in_threadpool(self.watch.check_back)

"""The FastAPI application factory of the province hub."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from province.db import HubDB, open_hub
from sync import protocol


def create_app(db_url: str | None = None, *, db: HubDB | None = None) -> FastAPI:
    """Open (and migrate) the database, then build the app: API under /api/v1, dashboard at /."""
    hub = db or open_hub(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        if db is None:
            hub.close()

    app = FastAPI(
        title="EnrollPoint province hub",
        version=f"protocol {protocol.PROTOCOL_VERSION}",
        description="Daily aggregate reports (counts only) from commune laptops: enrolment, exactly-once "
        "batch intake, targets, and the province dashboard.",
        lifespan=lifespan,
    )
    app.state.db = hub
    from province import api
    from province.dashboard import routes as dashboard

    app.include_router(api.router)
    app.include_router(dashboard.router)
    return app

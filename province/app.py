"""The FastAPI application factory of the province hub."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError

from province import auth, db_watch, offline, proxy, refusals, security
from province.dashboard.lang import LanguageMiddleware
from province.db import HubDB, open_hub
from province.inflight import BatchSlots
from province.settings import HubSettings
from province.settings import load as load_settings
from province.throttle import LoginGuard
from province.throttle_store import SharedThrottle
from sync import hubkey, protocol
from sync.protocol import HELLO_SERVICE


def create_app(db_url: str | None = None, *, db: HubDB | None = None, secure_cookies: bool = False,
               login_guard: LoginGuard | None = None, settings: HubSettings | None = None,
               batch_slots: BatchSlots | None = None) -> FastAPI:
    """Open (and migrate) the database, then build the app: API under /api/v1, dashboard at / (login).

    `secure_cookies`: mark the session cookie Secure even when the request arrives over plain HTTP (a TLS
    proxy that does not forward X-Forwarded-Proto); over https it is Secure anyway.
    `login_guard`: login rate limits and lockouts (default: 10 attempts per address, then one per 6 s;
    5 wrong passwords lock that address out of that account for 5 minutes; counted in the database, so
    shared by every worker).
    `settings`: default read from the environment now, so `uvicorn province.app:create_app --factory
    --workers N` (and `serve --workers N`) gives every worker the same database, trusted proxies and cookie
    flag.
    `batch_slots`: how many batches may be in flight at once before /batches answers 429 (default: the
    settings' `batches_in_flight`, 8).
    """
    settings = settings or load_settings()
    hub = db or open_hub(db_url, settings=settings)
    try:
        with hub.session(write=True) as s:
            secret = auth.ensure_secret(s)  # normally made by `init`; read once, kept in memory only
            hub_key = offline.ensure_hub_key(s)[1]  # the hub's signing key (receipts, enrolment answers, files)
    except IntegrityError:  # another worker created it at the same instant
        with hub.session() as s:
            secret = auth.ensure_secret(s)
            hub_key = offline.hub_public_key(s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        security.install_log_filter()  # after uvicorn configured its loggers
        if settings.freeze_gc:  # a serving process (`serve`), never a test's app
            # The ≈ 100 k objects of the imports live as long as the process: out of the collector's full
            # passes, which otherwise walk them on every page that builds kept results (pauses of tens of ms).
            gc.collect()
            gc.freeze()
        yield
        app.state.login_guard.close()
        app.state.shared_throttle.close()
        if db is None:
            hub.close()

    app = FastAPI(
        title="EnrollPoint province hub",
        version=f"protocol {protocol.PROTOCOL_VERSION}",
        description="Daily aggregate reports (counts only) from commune laptops: enrolment, exactly-once "
        "batch intake, targets, and the province dashboard.",
        lifespan=lifespan,
        docs_url="/docs" if settings.api_docs else None,  # Swagger UI and ReDoc come from a CDN
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.state.db = hub
    app.state.session_secret = secret
    app.state.secure_cookies = secure_cookies or settings.secure_cookies
    app.state.batch_slots = batch_slots or BatchSlots(settings.batches_in_flight)
    app.state.hello = {"service": HELLO_SERVICE, "protocol": protocol.PROTOCOL_VERSION,
                       "key_fingerprint": hubkey.fingerprint(hub_key)}  # the probe's answer, made once
    app.state.login_guard = guard = login_guard or LoginGuard(max_failures=auth.MAX_FAILURES,
                                                              lock_for=auth.LOCK_FOR.total_seconds())
    app.state.shared_throttle = SharedThrottle(hub, guard.policy, guard.clock, settings)
    from province.national import role

    role.install(app, settings.role)  # before the routers: a national hub refuses laptops, a province roll-ups
    from province import api
    from province.dashboard import login
    from province.dashboard import routes as dashboard

    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(dashboard.router)
    from province.dashboard import offline_pages

    app.include_router(offline_pages.router)
    from province.dashboard import device_pages

    app.include_router(device_pages.router)
    from province.dashboard import report_routes

    app.include_router(report_routes.router)
    from province.dashboard import target_pages

    app.include_router(target_pages.router)
    from province.dashboard import drill  # drill-down, trends, checks

    app.include_router(drill.router)
    from province.dashboard import mine

    app.include_router(mine.router)
    from province.dashboard import ranking_pages

    app.include_router(ranking_pages.router)
    from province.national import api as national_api
    from province.national import page as national_page

    app.include_router(national_api.router)
    app.include_router(national_page.router)

    from province.dashboard.routes import MAX_UPLOAD_BODY

    # Outermost first: headers on every answer (413s included), then the body caps.
    app.add_middleware(security.BodyLimit,
                       streamed={"/api/v1/batches": protocol.MAX_WIRE_BYTES,
                                 "/dashboard/upload-bundle": MAX_UPLOAD_BODY,
                                 # a roll-up batch is up to 4 MB; its route reads it with that cap and shape scan
                                 "/api/v1/national/batches": national_api.rollup.MAX_WIRE},
                       small={"/api/v1/enrol": security.SMALL_BODY, "/login": security.SMALL_BODY,
                              "/logout": security.SMALL_BODY})
    app.add_middleware(LanguageMiddleware)  # the dashboard's language for this request (?lang=, cookie)
    app.add_middleware(security.SecurityHeaders)
    app.add_middleware(proxy.TrustedProxies, networks=settings.proxy_networks())  # outermost: the real client
    app.add_exception_handler(RequestValidationError, security.validation_error)
    app.add_exception_handler(sqlalchemy.exc.DataError, security.data_error)
    refusals.install(app)  # every HubRefusal: JSON body or the dashboard's page, one place
    app.state.db_watch = db_watch.install(app, hub)  # database away: 503 + Retry-After, one log line each way

    @app.exception_handler(login.NeedLogin)
    async def _need_login(_request: Request, exc: login.NeedLogin) -> Response:
        return login.need_login_response(exc)

    return app

"""Dashboard login: /login (form), /logout (POST with CSRF token), /login/link/<token> (one-time link), and
the dependencies that guard every dashboard page, export and upload.

Pages without a session redirect to /login?next=…; exports and the upload answer 401. The device API
(/api/v1/*) keeps its bearer tokens and never looks at this cookie.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from province import auth
from province.dashboard import render
from province.db import HubDB

log = logging.getLogger(__name__)
router = APIRouter(tags=["login"])


class NeedLogin(Exception):
    """No valid session: pages redirect to the login form, exports and uploads get 401."""

    def __init__(self, html: bool, next_url: str = "/") -> None:
        super().__init__("login required")
        self.html = html
        self.next_url = next_url


def need_login_response(exc: NeedLogin) -> Response:
    if exc.html:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)
    return JSONResponse({"detail": "login required", "field": None}, status_code=401)


def _secret(request: Request) -> bytes:
    return request.app.state.session_secret


def _current(request: Request) -> auth.Auth | None:
    db: HubDB = request.app.state.db
    with db.session() as s:
        return auth.session_auth(s, _secret(request), request.cookies.get(auth.COOKIE))


def _here(request: Request) -> str:
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")


def page_user(request: Request) -> auth.Auth:
    """For HTML pages: the logged-in user, or a redirect to /login."""
    user = _current(request)
    if user is None:
        raise NeedLogin(True, _here(request))
    return user


def data_user(request: Request) -> auth.Auth:
    """For exports and uploads: the logged-in user, or 401."""
    user = _current(request)
    if user is None:
        raise NeedLogin(False)
    return user


PageUser = Annotated[auth.Auth, Depends(page_user)]
DataUser = Annotated[auth.Auth, Depends(data_user)]


def safe_next(value: str | None) -> str:
    """Only a path on this hub (no scheme, no //host): an open redirect would help phishing."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return "/"
    return value


def _set_cookie(request: Request, response: Response, value: str) -> None:
    secure = request.url.scheme == "https" or bool(getattr(request.app.state, "secure_cookies", False))
    response.set_cookie(auth.COOKIE, value, max_age=int(auth.SESSION_FOR.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=secure)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", response_class=HTMLResponse, summary="Dashboard login form")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query name
    if _current(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _no_store(HTMLResponse(render.login_page(safe_next(next))))


@router.post("/login", response_class=HTMLResponse, summary="Log in to the dashboard")
def login(request: Request, name: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=2000)] = "", next: Annotated[str, Form()] = "/") -> Response:  # noqa: A002
    db: HubDB = request.app.state.db
    refused: auth.LoginRefused | None = None
    with db.session(write=True) as s:
        try:
            user = auth.authenticate(s, name, password)
        except auth.LoginRefused as exc:
            refused = exc  # caught inside the transaction: the failure count is committed
        else:
            cookie, _ = auth.start_session(s, _secret(request), user)
    if refused is not None:
        log.warning("dashboard login refused for %r from %s: %s", name[:64],
                    request.client.host if request.client else "?", refused)
        return _no_store(HTMLResponse(render.login_page(safe_next(next), error=True), status_code=401))
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, response, cookie)
    return response


@router.post("/logout", summary="Log out (form with the CSRF token)")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    user = _current(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if not auth.check_csrf(user, csrf):
        return HTMLResponse(render.message_page("Yêu cầu không hợp lệ", ["Thiếu hoặc sai mã CSRF."], error=True),
                            status_code=403)
    with request.app.state.db.session(write=True) as s:
        auth.end_session(s, user.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/login/link/{token}", summary="One-time login link (kiosk screens)")
async def login_link(request: Request, token: str, next: str | None = None) -> Response:  # noqa: A002
    def spend() -> str | None:
        with request.app.state.db.session(write=True) as s:
            user = auth.use_login_link(s, token)
            return auth.start_session(s, _secret(request), user)[0] if user is not None else None

    cookie = await run_in_threadpool(spend)
    if cookie is None:
        return HTMLResponse(render.message_page("Liên kết đăng nhập không hợp lệ",
                                                ["Liên kết đã được dùng, đã hết hạn hoặc không đúng."],
                                                error=True, home="/login"), status_code=403)
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, response, cookie)
    return response

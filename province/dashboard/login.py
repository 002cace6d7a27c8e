"""Dashboard login: /login (form), /logout (POST with CSRF token), /login/link/<token> (one-time link), and
the dependencies that guard every dashboard page, export and upload.

Pages without a session redirect to /login?next=…; exports and the upload answer 401. The device API
(/api/v1/*) keeps its bearer tokens and never looks at this cookie.

Login under attack: this process's per-address token bucket first (429, no hash, no database), then the
same bucket shared by every worker in the database (province.throttle_store), then the login form's CSRF
token (a signed double submit of the `ep_hub_login` cookie), the per-account slow-down (many addresses
guessing one account: a short wait, never a lock), one read of the account, one scrypt on the guard's own
one or two threads (no transaction open), and a short write transaction only on success. Every refusal
costs the same (unknown, disabled, locked and wrong all hash once); a lockout holds one (address, account)
pair for 5 minutes, in the database, whichever worker answers. The address is the direct peer's, or the
one a trusted proxy forwarded (province.proxy).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from province import auth, transport
from province.dashboard import render, scope
from province.db import HubDB
from province.throttle import LoginGuard
from province.throttle_store import SharedThrottle

T = TypeVar("T")

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
    scope.gate(request, user)  # a province or leader account: only its communes
    return user


def data_user(request: Request) -> auth.Auth:
    """For exports and uploads: the logged-in user, or 401."""
    user = _current(request)
    if user is None:
        raise NeedLogin(False)
    scope.gate(request, user)
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


def _guard(request: Request) -> LoginGuard:
    return request.app.state.login_guard


def _shared(request: Request) -> SharedThrottle:
    return request.app.state.shared_throttle


LOGIN_DB_SLOTS = 4  # a login's reads and throttle writes at once per process: a flood of logins waits here,
# in the event loop, not in the thread pool and the connection pool that the device API and /health need


async def _login_db(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on the thread pool, at most LOGIN_DB_SLOTS of them at once for the login pages."""
    slots = getattr(request.app.state, "login_db_slots", None)
    if slots is None:
        slots = request.app.state.login_db_slots = asyncio.Semaphore(LOGIN_DB_SLOTS)
    async with slots:
        return await run_in_threadpool(fn, *args)


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _refuse_plain_http(request: Request) -> None:
    """A login over plain HTTP from another computer: refused (province.transport), the cookie never set."""
    if transport.plain_http_login(request.url.scheme, request.client.host if request.client else None,
                                  secure_cookies=bool(getattr(request.app.state, "secure_cookies", False))):
        raise transport.refuse_plain_login()


def _form_page(request: Request, next_url: str, status: int = 200, error: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
    """The login form with a fresh CSRF nonce cookie and its signed token in the form."""
    nonce = auth._b64(secrets.token_bytes(18))
    html = render.login_page(next_url, error=error, csrf=auth.login_csrf(_secret(request), nonce))
    response = _no_store(HTMLResponse(html, status_code=status, headers=headers))
    secure = request.url.scheme == "https" or bool(getattr(request.app.state, "secure_cookies", False))
    response.set_cookie(auth.LOGIN_COOKIE, nonce, max_age=3600, path="/login", httponly=True, samesite="strict",
                        secure=secure)
    return response


@router.get("/login", response_class=HTMLResponse, summary="Dashboard login form")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query name
    if _current(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form_page(request, safe_next(next))


@router.post("/login", response_class=HTMLResponse, summary="Log in to the dashboard",
             responses={401: {"description": "Refused"}, 403: {"description": "Missing or wrong CSRF token"},
                        429: {"description": "Too many attempts from this address"}})
async def login(request: Request, name: Annotated[str, Form(max_length=200)] = "",
                password: Annotated[str, Form(max_length=2000)] = "", next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
                csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    _refuse_plain_http(request)  # before any counter or hash: nothing of the password is used
    guard = _guard(request)
    address = _address(request)
    next_url = safe_next(next)
    wait = guard.buckets.take(address)  # this process's count: a flood it already refuses costs no write
    if wait <= 0:
        wait = await _login_db(request, _shared(request).take, address)  # every worker's count
    if wait > 0:  # before any hash
        log.warning("dashboard login from %s throttled", address)
        return _form_page(request, next_url, 429, "throttled", {"Retry-After": str(max(1, int(wait + 0.999)))})
    if not auth.check_login_csrf(_secret(request), request.cookies.get(auth.LOGIN_COOKIE), csrf):
        return _form_page(request, next_url, 403, "csrf")
    delay = await _login_db(request, _shared(request).account_delay, auth.login_key(name))
    if delay > 0:  # many wrong passwords for this account from anywhere: slowed, never locked
        await asyncio.sleep(delay)
    if not guard.enter():  # too many logins already queued for a hash (a flood from many addresses)
        log.warning("dashboard login from %s refused: hash queue full", address)
        return _form_page(request, next_url, 429, "throttled", {"Retry-After": "5"})
    try:
        return await _check_password(request, guard, address, name, password, next_url)
    finally:
        guard.leave()


async def _check_password(request: Request, guard: LoginGuard, address: str, name: str, password: str,
                          next_url: str) -> Response:
    db: HubDB = request.app.state.db

    def find() -> auth.LoginCandidate:
        with db.session() as s:  # a read: no write transaction is open while hashing
            return auth.find_login(s, name)

    candidate = await _login_db(request, find)
    shared = _shared(request)
    locked = await _login_db(request, shared.locked, address, candidate.key)
    ok = await guard.run_hash(auth.password_matches, candidate, password, locked)  # its own 1–2 threads
    cookie = None
    if ok:
        def finish() -> str | None:
            with db.session(write=True) as s:
                user = auth.finish_login(s, candidate)
                return auth.start_session(s, _secret(request), user, address)[0] if user is not None else None

        cookie = await _login_db(request, finish)
    if cookie is None:
        if locked:
            reason = "locked"
        elif candidate.user_id is None:
            reason = "unknown user"
        elif candidate.disabled:
            reason = "disabled"
        else:
            reason = "wrong password"
        if not locked and await _login_db(request, shared.failure, address, candidate.key):
            reason += f"; {address} locked out of this account for {int(guard.policy.lock_for)} s"
        log.warning("dashboard login refused for %r from %s: %s", candidate.key, address, reason)
        return _form_page(request, next_url, 401, "refused")
    await _login_db(request, shared.success, address, candidate.key)
    log.info("dashboard login of %r from %s", candidate.key, address)
    response = RedirectResponse(next_url, status_code=303)
    _set_cookie(request, response, cookie)
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
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
    _refuse_plain_http(request)  # the link is spent only over https (or on this computer)
    def spend() -> str | None:
        with request.app.state.db.session(write=True) as s:
            user = auth.use_login_link(s, token)
            return auth.start_session(s, _secret(request), user, _address(request))[0] if user is not None else None

    cookie = await run_in_threadpool(spend)
    if cookie is None:
        return HTMLResponse(render.message_page("Liên kết đăng nhập không hợp lệ",
                                                ["Liên kết đã được dùng, đã hết hạn hoặc không đúng."],
                                                error=True, home="/login"), status_code=403)
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, response, cookie)
    return response

"""FastAPI dependencies that guard routes, so no route authenticates by hand.

`CurrentDevice`: the device API's bearer token → the enrolled, unrevoked Device, else a 401 refusal (in words
for a laptop replaced by its successor).
`AdminUser`: a dashboard session of an `admin` user; for a state-changing request (not GET/HEAD) also the
session's CSRF token — from the `X-CSRF-Token` header, the `csrf` query parameter (multipart uploads: checked
before a byte of the body is read) or the `csrf` field of a urlencoded form (FastAPI has parsed it already).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from province import admin, auth, replacement
from province.dashboard.login import DataUser
from province.db import HubDB
from province.errors import BadToken, NotAllowed
from province.models import Device

MAX_TOKEN = 200
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
MAX_FORM = 16 * 1024  # a form that carries its CSRF token is small; a bigger body is never parsed here


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header, or ""."""
    if not authorization:
        return ""
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_device(request: Request, authorization: Annotated[str | None, Header()] = None) -> Device:
    """The device of the bearer token (run in a worker thread: one short read)."""
    token = bearer(authorization)
    if token and len(token) <= MAX_TOKEN:
        db: HubDB = request.app.state.db
        with db.session() as s:
            device = admin.device_for_token(s, token)
            replaced = replacement.replaced_message(s, token) if device is None else None
        if device is not None:
            return device
        if replaced:  # a laptop replaced by its successor is told so (the laptop shows `detail` as it is)
            raise BadToken(replaced, vi=replaced, field="replaced")
    raise BadToken("unknown, expired or revoked token",
                   vi="Mã truy cập của máy không đúng, đã hết hạn hoặc máy đã bị thu hồi: hãy kết nối lại máy.")


CurrentDevice = Annotated[Device, Depends(current_device)]


async def _csrf_token(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token") or request.query_params.get("csrf")
    if header:
        return header
    declared = request.headers.get("content-length", "")
    if request.headers.get("content-type", "").startswith(FORM) and declared.isdigit() and int(declared) <= MAX_FORM:
        value = (await request.form()).get("csrf")  # cached: FastAPI parsed the form for the route's fields
        return value if isinstance(value, str) else None
    return None


async def admin_user(request: Request, user: DataUser) -> auth.Auth:
    """An admin's session; a state-changing request must carry its CSRF token (403 otherwise)."""
    if not user.is_admin:
        raise NotAllowed("only an admin account may do this",
                         vi="Chỉ tài khoản quản trị (admin) được làm việc này.")
    if request.method not in SAFE_METHODS and not auth.check_csrf(user, await _csrf_token(request)):
        raise NotAllowed("missing or wrong CSRF token", vi="Thiếu hoặc sai mã CSRF.", field="csrf",
                         title="Yêu cầu không hợp lệ")
    return user


AdminUser = Annotated[auth.Auth, Depends(admin_user)]

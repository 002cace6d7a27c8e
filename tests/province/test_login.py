"""Dashboard login: accounts, lockout, signed session cookies, CSRF, roles, login links, CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from province import auth
from province.app import create_app
from province.cli import main
from province.models import HubSession, HubSetting, HubUser, LoginLink
from province.throttle import LoginGuard
from tests.support.hub import PASSWORD, add_user, csrf_of, login, login_token, make_bundle

HTTPS = "https://testserver"  # another computer's login must come over https (province.transport)


def _cookie(resp) -> str:
    return resp.headers["set-cookie"]


def test_pages_need_login_exports_401_api_public(client):
    r = client.get("/?on=2025-07-01", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2F%3Fon%3D2025-07-01"
    assert client.get("/commune/22736", follow_redirects=False).status_code == 303
    for path in ("/export.csv", "/export.xlsx"):
        r = client.get(path)
        assert r.status_code == 401 and r.json()["detail"] == "login required"
    assert client.post("/dashboard/upload-bundle", files={"file": ("b", b"x")}).status_code == 401
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200  # /docs: off by default (test_transport.py)
    form = client.get("/login?next=/commune/4")
    assert form.status_code == 200 and "Đăng nhập" in form.text and 'value="/commune/4"' in form.text


def test_login_success_and_failure(hub_db, client):
    add_user(hub_db, "quan.tri", "admin")
    bad = login(client, "quan.tri", "sai-mat-khau-roi")
    assert bad.status_code == 401 and 'id="login-error"' in bad.text
    assert auth.COOKIE not in bad.headers.get("set-cookie", "")  # only a fresh login-form nonce
    assert login(client, "khong.co.ai", PASSWORD).status_code == 401
    ok = login(client, "quan.tri", next_url="/?province=56")
    assert ok.status_code == 303 and ok.headers["location"] == "/?province=56"
    cookie = _cookie(ok).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=43200" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1
    page = client.get("/?province=56")
    assert page.status_code == 200 and "quan.tri" in page.text and 'id="upload"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/export.csv").status_code == 200
    with hub_db.session() as s:
        u = s.scalar(select(HubUser).where(HubUser.name == "quan.tri"))
        assert u.last_login_at is not None and u.failed_logins == 0
        assert u.password_hash.startswith("scrypt$16384$8$1$") and PASSWORD not in u.password_hash
        assert s.get(HubSetting, auth.SECRET_KEY) is not None  # the secret lives in the database


def test_open_redirect_refused(hub_db, client):
    add_user(hub_db)
    for evil in ("//evil.example/x", "https://evil.example/", "\\\\evil"):
        assert login(client, next_url=evil).headers["location"] == "/"


def test_secure_cookie_over_https_or_flag(hub_db):
    add_user(hub_db)
    with TestClient(create_app(db=hub_db), base_url="https://testserver") as c:
        assert "secure" in _cookie(login(c)).lower()
    with TestClient(create_app(db=hub_db, secure_cookies=True)) as c:
        assert "secure" in _cookie(login(c)).lower()


def test_lockout_per_address_and_account_time_bounded(hub_db):
    """5 wrong passwords lock *that address* out of *that account* for 5 minutes; the owner elsewhere still
    gets in (a stranger cannot lock anyone out), and the lock ends on its own."""
    clock = [1000.0]
    app = create_app(db=hub_db, login_guard=LoginGuard(capacity=100, clock=lambda: clock[0]))
    add_user(hub_db)
    with TestClient(app, base_url=HTTPS, client=("10.0.0.1", 1000)) as stranger, TestClient(app, base_url=HTTPS, client=("10.0.0.2", 1000)) as owner:
        for _ in range(4):
            assert login(stranger, password="sai-mat-khau-roi").status_code == 401
        assert login(stranger).status_code == 303  # a success resets the count
        for _ in range(5):
            assert login(stranger, password="sai-mat-khau-roi").status_code == 401
        assert login(stranger).status_code == 401  # locked: even the right password is refused
        assert login(owner).status_code == 303  # …from that address only
        clock[0] += 299
        assert login(stranger).status_code == 401
        clock[0] += 2  # five minutes later
        assert login(stranger).status_code == 303
    with hub_db.session() as s:  # nothing about the lockout is written to the account
        u = s.scalar(select(HubUser).where(HubUser.name == "quan.tri"))
        assert u.locked_until is None and u.failed_logins == 0


def test_cookie_tampering_and_forgery_refused(hub_db, client):
    add_user(hub_db)
    login(client)
    good = client.cookies.get(auth.COOKIE)
    sid, exp, sig = good.split(".")
    with hub_db.session() as s:
        secret = auth.ensure_secret(s)
    forged_exp = str(int(exp) + 86400 * 30)
    other = "B" * 43
    cases = {
        "signature": f"{sid}.{exp}.{sig[:-2]}AA",
        "expiry": f"{sid}.{forged_exp}.{sig}",
        "session id": f"{'A' * len(sid)}.{exp}.{sig}",
        "other secret": f"{sid}.{exp}.{auth._sign(b'x' * 32, f'{sid}.{exp}')}",
        "signed but unknown session": f"{other}.{exp}.{auth._sign(secret, other + '.' + exp)}",
        "garbage": "not-a-cookie",
    }
    for what, value in cases.items():
        client.cookies.clear()
        client.cookies.set(auth.COOKIE, value)
        assert client.get("/", follow_redirects=False).status_code == 303, what
        assert client.get("/export.csv").status_code == 401, what
    client.cookies.clear()
    client.cookies.set(auth.COOKIE, good)
    assert client.get("/", follow_redirects=False).status_code == 200


def test_expired_session_refused(hub_db, client):
    add_user(hub_db)
    login(client)
    good = client.cookies.get(auth.COOKIE)
    sid, exp, _sig = good.split(".")
    with hub_db.session(write=True) as s:
        secret = auth.ensure_secret(s)
        s.execute(update(HubSession).values(expires_at=auth.now() - dt.timedelta(seconds=1)))
    assert client.get("/", follow_redirects=False).status_code == 303  # expired in the database
    # A genuinely signed cookie whose own expiry has passed is refused before the database is asked.
    past = str(int(auth.now().timestamp()) - 1)
    assert auth.read_cookie(secret, f"{sid}.{past}.{auth._sign(secret, f'{sid}.{past}')}") is None
    assert auth.read_cookie(secret, good, at=auth.now() + auth.SESSION_FOR + dt.timedelta(seconds=1)) is None
    assert auth.read_cookie(secret, good) == sid


def test_viewer_sees_and_exports_but_cannot_upload(hub_db, client, laptop, viewer_client):
    page = viewer_client.get("/")
    assert page.status_code == 200 and 'id="upload"' not in page.text and "(xem)" in page.text
    assert viewer_client.get("/export.xlsx").status_code == 200
    data = make_bundle(laptop, [laptop.batch(laptop.report("2025-07-01", 1, card_captured=1))])
    r = viewer_client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)},
                           data={"csrf": csrf_of(viewer_client)})
    assert r.status_code == 403 and "admin" in r.text


def test_upload_needs_csrf(hub_db, admin_client, laptop):
    data = make_bundle(laptop, [laptop.batch(laptop.report("2025-07-01", 1, card_captured=1))])
    r = admin_client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)})
    assert r.status_code == 403 and "CSRF" in r.text
    r = admin_client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)}, params={"csrf": "x" * 43},
                          headers={"Accept": "application/json"})
    assert r.status_code == 403 and r.json()["field"] == "csrf"
    r = admin_client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)},
                          headers={"X-CSRF-Token": csrf_of(admin_client), "Accept": "application/json"})
    assert r.status_code == 200 and r.json()["batches"][0]["imported"] == 1


def test_logout_needs_csrf_and_ends_the_session(hub_db, admin_client):
    stolen = admin_client.cookies.get(auth.COOKIE)
    assert admin_client.post("/logout", follow_redirects=False).status_code == 403
    r = admin_client.post("/logout", data={"csrf": csrf_of(admin_client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    admin_client.cookies.clear()
    admin_client.cookies.set(auth.COOKIE, stolen)  # a copy of the cookie is useless after logout
    assert admin_client.get("/", follow_redirects=False).status_code == 303


def test_disable_ends_sessions(hub_db, admin_client):
    with hub_db.session(write=True) as s:
        auth.set_disabled(s, "quan.tri")
    assert admin_client.get("/", follow_redirects=False).status_code == 303
    assert login(admin_client).status_code == 401


def test_login_link_single_use_and_expiry(hub_db, client):
    add_user(hub_db, "kiosk", "viewer")
    with hub_db.session(write=True) as s:
        token, _ = auth.create_login_link(s, "kiosk", 5)
        old, _ = auth.create_login_link(s, "kiosk", 5)
        s.execute(update(LoginLink).where(LoginLink.token_hash == auth._sid_hash(old))
                  .values(expires_at=auth.now() - dt.timedelta(seconds=1)))
    r = client.get(f"/login/link/{token}?next=/%3Fon%3D2025-07-03", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?on=2025-07-03"
    assert "httponly" in _cookie(r).lower()
    assert "kiosk" in client.get("/?on=2025-07-03").text
    client.cookies.clear()
    assert client.get(f"/login/link/{token}", follow_redirects=False).status_code == 403  # used
    assert client.get(f"/login/link/{old}", follow_redirects=False).status_code == 403  # expired
    assert client.get("/login/link/nope", follow_redirects=False).status_code == 403
    with hub_db.session() as s:
        assert s.scalar(select(LoginLink.token_hash).where(LoginLink.token_hash == token)) is None  # hashed


def test_user_cli(hub_url, capsys, monkeypatch):
    db = ["--db", hub_url]
    assert main([*db, "init"]) == 0
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", "ngắn")
    assert main([*db, "user", "add", "an", "--role", "admin"]) == 2
    assert "ít nhất 10" in capsys.readouterr().err
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    assert main([*db, "user", "add", "an", "--role", "admin"]) == 0
    assert main([*db, "user", "add", "binh", "--role", "viewer"]) == 0
    assert main([*db, "user", "add", "an", "--role", "viewer"]) == 2
    assert main([*db, "user", "add", "chi", "--role", "root"]) == 2
    capsys.readouterr()
    assert main([*db, "user", "list", "--json"]) == 0
    users = {u["name"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["an"]["role"] == "admin" and users["binh"]["role"] == "viewer" and not users["an"]["disabled"]
    assert main([*db, "user", "disable", "binh"]) == 0
    assert main([*db, "user", "login-link", "binh"]) == 2  # disabled
    assert main([*db, "user", "login-link", "an", "--base-url", "https://hub.example", "--json"]) == 0
    link = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert link["url"].startswith("https://hub.example/login/link/")
    assert main([*db, "user", "disable", "nobody"]) == 2


@pytest.mark.parametrize("password", ["", "x" * 5000])
def test_odd_login_input_is_a_plain_refusal(hub_db, client, password):
    add_user(hub_db)
    r = client.post("/login", data={"name": "quan.tri", "password": password, "next": "/",
                                    "csrf": login_token(client)}, follow_redirects=False)
    assert r.status_code in (401, 413, 422)  # 5000 characters: over the 4 KiB cap of a login body

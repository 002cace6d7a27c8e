"""Hardening, hub side, in-process on SQLite and PostgreSQL: personal data in village names (1), unauth
bodies capped and never echoed (3), bundle/batch JSON bombs (4), login throttling and equal refusals (5),
batch ids per device (6), absurd dates (7), non-ASCII cookies and CSRF values (8), CSRF and headers (10).
The real-process ones (peak RSS, latency under a login flood, access log) are in test_hub_attack.py."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import statistics
import time
import zlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from province import auth
from province.app import create_app
from sync import protocol, signing
from tests.support.hub import (
    PASSWORD,
    _values_for,
    add_user,
    counts,
    csrf_of,
    enrol_http,
    login,
    login_token,
    make_bundle,
    post,
    setup_commune,
)

HTTPS = "https://testserver"  # another computer's login must come over https (province.transport)


def _raw(client, laptop, body: bytes):
    return client.post("/api/v1/batches", content=protocol.gzip_body(body), headers=laptop.headers(body))


def _batch_body(laptop, mutate) -> bytes:
    d = laptop.batch(laptop.report("2025-07-02", 1, card_captured=1)).to_dict()
    mutate(d)
    return protocol.canonical_json(d)


# -- 1. personal data in village names ----------------------------------------------------------------

@pytest.mark.parametrize("village", ["Trần Thị Bình 0987654321", "Nguyễn Văn An", "Thôn 3 0912 345 678"])
def test_village_name_with_personal_data_refused_and_not_stored(hub_db, client, laptop, village):
    before = counts(hub_db)
    batch = laptop.batch(laptop.report("2025-07-02", 1, card_captured=2,
                                       villages={"Thôn 5": {"card_captured": 1}, village: {"card_captured": 1}}))
    r = post(client, laptop, batch)
    assert r.status_code == 422 and r.json()["field"] == "reports[0].by_village"
    assert village not in r.text and "0987" not in r.text
    assert counts(hub_db) == before
    with hub_db.session() as s:
        assert not s.execute(text("SELECT 1 FROM report_villages WHERE breakdown_json LIKE :v"),
                             {"v": f"%{village[:5]}%"}).first()


def test_village_places_accepted(client, laptop):
    villages = {"Thôn 5": {"card_captured": 1}, "Tổ dân phố Nguyễn Huệ": {"card_captured": 1},
                "Chưa rõ thôn/tổ": {"card_captured": 1}}
    r = post(client, laptop, laptop.batch(laptop.report("2025-07-02", 1, card_captured=3, villages=villages)))
    assert r.status_code == 200 and r.json()["imported"] == 1


def test_bundle_with_personal_village_refused_whole(hub_db, admin_client, laptop):
    good = laptop.batch(laptop.report("2025-07-01", 1, card_captured=1))
    bad = laptop.batch(laptop.report("2025-07-02", 1, card_captured=1,
                                     villages={"Trần Thị Bình 0987654321": {"card_captured": 1}}))
    before = counts(hub_db)
    r = admin_client.post("/dashboard/upload-bundle", files={"file": ("b.epb", make_bundle(laptop, [good, bad]))},
                          headers={"X-CSRF-Token": csrf_of(admin_client), "Accept": "application/json"})
    assert r.status_code == 422 and "by_village" in r.json()["detail"] and "0987" not in r.text
    assert counts(hub_db) == before


# -- 3. unauthenticated bodies capped, never echoed -----------------------------------------------------

def test_enrol_body_capped_and_never_echoed(hub_db, client):
    code = setup_commune(hub_db)
    _, pub = signing.generate_keypair()
    huge = {"code": code, "device_name": "N" * (1024 * 1024), "public_key": pub}
    r = client.post("/api/v1/enrol", json=huge)
    assert r.status_code == 413 and len(r.content) < 200

    def chunked():  # no Content-Length: the cap applies while reading
        yield b'{"code": "x", "device_name": "'
        for _ in range(64):
            yield b"N" * 1024
        yield b'", "public_key": "x"}'

    r = client.post("/api/v1/enrol", content=chunked(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    secret = "Trần Thị Bình 0987654321 " * 10  # 250 characters: over the field's 200, under the body cap
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": secret, "public_key": pub})
    assert r.status_code == 422 and r.json()["field"] == "device_name"
    assert "0987654321" not in r.text and "input" not in r.json()
    r = client.post("/api/v1/enrol", content=b'{"code": 1, "device_name": [1, 2], "public_key": {"a": "SECRETVALUE"}}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "SECRETVALUE" not in r.text
    r = client.post("/api/v1/enrol", content=b"[" * 3000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert enrol_http(client, code).device_id  # a normal enrolment still works


def test_login_body_capped(hub_db, client):
    add_user(hub_db)
    r = client.post("/login", data={"name": "quan.tri", "password": "x" * 100_000, "csrf": login_token(client)})
    assert r.status_code == 413 and "xxxx" not in r.text


# -- 4. JSON bombs in batches and bundles -> 4xx, never a 500 ------------------------------------------

def test_deeply_nested_batch_is_400_not_500(hub_db, client, laptop):
    before = counts(hub_db)
    for body in (b"[" * 100_000, b'{"protocol": 1, "reports": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"):
        r = _raw(client, laptop, body)
        assert r.status_code == 400 and "deeper" in r.json()["detail"]
    assert counts(hub_db) == before


def _gz_stream(head: bytes, unit: bytes, repeat: int, tail: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [c.compress(head)]
    block = unit * 8192
    for _ in range(repeat // 8192):
        out.append(c.compress(block))
    out += [c.compress(tail), c.flush()]
    return b"".join(out)


def _upload(client, data: bytes):
    return client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)},
                       headers={"X-CSRF-Token": csrf_of(client), "Accept": "application/json"})


def test_bundle_bombs_refused(hub_db, admin_client, laptop):
    before = counts(hub_db)
    head = b'{"format":"enrollpoint-bundle","version":1,"device_id":"%s","commune_code":"22736","batches":[' % \
        laptop.device_id.encode()
    cases = {
        "deep": (gzip.compress(b"[" * 100_000), 400),
        "many objects": (_gz_stream(head, b"{},", 2_000_000, b"{}]}"), 400),
        "huge string": (_gz_stream(head + b'{"body":"', b"A", 80 * 1024 * 1024, b'","signature":"x"}]}'), 400),
    }
    for name, (data, status) in cases.items():
        r = _upload(admin_client, data)
        assert r.status_code == status, (name, r.text)
    assert counts(hub_db) == before


def test_max_bundle_batches_enforced(hub_db, admin_client, laptop):
    body = protocol.encode_batch(laptop.batch(laptop.report("2025-07-01", 1, card_captured=1)))
    entry = {"body": base64.b64encode(body).decode(), "signature": signing.sign(laptop.private_key, body)}
    doc = {"format": protocol.BUNDLE_FORMAT, "version": 1, "device_id": laptop.device_id, "commune_code": "22736",
           "created_at": protocol.iso(protocol.utc_now()), "batches": [entry] * (protocol.MAX_BUNDLE_BATCHES + 1)}
    before = counts(hub_db)
    r = _upload(admin_client, gzip.compress(protocol.canonical_json(doc)))
    assert r.status_code in (400, 422) and "batches" in r.json()["detail"]
    assert counts(hub_db) == before


# -- 5. login floods: rate limit, equal refusals, hash outside the transaction --------------------------

def test_login_rate_limited_per_address(hub_db):
    from province.throttle import LoginGuard

    clock = [0.0]
    app = create_app(db=hub_db, login_guard=LoginGuard(capacity=5, rate=0.1, max_failures=100,
                                                          clock=lambda: clock[0]))
    add_user(hub_db)
    with TestClient(app, base_url=HTTPS, client=("10.0.0.7", 1)) as a, TestClient(app, base_url=HTTPS, client=("10.0.0.8", 1)) as b:
        for _ in range(5):
            assert login(a, password="sai-mat-khau-roi").status_code == 401
        t0 = time.perf_counter()
        r = login(a)  # the right password, but over the limit: refused before any hash
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert time.perf_counter() - t0 < 0.05 + 0.2  # no scrypt (≈70 ms) ran
        assert login(b).status_code == 303  # other addresses are not affected
        clock[0] += 10
        assert login(a).status_code == 303


def test_refusals_take_the_same_time(hub_db):
    """Unknown, locked, disabled and wrong all run one scrypt (no account probing by timing)."""
    from province.throttle import LoginGuard

    app = create_app(db=hub_db, login_guard=LoginGuard(capacity=1000))
    add_user(hub_db)
    add_user(hub_db, "tat.roi", "viewer")
    with hub_db.session(write=True) as s:
        auth.set_disabled(s, "tat.roi")

    def timed(c, name, password):
        data = {"name": name, "password": password, "csrf": login_token(c)}
        t0 = time.perf_counter()
        r = c.post("/login", data=data, follow_redirects=False)
        return r.status_code, time.perf_counter() - t0

    with TestClient(app) as c:
        for _ in range(5):
            timed(c, "quan.tri", "sai-mat-khau-roi")  # now locked for this address
        times: dict[str, list[float]] = {"locked": [], "unknown": [], "disabled": [], "wrong": []}
        for _ in range(3):
            for what, name, pw in (("locked", "quan.tri", PASSWORD), ("unknown", "khong.co.ai", PASSWORD),
                                   ("disabled", "tat.roi", PASSWORD)):
                status, took = timed(c, name, pw)
                assert status == 401
                times[what].append(took)
    with TestClient(app, base_url=HTTPS, client=("10.9.9.9", 1)) as other:
        for _ in range(3):
            status, took = timed(other, "quan.tri", "sai-mat-khau-roi")
            assert status == 401
            times["wrong"].append(took)
    med = {k: statistics.median(v) for k, v in times.items()}
    assert min(med.values()) > 0.5 * max(med.values()), med


def test_password_hash_runs_outside_any_write_transaction(hub_db, client, monkeypatch):
    add_user(hub_db)
    seen: list[bool] = []
    real = auth.verify_password

    def probe(password, stored):
        # another writer can take the write lock / the account row right now: nothing is held
        if hub_db.is_sqlite:
            import sqlite3

            conn = sqlite3.connect(hub_db.engine.url.database, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                seen.append(True)
            except sqlite3.OperationalError:
                seen.append(False)
            finally:
                conn.close()
        else:
            with hub_db.engine.connect() as conn:
                try:
                    conn.execute(text("SELECT id FROM hub_users FOR UPDATE NOWAIT"))
                    seen.append(True)
                except Exception:
                    seen.append(False)
                conn.rollback()
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", probe)
    assert login(client, password="sai-mat-khau-roi").status_code == 401
    assert login(client).status_code == 303
    assert seen == [True, True]


# -- 6. batch ids are scoped by device ----------------------------------------------------------------

def test_batch_ids_scoped_by_device(hub_db, client, laptop, admin_client, tmp_path):
    other = enrol_http(client, setup_commune(hub_db, "4", "Phường Ba Đình", "1"))
    theirs = other.batch(other.report("2025-07-01", 1, card_captured=7))
    # A device reads the other commune's batch id (from its USB bundle) and posts under it first.
    squat = laptop.batch(laptop.report("2025-07-01", 1, card_captured=1), batch_id=theirs.batch_id)
    assert post(client, laptop, squat).status_code == 200
    # The other commune's own batch with that id is still accepted, over HTTP and in its bundle.
    r = client.post("/dashboard/upload-bundle", files={"file": ("b.epb", make_bundle(other, [theirs]))},
                    headers={"X-CSRF-Token": csrf_of(admin_client), "Accept": "application/json"})
    assert r.status_code == 200 and r.json()["batches"][0]["imported"] == 1
    r = post(client, other, theirs)
    assert r.status_code == 200 and r.json()["replayed"] is True
    # Per device, the exactly-once rules are unchanged.
    assert post(client, laptop, squat).json()["replayed"] is True
    changed = laptop.batch(laptop.report("2025-07-01", 2, card_captured=2), batch_id=theirs.batch_id)
    assert post(client, laptop, changed).status_code == 409
    assert {(v[0], v[4]) for v in _values_for(hub_db) if v[3] == "card_captured"} == {("22736", 1), ("4", 7)}


# -- 7. absurd signed dates -> 422 --------------------------------------------------------------------

@pytest.mark.parametrize(("mutate", "field"), [
    (lambda d: d["reports"][0].update(closed_at="0001-01-01T00:00:00+05:00"), "reports[0].closed_at"),
    (lambda d: d["reports"][0].update(closed_at="9999-12-31T23:59:59Z"), "reports[0].closed_at"),
    (lambda d: d["reports"][0].update(closed_at="9999-12-31T20:00:00-08:00"), "reports[0].closed_at"),
    (lambda d: d["reports"][0].update(day="0001-01-01"), "reports[0].day"),
    (lambda d: d["reports"][0].update(day="9999-12-31"), "reports[0].day"),
    (lambda d: d["reports"][0].update(day="2019-12-31"), "reports[0].day"),
    (lambda d: d.update(created_at="0001-01-01T00:00:00+14:00"), "created_at"),
])
def test_absurd_dates_are_422(hub_db, admin_client, laptop, mutate, field):
    before = counts(hub_db)
    r = _raw(admin_client, laptop, _batch_body(laptop, mutate))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert counts(hub_db) == before
    assert admin_client.get("/commune/22736").status_code == 200


def test_tomorrow_is_still_accepted(client, laptop):
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()
    assert post(client, laptop, laptop.batch(laptop.report(tomorrow, 1, card_captured=1))).status_code == 200


# -- 8. non-ASCII cookie and CSRF values -> 401/403, not 500 -------------------------------------------

def test_non_ascii_cookie_and_csrf(hub_db, client, laptop):
    for raw in ("ep_hub_session=a.1.é".encode(), b"ep_hub_session=a.1.\xff", "ep_hub_session=é.é.é".encode()):
        r = client.get("/", headers={"Cookie": raw}, follow_redirects=False)
        assert r.status_code == 303
        assert client.get("/export.csv", headers={"Cookie": raw}).status_code == 401
    add_user(hub_db)
    assert login(client).status_code == 303
    assert client.post("/logout", content=b"csrf=%C3%A9", follow_redirects=False,
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 403
    data = make_bundle(laptop, [laptop.batch(laptop.report("2025-07-01", 1, card_captured=1))])
    r = client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)}, headers={"X-CSRF-Token": "é".encode()})
    assert r.status_code == 403
    r = client.post("/dashboard/upload-bundle?csrf=%C3%A9", files={"file": ("b.epb", data)})
    assert r.status_code == 403
    r = client.post("/login", content=b"name=a&password=b&csrf=%C3%A9",
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "ep_hub_login=é".encode()})
    assert r.status_code == 403


# -- 10. CSRF, framing, CSP ---------------------------------------------------------------------------

def test_login_form_needs_its_csrf_token(hub_db, client):
    add_user(hub_db)
    form = client.get("/login")
    assert 'name="csrf"' in form.text and auth.LOGIN_COOKIE in form.headers["set-cookie"]
    r = client.post("/login", data={"name": "quan.tri", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and auth.COOKIE not in r.headers.get("set-cookie", "")
    token = login_token(client)
    client.cookies.clear()  # a cross-site form post has the token of the attacker's own visit, not our cookie
    r = client.post("/login", data={"name": "quan.tri", "password": PASSWORD, "csrf": token},
                    follow_redirects=False)
    assert r.status_code == 403
    assert login(client).status_code == 303


def test_upload_csrf_checked_before_the_body(hub_db, admin_client):
    # Not multipart at all: the refusal is about the token, so the body was never parsed.
    r = admin_client.post("/dashboard/upload-bundle", content=b"--x\r\nnot a multipart body" * 10,
                          headers={"Content-Type": "multipart/form-data; boundary=zzz", "Accept": "application/json"})
    assert r.status_code == 403 and r.json()["field"] == "csrf"
    r = admin_client.post("/dashboard/upload-bundle", content=b"x", headers={
        "Content-Type": "multipart/form-data; boundary=zzz", "Content-Length": str(200 * 1024 * 1024)})
    assert r.status_code == 413


def test_pages_cannot_be_framed_and_have_a_strict_csp(hub_db, admin_client):
    for path in ("/", "/commune/22736", "/login?next=/", "/export.csv"):
        r = admin_client.get(path, follow_redirects=False)
        assert r.headers["x-frame-options"] == "DENY", path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "script-src" not in csp
        assert "unsafe-inline" not in csp
    page = admin_client.get("/")
    assert 'action="/dashboard/upload-bundle?csrf=' in page.text
    assert admin_client.get("/docs").headers["x-frame-options"] == "DENY"


def test_openapi_and_errors_stay_json(client):
    r = client.post("/api/v1/enrol", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422) and json.loads(r.text)["detail"]


def test_migration_0003_keeps_batches_and_scopes_ids(hub_url):
    """A database at 0002 with stored batches: 0003 keeps every row; afterwards the same batch id is
    accepted from another device but not twice from the same one."""
    from sqlalchemy.exc import IntegrityError

    from province import migrations
    from province.db import create_hub_engine, open_hub

    engine = create_hub_engine(hub_url)
    migrations.upgrade(engine, "0002_auth_totals")
    row = {"b": "11111111-1111-4111-8111-111111111111", "d": "dev-a", "c": "22736", "h": "h" * 64, "s": "{}",
           "src": "http", "t": dt.datetime(2025, 7, 1, 10, 0)}
    insert = text("INSERT INTO batches (batch_id, device_id, commune_code, body_hash, summary_json, source, "
                  "received_at) VALUES (:b, :d, :c, :h, :s, :src, :t)")
    with engine.begin() as conn:
        conn.execute(insert, row)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # 0002: ids were global
        conn.execute(insert, {**row, "d": "dev-b"})
    engine.dispose()
    db = open_hub(hub_url)  # migrates to head
    try:
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT batch_id, device_id, body_hash FROM batches")).all() == [
                (row["b"], "dev-a", "h" * 64)]
            conn.execute(insert, {**row, "d": "dev-b"})  # another device, same id: fine now
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(insert, {**row, "d": "dev-b"})
    finally:
        db.close()


def test_nul_characters_are_400_not_500(hub_db, admin_client):
    """Found by schemathesis on PostgreSQL (text cannot hold NUL): a NUL in the query string, or in a form
    field that reaches a query, is bad input — 400, never a 500."""
    for url in ("/api/v1/health?x=%00", "/dashboard/offline?commune=%29%00x", "/commune/%00"):
        r = admin_client.get(url)
        assert r.status_code == 400, (url, r.status_code)
        assert r.json()["field"] == "query"
    r = admin_client.post("/dashboard/targets-file", data={"commune": "22\x00736", "csrf": csrf_of(admin_client)})
    assert 400 <= r.status_code < 500, r.status_code
    assert "22\x00736" not in r.text

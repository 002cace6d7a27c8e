"""One refusal root, one handler: every kind of refusal the hub makes answers with its status and its words,
JSON for the API and JSON clients, the dashboard's page otherwise; the device API's token and the dashboard's
admin + CSRF are checked by dependencies before a route runs."""

from __future__ import annotations

import ast
import gzip
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from province.admin import AdminError, EnrolRefused
from province.app import create_app
from province.bundle_import import BundleError
from province.db import HubDatabaseError, HubDB
from province.errors import HubRefusal
from province.intake import IntakeRefused
from province.offline import OfflineRefused
from tests.support.hub import Laptop, counts, csrf_of, post

REPO = Path(__file__).resolve().parents[2]
ROOTED = (AdminError, EnrolRefused, BundleError, IntakeRefused, OfflineRefused, HubDatabaseError)


def test_every_refusal_class_has_the_one_root_and_one_handler(hub_db: HubDB) -> None:
    app = create_app(db=hub_db)
    assert all(issubclass(cls, HubRefusal) for cls in ROOTED)
    handled = [cls for cls in app.exception_handlers if isinstance(cls, type) and issubclass(cls, HubRefusal)]
    assert handled == [HubRefusal]  # no subclass has a handler of its own


@pytest.mark.parametrize(("exc", "status", "field"), [
    (AdminError("unknown commune 'x'", vi="Không có xã 'x'.", status=404), 404, None),
    (EnrolRefused("unknown, used or expired code", vi="Mã kết nối không đúng."), 403, "code"),
    (BundleError(413, "bundle file too large"), 413, "file"),
    (IntakeRefused(409, "same batch id, other content", "batch_id"), 409, "batch_id"),
    (OfflineRefused("Mã ngày quá ngắn.", 422), 422, None),
    (HubDatabaseError("cannot open the hub database", vi="Không mở được cơ sở dữ liệu."), 503, None),
])
def test_each_refusal_class_goes_through_the_handler(hub_db: HubDB, exc: HubRefusal, status: int,
                                                    field: str | None) -> None:
    app: FastAPI = create_app(db=hub_db)

    @app.get("/api/v1/_refuse")
    def _api() -> None:
        raise exc

    @app.get("/_refuse_page")
    def _page() -> None:
        raise exc

    with TestClient(app) as c:
        r = c.get("/api/v1/_refuse")
        assert r.status_code == status
        assert r.json() == {"detail": exc.words("en"), "field": field, "words_vi": exc.words("vi")}
        page = c.get("/_refuse_page")
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert escape(exc.words("vi")) in page.text and page.headers["cache-control"] == "no-store"


def test_real_routes_answer_each_refusal_with_its_words(hub_db: HubDB, admin_client: TestClient,
                                                        laptop: Laptop) -> None:
    c = admin_client
    csrf = csrf_of(c)
    before = counts(hub_db)
    # EnrolRefused (API, JSON)
    r = c.post("/api/v1/enrol", json={"code": "WRONG-CODE", "device_name": "x", "public_key": laptop.public_key})
    assert r.status_code == 403 and r.json()["field"] == "code"
    assert r.json()["detail"] == "unknown, used or expired enrolment code"  # what laptops have always read
    assert r.json()["words_vi"].startswith("Mã kết nối không đúng, đã được dùng hoặc đã hết hạn")
    # IntakeRefused (API): a batch signed by nobody
    r = post(c, laptop, laptop.batch(laptop.report("2025-07-01")), signature="AAAA")
    assert r.status_code == 403 and "signature" in r.json()["detail"]
    # BundleError (dashboard, JSON asked): not a bundle — a plain Vietnamese sentence, no decompressor words
    r = c.post(f"/dashboard/upload-bundle?csrf={csrf}", files={"file": ("b.epb", b"not a bundle")},
               headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert r.json()["words_vi"].startswith("Tệp không phải tệp dữ liệu EnrollPoint") and "gzip" not in r.json()[
        "words_vi"]
    # OfflineRefused (dashboard page): a mistyped day code
    r = c.post("/dashboard/day-code", data={"code": "ABCD", "csrf": csrf})
    assert r.status_code == 422 and "Mã ngày" in r.text and 'href="/dashboard/offline"' in r.text
    # AdminError (dashboard page): a targets file for a commune the province does not have
    r = c.post("/dashboard/targets-file", data={"commune": "99999", "csrf": csrf})
    assert r.status_code == 404 and "Không có xã" in r.text
    assert counts(hub_db) == before


def test_device_routes_without_or_with_a_bad_token_get_401_from_the_dependency(client: TestClient,
                                                                                laptop: Laptop) -> None:
    body = gzip.compress(b"{}")
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {laptop.token}"},
                    {"Authorization": "Bearer " + "x" * 300}):
        t = client.get("/api/v1/targets", headers=headers)
        b = client.post("/api/v1/batches", content=body, headers={**headers, "Content-Encoding": "gzip"})
        for r in (t, b):
            assert r.status_code == 401, (headers, r.text)
            assert r.json()["detail"] == "unknown, expired or revoked token"
            assert r.json()["words_vi"].startswith("Mã truy cập của máy")
    ok = client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"})
    assert ok.status_code == 200 and ok.json()["commune_code"] == "22736"


def test_a_revoked_device_is_refused_by_the_dependency(hub_db: HubDB, client: TestClient, laptop: Laptop) -> None:
    from province import admin

    with hub_db.session(write=True) as s:
        admin.revoke_device(s, laptop.device_id)
    assert client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"}).status_code == 401


def test_admin_posts_without_csrf_are_refused_by_the_dependency(hub_db: HubDB, admin_client: TestClient,
                                                                viewer_client: TestClient, laptop: Laptop) -> None:
    c = admin_client
    code = "22736-ABCD"
    before = counts(hub_db)
    for path, data in (("/dashboard/day-code", {"code": code}), ("/dashboard/targets-file", {"commune": "22736"})):
        r = c.post(path, data=data)  # no CSRF token anywhere
        assert r.status_code == 403 and "Thiếu hoặc sai mã CSRF" in r.text, path
        r = c.post(path, data={**data, "csrf": "wrong"})
        assert r.status_code == 403, path
        r = viewer_client.post(path, data={**data, "csrf": csrf_of(viewer_client)})
        assert r.status_code == 403 and "Chỉ tài khoản quản trị" in r.text, path
    r = c.post("/dashboard/upload-bundle", files={"file": ("b.epb", b"x")}, headers={"Accept": "application/json"})
    assert r.status_code == 403 and r.json()["field"] == "csrf"
    r = c.post("/dashboard/enrol-file", files={"file": ("r.json", b"{}")})
    assert r.status_code == 403
    assert counts(hub_db) == before
    # the token as the header works for a form too (the same dependency)
    ok = c.post("/dashboard/targets-file", data={"commune": "22736"}, headers={"X-CSRF-Token": csrf_of(c)})
    assert ok.status_code == 200 and ok.json()["payload"]["commune_code"] == "22736"
    # a GET needs the admin role but no token
    assert viewer_client.get("/dashboard/receipt/" + "0" * 32).status_code == 403
    assert c.get("/dashboard/receipt/" + "0" * 32).status_code == 404


def test_no_route_builds_an_error_body_by_hand() -> None:
    """`{"detail": …}` is written by the one handler (and the two FastAPI-level handlers of security.py and the
    login redirect), never in a route."""
    allowed = {"refusals.py", "security.py", "login.py"}
    offenders = []
    for path in (REPO / "province").rglob("*.py"):
        if path.name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "detail"
                                                  for k in node.keys):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and node.name == "_err":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno} _err")
    assert offenders == []

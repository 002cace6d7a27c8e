"""Accounts bound to a province or to a leader's communes, on a real hub process (SQLite and PostgreSQL):
a province viewer sees only its province on the table, the exports and the commune pages; a province admin
cannot issue a replacement code for another province's laptop; a leader lands on "my localities"; the CLI
refuses a bad scope with one line of words; accounts made without a scope keep seeing the whole hub."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.hub import PASSWORD, login, make_bundle, post
from tests.support.hub_process import REPO, HubProcess, hub_cli
from tests.support.scoped_hub import csrf_in, enrol_over_http

DAY = dt.date(2026, 6, 1)


def _refused(r: httpx.Response, words: str) -> None:
    assert r.status_code == 403, (r.status_code, r.text[:300])
    assert words in r.text, r.text[:500]


def _setup(hub_url: str) -> None:
    hub_cli(hub_url, "init")
    hub_cli(hub_url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    hub_cli(hub_url, "commune", "add", "22737", "Xã Cam Lâm", "--province", "56")
    hub_cli(hub_url, "commune", "add", "101", "Phường Ba Đình", "--province", "01")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")  # no scope: the whole hub
    hub_cli(hub_url, "user", "add", "xem.56", "--role", "viewer", "--province", "56")
    hub_cli(hub_url, "user", "add", "qt.56", "--role", "admin", "--province", "56")
    hub_cli(hub_url, "user", "add", "lanh.dao", "--role", "leader", "--communes", "22736")
    hub_cli(hub_url, "leader", "set", "22736", "Đồng chí Nguyễn Văn A")


def test_scoped_accounts_on_a_real_hub(hub_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    _setup(hub_url)
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    on = {"on": DAY.isoformat()}
    with hub, httpx.Client(base_url=hub.url, timeout=15) as http:
        laps = {c: enrol_over_http(http, hub, c, f"Máy {c}") for c in ("22736", "22737", "101")}
        for lap in laps.values():
            assert post(http, lap, lap.batch(lap.report(DAY, card_captured=7))).status_code == 200

        # the whole-hub admin made before scopes: every province
        assert login(http).status_code == 303
        assert "Phường Ba Đình" in http.get("/", params=on).text
        http.cookies.clear()

        # a province viewer: its province only, on the table, the exports and the commune pages
        assert login(http, "xem.56").status_code == 303
        page = http.get("/", params=on).text
        assert "Đặc khu Trường Sa" in page and "Xã Cam Lâm" in page and "Phường Ba Đình" not in page
        csv = http.get("/export.csv", params=on).content.decode("utf-8-sig")
        assert "22736" in csv and "22737" in csv and "Phường Ba Đình" not in csv
        assert "Phường Ba Đình" not in http.get("/completeness.csv", params=on).content.decode("utf-8-sig")
        assert http.get("/commune/22737").status_code == 200
        _refused(http.get("/commune/101"), "ngoài phạm vi")
        # the drill-down below a commune page and the province-wide views keep the same scope
        for below in ("points", "trend"):
            assert http.get(f"/commune/22737/{below}", params=on).status_code == 200, below
            _refused(http.get(f"/commune/101/{below}", params=on), "ngoài phạm vi")
        _refused(http.get(f"/commune/101/laptop/{laps['101'].device_id}", params=on), "ngoài phạm vi")
        assert http.get("/checks", params=on).status_code == 200
        _refused(http.get("/checks", params={**on, "province": "01"}), "")
        _refused(http.get("/trend", params={**on, "province": "01"}), "")
        _refused(http.get("/targets/commune/101"), "ngoài phạm vi")
        _refused(http.get("/", params={"province": "01"}), "chỉ được xem tỉnh 56")
        _refused(http.get("/export.xlsx", params={"province": "01"}), "tỉnh 56")
        http.cookies.clear()

        # a province admin: acts on its communes only
        assert login(http, "qt.56").status_code == 303
        token = csrf_in(http.get("/", params=on).text)
        _refused(http.post(f"/dashboard/device/{laps['101'].device_id}/replacement-code", data={"csrf": token}),
                 "ngoài phạm vi")
        _refused(http.post("/dashboard/targets-file", data={"csrf": token, "commune": "101"}), "ngoài phạm vi")
        other = laps["101"]
        bundle = make_bundle(other, [other.batch(other.report(DAY + dt.timedelta(days=1), card_captured=5))])
        r = http.post("/dashboard/upload-bundle", params={"csrf": token}, files={"file": ("b.epb", bundle)})
        _refused(r, "ngoài phạm vi")
        r = http.post(f"/dashboard/device/{laps['22737'].device_id}/replacement-code", data={"csrf": token})
        assert r.status_code == 200 and "Mã:" in r.text
        http.cookies.clear()

        # a leader: lands on "my localities", sees its commune and its named leader, nothing else
        r = login(http, "lanh.dao")
        assert r.status_code == 303
        r = http.get("/", params=on, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/mine")
        mine = http.get(r.headers["location"]).text
        assert "Địa bàn của tôi" in mine and "Đặc khu Trường Sa" in mine and "Đồng chí Nguyễn Văn A" in mine
        assert "Xã Cam Lâm" not in mine and "Đã báo cáo · 1/1 máy" in mine
        _refused(http.get("/commune/22737"), "ngoài phạm vi")
        _refused(http.get("/targets"), "chỉ xem các xã mình phụ trách")
        assert "Xã Cam Lâm" not in http.get("/export.csv", params=on).content.decode("utf-8-sig")


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "province.cli", "--db", db_url, *args], capture_output=True,
                          text=True, timeout=60, cwd=REPO)


def test_cli_refuses_bad_scopes_and_changes_one_with_an_audit_row(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    hub_cli(url, "init")
    hub_cli(url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    for args, words in ((("--role", "leader"), "--communes"), (("--role", "viewer", "--province", "99"), "tỉnh 99"),
                        (("--role", "leader", "--communes", "22736,55555"), "55555"),
                        (("--role", "viewer", "--communes", "22736"), "Chỉ tài khoản lãnh đạo")):
        out = _cli(url, "--lang", "vi", "user", "add", "x.y", *args)
        assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr, out.stderr
    hub_cli(url, "user", "add", "x.y", "--role", "viewer")
    out = json.loads(hub_cli(url, "--json", "user", "scope", "x.y", "--role", "leader", "--communes", "22736"))
    assert (out["role"], out["communes"], out["province"]) == ("leader", "22736", None)
    out = json.loads(hub_cli(url, "--json", "user", "scope", "x.y", "--role", "viewer", "--all"))
    assert (out["communes"], out["province"]) == (None, None)
    audit = hub_cli(url, "--json", "audit", "--kind", "user.scope")
    assert audit.count("user.scope") >= 2, audit


def test_accounts_made_before_the_scope_keep_the_whole_hub(hub_url: str) -> None:
    """0014_account_scope on a database with an account: the account comes out unrestricted (SQLite, PG)."""
    from sqlalchemy import text

    from province import auth, migrations
    from province.db import create_hub_engine, open_hub

    engine = create_hub_engine(hub_url)
    try:
        migrations.upgrade(engine, "0013_national_totals")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO hub_users (name, password_hash, role, disabled, failed_logins, created_at)"
                              " VALUES ('cu', 'x', 'viewer', false, 0, '2026-01-01 00:00:00')"))
    finally:
        engine.dispose()
    db = open_hub(hub_url)
    try:
        with db.session() as s:
            user = auth.get_user(s, "cu")
            assert (user.role, user.province_code, user.communes) == ("viewer", None, None)
    finally:
        db.close()

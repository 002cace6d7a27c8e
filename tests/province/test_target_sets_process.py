"""Target sets on a real hub process (`enrollpoint-hub serve` on 127.0.0.1; SQLite and PostgreSQL): sets imported
by the CLI, a laptop enrolled and reporting over HTTP, the /targets page read by a signed-in browser, and the
laptop's `/api/v1/targets` answer — today's contract, one target per indicator (the nearest open deadline)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from province import target_sets
from sync import signing
from tests.support.hub import PASSWORD, Laptop, login, post
from tests.support.hub_process import HubProcess, hub_cli

D = dt.date(2026, 6, 1)


def test_real_hub_serves_the_sets_page_and_the_old_targets_contract(hub_url: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub_cli(hub_url, "init")
    hub_cli(hub_url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    today = target_sets.vn_today()
    soon, later = today + dt.timedelta(days=30), today + dt.timedelta(days=90)
    f = tmp_path / "sets.csv"
    f.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                 "22736,card_captured,57543,2026-06-30,Đợt 1,57543,eligible\n"
                 f"22736,card_captured,60000,{later.isoformat()},Đợt 3,60000,eligible\n"
                 f"22736,card_captured,58000,{soon.isoformat()},Đợt 2,60000,eligible\n", encoding="utf-8")
    assert json.loads(hub_cli(hub_url, "--json", "targets", "import", "--sets", str(f)))["sets"] == 3
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    with hub, httpx.Client(base_url=hub.url, timeout=15) as http:
        code = json.loads(hub.cli("--json", "enrol-code", "22736"))["code"]
        priv, pub = signing.generate_keypair()
        r = http.post("/api/v1/enrol", json={"code": code, "device_name": "Máy xã", "public_key": pub})
        assert r.status_code == 200, r.text
        d = r.json()
        lap = Laptop(d["device_id"], d["token"], priv, pub, "22736")
        days = {**{n: 8000 for n in range(7)}, 7: 873}
        batch = lap.batch(*[lap.report(D + dt.timedelta(days=n), card_captured=v) for n, v in days.items()])
        assert post(http, lap, batch).status_code == 200
        old = http.get("/api/v1/targets", headers={"Authorization": f"Bearer {lap.token}"}).json()
        assert [(t["indicator"], t["value"], t["deadline"]) for t in old["targets"]] == \
            [("card_captured", 58000, soon.isoformat())]  # one per indicator: Đợt 2, the nearest open
        assert login(http).status_code == 303
        page = http.get("/targets", params={"on": "2026-06-18"}).text
    assert "56.873/57.543 — 98,83%" in page and "56.873/60.000 — 94,78%" in page
    assert "dự kiến đạt 19/06/2026; không tiến triển 10 ngày" in page and "6981,86" in page

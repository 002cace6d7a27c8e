"""Rankings published at the cut-off, on a real hub process (SQLite and PostgreSQL): `rankings publish` keeps
what it published (a second run changes nothing), the moves (↑2 / ↓1 / =) come from the published days,
a late report marks the commune "đã điều chỉnh" without moving it, met / not met is counted, and a grouping
imported from a synthetic CSV filters the ranking (a bad file is refused whole, naming the row)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sync import signing
from tests.support.hub import PASSWORD, Laptop, login, post
from tests.support.hub_process import REPO, HubProcess, hub_cli

D = dt.date(2026, 6, 10)
A, B, C = "22736", "22737", "22738"


def _enrol(http: httpx.Client, hub: HubProcess, commune: str) -> Laptop:
    code = json.loads(hub.cli("--json", "enrol-code", commune))["code"]
    priv, pub = signing.generate_keypair()
    r = http.post("/api/v1/enrol", json={"code": code, "device_name": f"Máy {commune}", "public_key": pub})
    assert r.status_code == 200, r.text
    d = r.json()
    return Laptop(d["device_id"], d["token"], priv, pub, commune)


def _board(html: str, table: str = "all") -> dict[str, tuple[int, str, str, str]]:
    """commune → (place, move since yesterday, move since 7 days, note) from one table of the page."""
    part = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-code="(\w+)"><td>(\d+)</td><td class="move">([^<]*)</td><td class="move">([^<]*)'
                      r'</td>.*?<td class="t notes">([^<]*)</td>', part)
    return {code: (int(place), y, w, note) for code, place, y, w, note in rows}


def _publish(hub: HubProcess, day: dt.date) -> dict[str, object]:
    return dict(json.loads(hub.cli("--json", "rankings", "publish", "--on", day.isoformat())))


def test_rankings_stay_as_published(hub_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub_cli(hub_url, "init")
    for code, name in ((A, "Xã An"), (B, "Xã Bình"), (C, "Xã Châu")):
        hub_cli(hub_url, "commune", "add", code, name, "--province", "56")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    sets = tmp_path / "sets.csv"
    sets.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n" + "".join(
        f"{c},card_captured,60,2026-12-31,Đợt 1,100,eligible\n" for c in (A, B, C)), encoding="utf-8")
    hub_cli(hub_url, "targets", "import", "--sets", str(sets))
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    week = D - dt.timedelta(days=7)
    with hub, httpx.Client(base_url=hub.url, timeout=15) as http:
        lap = {c: _enrol(http, hub, c) for c in (A, B, C)}
        sent = {A: {week: 30}, B: {week: 20, D - dt.timedelta(days=1): 30}, C: {week: 10, D: 60}}
        for c, days in sent.items():
            reports = [lap[c].report(day, card_captured=n) for day, n in days.items()]
            assert post(http, lap[c], lap[c].batch(*reports)).status_code == 200
        for day in (week, D - dt.timedelta(days=1), D):
            assert _publish(hub, day)["sets"] == [{"set_id": 1, "communes": 3, "already": False}]
        assert login(http).status_code == 303
        page = http.get("/rankings", params={"on": D.isoformat()}).text
        assert _board(page) == {C: (1, "↑2", "↑2", ""), B: (2, "↓1", "=", ""), A: (3, "↓1", "↓2", "")}
        assert "Đạt: 1 / 3 xã" in page and "70/100 — 70,00%" in page

        # a late report for the published day: the places stay, the commune is marked, a re-run keeps all
        late = lap[A].report(D, point="P2", card_captured=50)
        assert post(http, lap[A], lap[A].batch(late)).status_code == 200
        assert _publish(hub, D)["sets"] == [{"set_id": 1, "communes": None, "already": True}]
        page = http.get("/rankings", params={"on": D.isoformat()}).text
        board = _board(page)
        assert [board[c][0] for c in (C, B, A)] == [1, 2, 3]
        assert board[A][3] == "đã điều chỉnh (nay 80)" and board[C][3] == ""
        assert "30/100 — 30,00%" in page  # as published
        assert set(_board(http.get("/rankings", params={"on": D.isoformat(), "met": "no"}).text)) == {A, B}
        unpublished = http.get("/rankings", params={"on": (D + dt.timedelta(days=1)).isoformat()}).text
        assert "Chưa công bố xếp hạng ngày này" in unpublished

        # a grouping from a synthetic CSV filters the ranking; a bad file changes nothing
        groups = tmp_path / "groups.csv"
        groups.write_text(f"group,commune_code\nCụm Bắc,{A}\nCụm Bắc,{C}\nCụm Nam,{B}\n", encoding="utf-8")
        assert json.loads(hub.cli("--json", "groups", "import", str(groups))) == {"Cụm Bắc": 2, "Cụm Nam": 1}
        north = _board(http.get("/rankings", params={"on": D.isoformat(), "group": "Cụm Bắc"}).text)
        assert {c: v[0] for c, v in north.items()} == {C: 1, A: 3}
        groups.write_text(f"group,commune_code\nCụm Tây,{A}\nCụm Tây,99999\n", encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "province.cli", "--db", hub_url, "--lang", "vi", "groups",
                              "import", str(groups)], capture_output=True, text=True, timeout=60, cwd=REPO)
        assert out.returncode == 2 and "Dòng 3, cột commune_code" in out.stderr and "99999" in out.stderr
        assert json.loads(hub.cli("--json", "groups", "list")) == {"Cụm Bắc": 2, "Cụm Nam": 1}


def test_default_day_follows_the_cutoff() -> None:
    from province.dashboard.published import default_day

    cutoff = dt.time(16, 30)
    before = dt.datetime(2026, 6, 10, 9, 29, tzinfo=dt.UTC)  # 16:29 in Vietnam
    after = dt.datetime(2026, 6, 10, 9, 31, tzinfo=dt.UTC)
    assert default_day(before, cutoff) == dt.date(2026, 6, 9) and default_day(after, cutoff) == D

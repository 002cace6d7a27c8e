"""Two province hubs and a national hub, three real processes on 127.0.0.1: laptops report to the provinces,
the provinces roll up to the national hub across an outage of it (one online, one by file), and the national
figures are the sum of
the provinces', each commune once, a revision replacing (never adding to) the earlier figure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests

from tests.support.hub_process import HubProcess
from tests.support.national import (
    NATIONAL,
    enrol_laptop,
    national_rows,
    province_sums,
    report,
    run_cli,
    today_minus,
)

PASSWORD = "mat-khau-dai-du-12"


def _connect(province: HubProcess, national: HubProcess, code: str) -> None:
    enrol = run_cli(national, "--json", "national", "enrol-code", code)
    assert enrol.returncode == 0, enrol.stderr
    out = run_cli(province, "--json", "national", "connect", "--url", national.url, "--code",
                  json.loads(enrol.stdout)["code"], "--province", code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["fingerprint"] == json.loads(enrol.stdout)["fingerprint"]


def _send(province: HubProcess) -> dict[str, int]:
    out = run_cli(province, "--json", "national", "send")
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def _national_equals_provinces(national: HubProcess, *provinces: HubProcess) -> None:
    stored = national_rows(national.db_file)
    want: dict[tuple[str, str], int] = {}
    for p in provinces:
        for key, value in province_sums(p.db_file).items():
            assert key not in want, "a commune-day in two provinces"
            want[key] = value
    assert {k: v[2] for k, v in stored.items()} == want
    assert sum(v[2] for v in stored.values()) == sum(want.values())


def test_two_provinces_roll_up_across_an_outage(tmp_path: Path) -> None:
    for sub in ("n", "a", "b"):
        (tmp_path / sub).mkdir()
    national = HubProcess(tmp_path / "n", commune=None, env=NATIONAL)
    run_cli(national, "init")
    hub_a = HubProcess(tmp_path / "a", commune="22366", province="56")  # Khánh Hòa
    assert run_cli(hub_a, "commune", "add", "22333", "Phường Bắc Nha Trang", "--province", "56").returncode == 0
    hub_b = HubProcess(tmp_path / "b", commune="70", province="1")  # Hà Nội
    assert run_cli(hub_b, "commune", "add", "73", "Phường Cửa Nam", "--province", "1").returncode == 0
    with national, hub_a, hub_b:
        nha_trang, bac_nha_trang = enrol_laptop(hub_a, "22366"), enrol_laptop(hub_a, "22333")
        hoan_kiem, cua_nam = enrol_laptop(hub_b, "70"), enrol_laptop(hub_b, "73")
        d1, d2 = today_minus(2), today_minus(1)
        report(hub_a, nha_trang, d1, card_captured=5)
        report(hub_a, nha_trang, d2, card_captured=3)
        report(hub_a, bac_nha_trang, d1, card_captured=7)
        report(hub_b, hoan_kiem, d1, card_captured=11)
        report(hub_b, cua_nam, d2, card_captured=2)
        _connect(hub_a, national, "56")
        _connect(hub_b, national, "1")

        national.stop()  # the national hub is down: the send fails with words, the batch is kept
        down = run_cli(hub_a, "national", "send")
        assert down.returncode == 2 and "Không kết nối được máy chủ toàn quốc" in down.stderr, down.stderr
        assert "Traceback" not in down.stderr
        assert json.loads(run_cli(hub_a, "--json", "national", "status").stdout)["pending"] == 1
        # Province B goes by file: its batches carried to the national hub, imported there, receipts back.
        carried, receipts = tmp_path / "b-to-national.json", tmp_path / "national-to-b.json"
        out = run_cli(hub_b, "--json", "national", "send", "--out", str(carried))
        assert out.returncode == 0 and json.loads(out.stdout)["batches"] == 1, out.stderr
        imports = [run_cli(national, "--json", "national", "import", str(carried), "--receipt", str(receipts))
                   for _ in range(2)]  # imported twice (a second stick): stored once
        rows = len(json.loads(carried.read_text(encoding="utf-8"))["batches"][0]["batch"]["rows"])
        assert rows >= 2  # its two days of figures, and today's completeness when today is a working day
        assert [json.loads(i.stdout) for i in imports] == [{"batches": 1, "stored": rows, "duplicates": 0},
                                                           {"batches": 1, "stored": 0, "duplicates": 1}]
        back = run_cli(hub_b, "--json", "national", "receipt", str(receipts))
        assert back.returncode == 0 and json.loads(back.stdout) == {"acknowledged": 1}, back.stderr
        assert json.loads(run_cli(hub_b, "--json", "national", "status").stdout)["pending"] == 0
        national.start()

        assert _send(hub_a)["rows"] >= 3  # the kept batch, sent again (3 days of figures, completeness of today)
        assert _send(hub_b)["batches"] == 0  # everything went by file
        assert _send(hub_a)["batches"] == 0  # nothing changed: nothing sent
        _national_equals_provinces(national, hub_a, hub_b)

        report(hub_a, nha_trang, d1, revision=2, card_captured=6)  # the laptop revises a day
        assert _send(hub_a) == {"batches": 1, "rows": 1, "stored": 1, "duplicates": 0}
        stored = national_rows(national.db_file)
        assert stored[("22366", d1)] == ("56", 2, 6)  # replaced, not 5 + 6
        assert {k: v[0] for k, v in stored.items()} == {("22366", d1): "56", ("22366", d2): "56",
                                                        ("22333", d1): "56", ("70", d1): "1", ("73", d2): "1"}
        _national_equals_provinces(national, hub_a, hub_b)

        # The national page: both provinces, ranked by count (no targets), with freshness; drill-down.
        add = run_cli(national, "user", "add", "quoc.gia", "--role", "viewer", env={"ENROLLPOINT_HUB_PASSWORD": PASSWORD})
        assert add.returncode == 0, add.stderr
        link = run_cli(national, "user", "login-link", "quoc.gia", "--base-url", national.url)
        url = re.search(r"http://\S+", link.stdout)
        assert url, link.stdout
        with requests.Session() as web:
            assert web.get(url.group(0), timeout=30).status_code == 200
            page = web.get(national.url + "/national", timeout=30)
            assert page.status_code == 200, page.text
            text = page.text
            assert text.index("Khánh Hòa") < text.index("Hà Nội")  # 6 + 3 + 7 = 16 before 13
            assert "dữ liệu đến ngày" in text and ">16<" in text and ">13<" in text
            drill = web.get(national.url + "/national/56", timeout=30).text
            assert "Phường Nha Trang" in drill and "Phường Bắc Nha Trang" in drill and "Hoàn Kiếm" not in drill
        # Roles: the national hub takes no laptop; a province hub takes no roll-up.
        refused = requests.post(national.url + "/api/v1/enrol", json={"code": "X"}, timeout=30)
        assert refused.status_code == 403 and "national hub" in refused.json()["detail"]
        refused = requests.post(hub_a.url + "/api/v1/national/batches", json={}, timeout=30)
        assert refused.status_code == 403 and "province hub" in refused.json()["detail"]

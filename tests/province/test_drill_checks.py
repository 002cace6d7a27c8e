"""Drill-down, trend charts and "Cần kiểm tra" on a real hub process (`enrollpoint-hub serve` on 127.0.0.1;
SQLite and PostgreSQL): laptops enrolled and reporting over HTTP, a day code typed by the CLI, target sets
imported by the CLI; the pages read back by a signed-in browser against the seeded truth — each check's
positive and negative case, the SVG's points and lines and their values, breadcrumbs that lead back."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from province.db import open_hub
from province.models import CommuneDay, ReportVillage
from sync import daycode
from tests.support.hub import PASSWORD, Laptop, enrol_http, login, post
from tests.support.hub_process import HubProcess, hub_cli

VN = dt.timezone(dt.timedelta(hours=7))
T = dt.datetime.now(VN).date()
STEADY, ACTIVATED, LOWERED, AHEAD, CLEAN = "91001", "91002", "91003", "91004", "91005"
NAMES = {STEADY: "Xã Đột Biến", ACTIVATED: "Xã Kích Hoạt", LOWERED: "Xã Sửa Số", AHEAD: "Xã Ngày Sau",
         CLEAN: "Xã Bình Thường"}
SPIKE_DAY = T - dt.timedelta(days=7)


def _d(n: int) -> dt.date:
    return T - dt.timedelta(days=n)


def _send(http: httpx.Client, lap: Laptop, *reports: object) -> None:
    r = post(http, lap, lap.batch(*reports))  # type: ignore[arg-type]
    assert r.status_code == 200, r.text


def _phone(hub: HubProcess, lap: Laptop, code: str, day: dt.date, **figures: int) -> None:
    hub.cli("day-code", daycode.encode(daycode.DayTotals(code, "P1", day, 1, figures),
                                       daycode.daycode_key_from_token(lap.token)))


def _seed(hub: HubProcess, http: httpx.Client, db_url: str) -> dict[str, Laptop]:
    laps = {code: enrol_http(http, hub.enrol_code(code), f"Máy {code}") for code in NAMES}
    a = laps[STEADY]  # 10 a day for ten days, 100 on SPIKE_DAY; a second point; villages split 6/4
    _send(http, a, *[a.report(_d(n), card_captured=(100 if _d(n) == SPIKE_DAY else 10), vneid_l2_captured=5,
                              vneid_activated=3,
                              villages={"Thôn 1": {"card_captured": 60 if _d(n) == SPIKE_DAY else 6},
                                        "Thôn 2": {"card_captured": 40 if _d(n) == SPIKE_DAY else 4}})
                     for n in range(3, 13)], a.report(_d(3), point="P2", card_captured=7))
    b = laps[ACTIVATED]  # activated 5 > registered 2; 15 against a median of 1 is under the minimum of 20
    _send(http, b, b.report(_d(3), vneid_l2_captured=2, vneid_activated=5, card_captured=1),
          *[b.report(_d(n), card_captured=1) for n in (4, 5)], b.report(_d(6), card_captured=15))
    c = laps[LOWERED]  # phoned 9, signed 4
    _phone(hub, c, LOWERED, _d(2), card_captured=9)
    _send(http, c, c.report(_d(2), card_captured=4))
    e = laps[CLEAN]  # phoned 3 then signed 3 and phoned 3 then signed 8; activated = registered
    _phone(hub, e, CLEAN, _d(2), card_captured=3)
    _phone(hub, e, CLEAN, _d(1), card_captured=3)
    _send(http, e, *[e.report(_d(n), card_captured=10, vneid_l2_captured=5, vneid_activated=5) for n in range(3, 9)],
          e.report(_d(2), card_captured=3), e.report(_d(1), card_captured=8))
    d = laps[AHEAD]  # a report for yesterday that arrived (as stored) the day before yesterday
    _send(http, d, d.report(_d(1), card_captured=3), d.report(_d(2), card_captured=3))
    db = open_hub(db_url)
    try:
        with db.session(write=True) as s:
            early = dt.datetime.combine(_d(2), dt.time(3, 0), dt.UTC)
            s.execute(update(ReportVillage).where(ReportVillage.commune_code == AHEAD, ReportVillage.day == _d(1))
                      .values(received_at=early))
            s.execute(update(CommuneDay).where(CommuneDay.commune_code == AHEAD, CommuneDay.day == _d(1))
                      .values(first_received_at=early))  # the day's first arrival, as intake keeps it
    finally:
        db.close()
    return laps


def _text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _checks(page: str) -> dict[str, list[tuple[str, str]]]:
    body = page.split('<table id="checks">', 1)[1].split("</table>", 1)[0]
    return {code: [(k, _text(li)) for k, li in re.findall(r'<li data-kind="([a-z]+)">(.*?)</li>', row, re.S)]
            for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, re.S)}


def _crumbs(page: str) -> list[str]:
    nav = page.split('<nav class="crumbs" id="crumbs">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', nav)


def _svg(page: str, ind: str) -> str:
    return page.split(f'<svg id="trend-{ind}"', 1)[1].split("</svg>", 1)[0]


def _cumulative(daily: dict[dt.date, int], days: int = 30) -> list[int]:
    out, run = [], 0
    for i in range(days):
        run += daily.get(T - dt.timedelta(days=days - 1 - i), 0)
        out.append(run)
    return out


def test_checks_trend_and_drill_down_on_a_real_hub(hub_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub_cli(hub_url, "init")
    for code, name in NAMES.items():
        hub_cli(hub_url, "commune", "add", code, name, "--province", "56")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    sets = tmp_path / "sets.csv"
    sets.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                    f"{STEADY},card_captured,500,{(T + dt.timedelta(days=20)).isoformat()},Đợt 2,600,eligible\n"
                    f"{STEADY},card_captured,150,{_d(5).isoformat()},Đợt 1,600,eligible\n"
                    f"{CLEAN},card_captured,100,{_d(5).isoformat()},Đợt 1,200,eligible\n", encoding="utf-8")
    hub_cli(hub_url, "targets", "import", "--sets", str(sets))
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    with hub, httpx.Client(base_url=hub.url, timeout=30) as http:
        laps = _seed(hub, http, hub_url)
        assert login(http).status_code == 303
        on = {"on": T.isoformat()}
        province = http.get("/", params=on).text
        assert f'href="/checks?on={T.isoformat()}"' in province and f'href="/trend?on={T.isoformat()}"' in province
        checks = _checks(http.get("/checks", params=on).text)
        trend = http.get(f"/commune/{STEADY}/trend", params=on).text
        province_trend = http.get("/trend", params=on).text
        points = http.get(f"/commune/{STEADY}/points", params=on).text
        point = http.get(f"/commune/{STEADY}/point/P1", params=on).text
        laptop = http.get(f"/commune/{STEADY}/laptop/{laps[STEADY].device_id}", params=on).text
        commune = http.get(f"/commune/{STEADY}").text
        back = {href: http.get(href).status_code for page in (point, laptop, points, trend) for href in _crumbs(page)}
        missing = http.get("/commune/99999/points").status_code
        # The province-wide checks and trend are kept until new data arrives: a new report shows at once.
        e = laps[CLEAN]
        _send(http, e, e.report(T, card_captured=5, vneid_activated=18))  # 48 > 30, under the spike minimum
        checks_after = _checks(http.get("/checks", params=on).text)
        trend_after = http.get("/trend", params=on).text

    # Checks: each positive case flagged with its reason, each negative case not; one commune per row.
    assert {code: [k for k, _r in flags] for code, flags in checks.items()} == {
        STEADY: ["spike"], ACTIVATED: ["activated"], LOWERED: ["lowered"], AHEAD: ["future"]}
    assert f"ngày {SPIKE_DAY:%d/%m/%Y}: 100 — trên 3 lần trung vị 10" in checks[STEADY][0][1]
    assert "kích hoạt 5 > đăng ký mức 2 2" in checks[ACTIVATED][0][1]
    assert f"ngày {_d(2):%d/%m/%Y}, điểm P1: mã ngày qua điện thoại 9, báo cáo ký số 4" in checks[LOWERED][0][1]
    assert f"Báo cáo cho ngày {_d(1):%d/%m/%Y} nhận lúc 10:00 {_d(2):%d/%m/%Y}" in checks[AHEAD][0][1]

    # Trend of one commune: 30 points, values = the cumulative of its reports; the two sets' lines, one deadline.
    svg = _svg(trend, "card_captured")
    daily = {_d(n): (100 if _d(n) == SPIKE_DAY else 10) for n in range(3, 13)}
    daily[_d(3)] += 7
    assert svg.count("<circle") == 30
    values = re.search(r'data-values="([^"]+)"', svg)
    assert values and [int(v) for v in values.group(1).split()] == _cumulative(daily)
    assert sorted(re.findall(r'class="target" data-set="\d+" data-value="(\d+)"', svg)) == ["150", "500"]
    assert svg.count('class="deadline"') == 1
    assert "script" not in trend.lower()
    # The province's: every commune summed; the targets summed over communes (150 + 100 for Đợt 1).
    psvg = _svg(province_trend, "card_captured")
    for d, v in {_d(6): 15, _d(5): 1, _d(4): 1, _d(3): 1, _d(2): 4 + 3 + 3, _d(1): 8 + 3}.items():
        daily[d] = daily.get(d, 0) + v
    for n in range(3, 9):  # the clean commune's 10 a day
        daily[_d(n)] += 10
    pvalues = re.search(r'data-values="([^"]+)"', psvg)
    assert pvalues and [int(v) for v in pvalues.group(1).split()] == _cumulative(daily)
    after = re.search(r'data-values="([^"]+)"', _svg(trend_after, "card_captured"))
    assert after and [int(v) for v in after.group(1).split()] == _cumulative({**daily, T: 5})
    assert [k for k, _r in checks_after[CLEAN]] == ["activated"] and len(checks_after) == 5
    assert sorted(re.findall(r'class="target" data-set="\d+" data-value="(\d+)"', psvg)) == ["250", "500"]

    # Drill-down: points and villages from the breakdowns (flags change no figure), a point's days, a laptop.
    assert re.search(r'<tr data-point="P1">.*?<td>190</td>', points) and re.search(r'<tr data-point="P2">.*?<td>7</td>', points)
    assert re.search(r'<tr data-village="Thôn 1">.*?<td>114</td>', points)
    assert re.search(r'<tr data-village="Thôn 2">.*?<td>76</td>', points)
    assert re.search(rf'<tr data-day="{SPIKE_DAY.isoformat()}">.*?<td>100</td>', point)
    assert point.count("<tr data-day=") == 10 and laps[STEADY].device_id in point
    assert laptop.count("<tr data-day=") == 11  # ten days at P1, one at P2
    assert re.search(r'id="laptop-totals">[^<]*197', laptop)
    assert f'href="/commune/{STEADY}/points"' in commune and f'href="/commune/{STEADY}/trend"' in commune
    # Breadcrumbs: every level links back up, and every link opens.
    assert _crumbs(laptop) == [f"/?on={T.isoformat()}", f"/commune/{STEADY}"]
    assert _crumbs(point) == [f"/?on={T.isoformat()}", f"/commune/{STEADY}", f"/commune/{STEADY}/points"]
    assert set(back.values()) == {200} and missing == 404

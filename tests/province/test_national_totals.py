"""The national intake's bulk writes keep the highest revision per (commune, day) and the per-commune totals
the national page reads equal to a recount of the commune-days held, whatever the order batches arrive in;
an upgrade from 0012_national fills the totals from the commune-days already held. Both backends (on
PostgreSQL a batch of 64 rows or more goes in by COPY)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import select, text

from province import migrations
from province.db import HubDB, create_hub_engine, open_hub
from province.national import rollup
from province.national.intake import create_code, enrol, take_batch
from province.national.models import NationalCommuneDay, NationalCommuneTotal
from province.national.page import commune_lines, headline, province_lines
from sync import communes, signing

FIRST = dt.date.today() - dt.timedelta(days=40)


def _communes(province: str, n: int) -> list[str]:
    return [c.code for c in communes.all_communes() if c.province_code == province][:n]


def _enrol(db: HubDB, province: str) -> str:
    private, public = signing.generate_keypair()
    with db.session(write=True) as s:
        enrol(s, {"province": province, "code": create_code(s, province)[0], "hub_public_key": public})
    return private


def _send(db: HubDB, private: str, province: str, rows: list[rollup.Row]) -> dict[str, Any]:
    wire = rollup.sign_batch(private, rollup.new_batch(province, uuid.uuid4().hex, "2026-12-06T00:00:00Z", rows))
    with db.session(write=True) as s:
        receipt: dict[str, Any] = take_batch(s, json.loads(json.dumps(wire)))["receipt"]
    return receipt


def _rows(codes: list[str], days: int, revision: int, bump: int = 0, every: int = 1) -> list[rollup.Row]:
    return [rollup.Row(c, FIRST + dt.timedelta(days=d), revision, d % 7 == 0,
                       {"card_captured": d + bump, "attended": i})
            for i, c in enumerate(codes) for d in range(days) if d % every == 0]


def _recount(db: HubDB) -> dict[str, tuple[dict[str, int], int, int, dt.date]]:
    acc: dict[str, tuple[dict[str, int], int, int, dt.date]] = {}
    with db.session() as s:
        for row in s.scalars(select(NationalCommuneDay).order_by(NationalCommuneDay.day)):
            sums, days, prov, _ = acc.get(row.commune_code, ({}, 0, 0, row.day))
            for k, v in json.loads(row.values_json).items():
                sums[k] = sums.get(k, 0) + v
            acc[row.commune_code] = (sums, days + 1, prov + row.provisional, row.day)
    return acc


def _kept(db: HubDB) -> dict[str, tuple[dict[str, int], int, int, dt.date | None]]:
    with db.session() as s:
        return {t.commune_code: ({k: v for k, v in json.loads(t.values_json).items() if v}, t.days,
                                 t.provisional_days, t.last_day) for t in s.scalars(select(NationalCommuneTotal))}


def test_revisions_in_any_order_keep_the_totals_right(hub_db: HubDB) -> None:
    key = _enrol(hub_db, "56")
    codes = _communes("56", 4)
    assert _send(hub_db, key, "56", _rows(codes, 30, 2))["stored"] == 120  # ≥ 64 rows: COPY on PostgreSQL
    late = _send(hub_db, key, "56", _rows(codes, 30, 1, bump=100))  # an older revision arriving late
    assert (late["stored"], late["stale"]) == (0, 120)
    mixed = _rows(codes, 40, 3, bump=1000, every=3) + [r for r in _rows(codes, 30, 1) if (r.day - FIRST).days % 3]
    receipt = _send(hub_db, key, "56", mixed)  # revision 3 replaces every third day, adds days 30..39
    assert receipt["stored"] == len([r for r in mixed if r.revision == 3])
    assert _send(hub_db, key, "56", _rows(codes[:1], 1, 9, bump=5))["stored"] == 1  # a small batch (no COPY)
    with hub_db.session() as s:
        held = {(r.commune_code, r.day): r.revision for r in s.scalars(select(NationalCommuneDay))}
    assert held[(codes[0], FIRST)] == 9 and held[(codes[1], FIRST)] == 3
    assert held[(codes[1], FIRST + dt.timedelta(days=1))] == 2 and len(held) == 4 * 34
    recount = _recount(hub_db)
    assert _kept(hub_db) == {c: ({k: v for k, v in t[0].items() if v}, *t[1:]) for c, t in recount.items()}
    with hub_db.session() as s:
        line = next(ln for ln in province_lines(s) if ln.code == "56")
        drill = {c.code: c for c in commune_lines(s, "56")}
    assert line.value == sum(t[0].get(headline(), 0) for t in recount.values()) and line.communes == 4
    assert line.last_day == FIRST + dt.timedelta(days=39)
    assert drill[codes[0]].revision == 3 and drill[codes[0]].last_day == FIRST + dt.timedelta(days=39)
    assert drill[codes[2]].totals["attended"] == 2 * 34


def test_upgrade_from_0012_fills_the_totals(hub_url: str) -> None:
    engine = create_hub_engine(hub_url)
    migrations.upgrade(engine, "0012_national")
    with engine.begin() as conn:
        for d in range(3):
            conn.execute(text(
                "INSERT INTO national_commune_days (commune_code, day, province_code, revision, provisional, "
                "values_json, batch_id, received_at) VALUES (:c, :d, '56', 1, :p, :v, 'x', :at)"),
                {"c": "22366", "d": FIRST + dt.timedelta(days=d), "p": int(d == 1),
                 "v": json.dumps({"card_captured": 10 + d}), "at": dt.datetime(2026, 12, 6)})
    engine.dispose()
    db = open_hub(hub_url)
    try:
        assert _kept(db) == {"22366": ({"card_captured": 33}, 3, 1, FIRST + dt.timedelta(days=2))}
    finally:
        db.close()


def test_the_national_page_ranks_with_completeness_and_a_stale_badge(hub_db: HubDB) -> None:
    from fastapi.testclient import TestClient

    from province.app import create_app
    from province.dashboard.data import hub_today, vn_date
    from province.settings import HubSettings
    from tests.support.hub import add_user, login

    yesterday = hub_today() - dt.timedelta(days=1)
    key_56, key_1 = _enrol(hub_db, "56"), _enrol(hub_db, "1")
    _enrol(hub_db, "4")  # enrolled, never sent: silent
    c56, c1 = _communes("56", 3), _communes("1", 2)
    rows_56 = [rollup.Row(c, yesterday, 1, False, {"card_captured": 10}) for c in c56[:2]]
    rows_56.append(rollup.Row(c56[2], yesterday - dt.timedelta(days=3), 1, False, {"card_captured": 10}))
    _send(hub_db, key_56, "56", rows_56)
    _send(hub_db, key_1, "1", [rollup.Row(c, yesterday, 1, True, {"card_captured": 1_500}) for c in c1])
    add_user(hub_db)
    with TestClient(create_app(db=hub_db, settings=HubSettings(role="national"))) as client:
        assert login(client).status_code == 303
        html = client.get("/national").text
        drill = client.get("/national/56").text
    expected = {p: sum(1 for c in communes.all_communes() if c.province_code == p) for p in ("56", "1", "4")}
    names = communes.provinces()
    assert html.index(names["1"]) < html.index(names["56"]) < html.index(names["4"])  # 3.000 before 30
    assert f"2/{expected['56']} xã" in html and f"2/{expected['1']} xã" in html and f"0/{expected['4']} xã" in html
    assert "3.000 (có số tạm)" in html and html.count("im lặng</span>") == 1
    assert f"dữ liệu đến ngày {vn_date(yesterday)}" in html
    assert all(c in drill for c in c56) and "10" in drill


def test_the_monthly_paper_reads_back(hub_db: HubDB) -> None:
    import io

    from fastapi.testclient import TestClient
    from pypdf import PdfReader

    from province.app import create_app
    from province.settings import HubSettings
    from tests.support.hub import add_user, login

    key_56 = _enrol(hub_db, "56")
    c56 = _communes("56", 2)
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    rows = [rollup.Row(c, last_month - dt.timedelta(days=d), 1, False, {"card_captured": 1_000}) for c in c56
            for d in range(3)]
    rows.append(rollup.Row(c56[0], last_month + dt.timedelta(days=1), 1, False, {"card_captured": 7}))  # next month
    _send(hub_db, key_56, "56", rows)
    add_user(hub_db)
    with TestClient(create_app(db=hub_db, settings=HubSettings(role="national"))) as client:
        assert login(client).status_code == 303
        r = client.get(f"/national/report/{last_month:%Y-%m}")
        bad = client.get("/national/report/2026-13")
        future = client.get("/national/report/2999-01")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert bad.status_code == 404 and future.status_code == 404
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(r.content)).pages)
    expected = sum(1 for c in communes.all_communes() if c.province_code == "56")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text and "Trang 1/1" in text
    assert f"tháng {last_month:%m/%Y}" in text and "Kính gửi" in text and "Nơi nhận" in text
    assert "6.000" in text and "6.007" not in text and f"2/{expected}" in text  # next month not counted

"""Several laptops of one commune, one hub: three enrolled devices report the same point and
day; the hub stores one report per device and every figure it shows or exports is their sum — through
revisions (per device), resends, a bundle imported by the CLI and an outage (hub down, then up again) —
against a real hub process on SQLite and PostgreSQL. Also the per-laptop freshness on the dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, inspect, select, update

from province import admin
from province.dashboard.data import VN_TZ
from province.db import HubDB, open_hub
from province.models import CommuneTotal, Device, ReportVillage
from sync import protocol
from sync.protocol import INDICATORS
from tests.support.hub import (
    REPO,
    REPORT_VALUES_0001,
    Laptop,
    add_user,
    enrol_http,
    hub_proc,
    login,
    make_bundle,
)

pytestmark = pytest.mark.slow
COMMUNE = "22736"
POINT = "TRUSO"
NAMES = ("Trần Bình", "Nguyễn Văn An", "Lê Thị Hoa")  # device names as given at enrolment


def _post(http: httpx.Client, laptop: Laptop, batch: protocol.Batch) -> dict:
    body = protocol.encode_batch(batch)
    r = http.post("/api/v1/batches", content=protocol.gzip_body(body), headers=laptop.headers(body))
    assert r.status_code == 200, r.text
    return r.json()


def _hub_figures(db: HubDB, day: dt.date) -> tuple[dict[str, int], dict[str, int], int]:
    """(sum of the stored reports of the point and day, commune_totals, number of stored reports)."""
    with db.session() as s:
        rv = ReportVillage
        row = s.execute(select(*(func.sum(getattr(rv, i)) for i in INDICATORS), func.count())
                        .where(rv.commune_code == COMMUNE, rv.point_code == POINT, rv.day == day)).one()
        villages = {i: int(v or 0) for i, v in zip(INDICATORS, row[:5], strict=True)}
        totals = {i: int(v) for i, v in s.execute(select(CommuneTotal.indicator, CommuneTotal.value)
                                                 .where(CommuneTotal.commune_code == COMMUNE))}
    return villages, totals, int(row[5])


def _dashboard_cells(http: httpx.Client, day: dt.date) -> list[str]:
    page = http.get("/", params={"on": day.isoformat(), "province": "56"})
    assert page.status_code == 200
    m = re.search(rf'<tr data-code="{COMMUNE}">(.*?)</tr>', page.text)
    assert m, page.text[:500]
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1))]


def _csv_row(http: httpx.Client, day: dt.date) -> dict[str, str]:
    r = http.get("/export.csv", params={"on": day.isoformat(), "province": "56"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    return next(row for row in rows if row["Mã xã"] == COMMUNE)


def _check_sum(db: HubDB, http: httpx.Client, day: dt.date, latest: dict[str, dict[str, int]]) -> None:
    """Everything the hub keeps, shows and exports for the point and day is the sum over the laptops."""
    want = {i: sum(t.get(i, 0) for t in latest.values()) for i in INDICATORS}
    villages, totals, n = _hub_figures(db, day)
    assert n == len(latest)  # one stored report per laptop
    assert villages == want and totals == want
    cells = _dashboard_cells(http, day)
    # rank, name, province, then per main indicator: day, cumulative, target, % / result
    assert cells[3] == str(want["card_captured"]) and cells[4] == str(want["card_captured"])
    assert cells[7] == str(want["vneid_l2_captured"]) and cells[11] == str(want["vneid_activated"])
    row = _csv_row(http, day)
    assert row["Hồ sơ thẻ căn cước - trong ngày"] == str(want["card_captured"])
    assert row["Hồ sơ thẻ căn cước - lũy kế"] == str(want["card_captured"])
    assert row["Có mặt - trong ngày"] == str(want["attended"])
    assert row["Số máy"] == "3"
    page = http.get(f"/commune/{COMMUNE}").text
    assert f"Cộng {len(latest)} máy" in page if len(latest) > 1 else True


def _import_bundle_cli(hub_url: str, path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "province.cli", "--db", hub_url, "import-bundle", str(path)],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr


def test_three_laptops_one_point_one_day_add_up(hub_url: str, tmp_path: Path) -> None:
    db = open_hub(hub_url)
    try:
        with db.session(write=True) as s:
            admin.add_commune(s, COMMUNE, "Đặc khu Trường Sa", "56", "Khánh Hòa")
            admin.set_target(s, COMMUNE, "card_captured", 100, None)
            codes = [admin.create_enrolment_code(s, COMMUNE)[0] for _ in NAMES]
        add_user(db, "quan.tri", "viewer")
        day = dt.datetime.now(VN_TZ).date() - dt.timedelta(days=1)
        latest: dict[str, dict[str, int]] = {}

        with hub_proc(hub_url, tmp_path / "hub1.log") as (base, _p), httpx.Client(base_url=base, timeout=30) as http:
            laps = [enrol_http(http, code, name) for code, name in zip(codes, NAMES, strict=True)]
            a, b, c = laps
            assert login(http).status_code == 303
            # The bug this prevents: A and B both send revision 1 for TRUSO on the same day, other figures.
            figures = {a.device_id: dict(card_captured=1, attended=2),
                       b.device_id: dict(card_captured=1, attended=1, no_show=1),
                       c.device_id: dict(card_captured=3, vneid_l2_captured=2, attended=3)}
            first = {}
            for lap in laps:
                batch = lap.batch(lap.report(day, 1, point=POINT, **figures[lap.device_id]))
                first[lap.device_id] = batch
                summary = _post(http, lap, batch)
                assert summary["imported"] == 1 and summary["conflicts"] == [], summary
                latest[lap.device_id] = figures[lap.device_id]
            _check_sum(db, http, day, latest)

            # Resends: the same batch again (replayed) and the same report in a new batch (ignored).
            assert _post(http, a, first[a.device_id])["replayed"] is True
            assert _post(http, b, b.batch(b.report(day, 1, point=POINT, **figures[b.device_id])))["ignored"] == 1
            _check_sum(db, http, day, latest)

            # Revisions stay per device: B's revision 2 replaces only B's report; A's older revision after
            # its own revision 2 is a conflict that changes nothing; C's revision 1 with other figures too.
            latest[b.device_id] = dict(card_captured=4, attended=4)
            assert _post(http, b, b.batch(b.report(day, 2, point=POINT, **latest[b.device_id])))["updated"] == 1
            latest[a.device_id] = dict(card_captured=2, attended=2)
            assert _post(http, a, a.batch(a.report(day, 2, point=POINT, **latest[a.device_id])))["updated"] == 1
            stale = _post(http, a, a.batch(a.report(day, 1, point=POINT, card_captured=9)))
            assert stale["conflicts"] and "older" in stale["conflicts"][0]["reason"]
            other = _post(http, c, c.batch(c.report(day, 1, point=POINT, card_captured=50)))
            assert other["conflicts"] and "this device" in other["conflicts"][0]["reason"]
            _check_sum(db, http, day, latest)

            # A bundle from C (no network at the point) imported with the CLI; then the same batch over HTTP.
            latest[c.device_id] = dict(card_captured=5, vneid_l2_captured=2, attended=6)
            c_rev2 = c.batch(c.report(day, 2, point=POINT, **latest[c.device_id]))
            bundle = tmp_path / "c.epb"
            bundle.write_bytes(make_bundle(c, [c_rev2]))
            _import_bundle_cli(hub_url, bundle)
            _import_bundle_cli(hub_url, bundle)  # twice: nothing changes
            assert _post(http, c, c_rev2)["replayed"] is True
            _check_sum(db, http, day, latest)

            # A sends revision 3; the hub commits, but (as far as A knows) the answer is lost in the outage.
            latest[a.device_id] = dict(card_captured=3, attended=3)
            a_rev3 = a.batch(a.report(day, 3, point=POINT, **latest[a.device_id]))
            assert _post(http, a, a_rev3)["updated"] == 1

        # Outage: the hub is down; a laptop's delivery fails and waits.
        b_rev3 = b.batch(b.report(day, 3, point=POINT, card_captured=6, attended=7))
        body = protocol.encode_batch(b_rev3)
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base}/api/v1/batches", content=protocol.gzip_body(body), headers=b.headers(body),
                       timeout=5)

        with hub_proc(hub_url, tmp_path / "hub2.log") as (base, _p), httpx.Client(base_url=base, timeout=30) as http:
            assert login(http).status_code == 303
            assert _post(http, a, a_rev3)["replayed"] is True  # A's resend after the outage
            assert _post(http, b, b_rev3)["updated"] == 1  # B's waiting batch
            latest[b.device_id] = dict(card_captured=6, attended=7)
            assert _post(http, b, b_rev3)["replayed"] is True
            _check_sum(db, http, day, latest)
            assert sum(v["card_captured"] for v in latest.values()) == 3 + 6 + 5
    finally:
        db.close()


def test_dashboard_names_a_silent_laptop(hub_url: str, tmp_path: Path) -> None:
    """Per commune, each laptop's last report; one silent for 3 days while the others send is named in red
    on the province table ("Máy 2 (…) chưa gửi từ dd/mm") and listed on the commune page."""
    db = open_hub(hub_url)
    try:
        with db.session(write=True) as s:
            admin.add_commune(s, COMMUNE, "Đặc khu Trường Sa", "56", "Khánh Hòa")
            codes = [admin.create_enrolment_code(s, COMMUNE)[0] for _ in NAMES]
        add_user(db, "quan.tri", "viewer")
        today = dt.datetime.now(VN_TZ).date()
        with hub_proc(hub_url, tmp_path / "hub.log") as (base, _p), httpx.Client(base_url=base, timeout=30) as http:
            laps = [enrol_http(http, code, name) for code, name in zip(codes, NAMES, strict=True)]
            with db.session(write=True) as s:  # enrolled a month ago, in this order
                for k, lap in enumerate(laps):
                    s.execute(update(Device).where(Device.id == lap.device_id).values(
                        enrolled_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=30 - k)))
            a, b, c = laps
            quiet_since = today - dt.timedelta(days=3)
            for lap, last in ((a, today), (b, quiet_since), (c, today - dt.timedelta(days=1))):
                reports = [lap.report(last - dt.timedelta(days=k), 1, point=POINT, card_captured=1) for k in range(3)]
                assert _post(http, lap, lap.batch(*reports))["imported"] == 3
            assert login(http).status_code == 303

            page = http.get("/", params={"on": today.isoformat(), "province": "56"}).text
            row = re.search(rf'<tr data-code="{COMMUNE}">(.*?)</tr>', page).group(1)
            silent = f"Máy 2 ({NAMES[1]}) chưa gửi từ {quiet_since.strftime('%d/%m')}"
            assert f'<span class="silent">{html.escape(silent)}</span>' in row
            assert f"Máy 1 ({html.escape(NAMES[0])}): {today.strftime('%d/%m')} (nhận " in row
            assert f"Máy 3 ({html.escape(NAMES[2])}): " in row and row.count('class="silent"') == 1
            assert re.search(r'id="silent-laptops">1 máy không gửi', page)

            # As of the day B last reported, B is fine, and A — enrolled a month before, first report the day
            # after — is the one that had sent nothing while the others did.
            past = http.get("/", params={"on": quiet_since.isoformat(), "province": "56"}).text
            prow = re.search(rf'<tr data-code="{COMMUNE}">(.*?)</tr>', past).group(1)
            assert f"Máy 2 ({html.escape(NAMES[1])}): {quiet_since.strftime('%d/%m')} (nhận " in prow
            assert f'<span class="silent">Máy 1 ({html.escape(NAMES[0])}) chưa gửi báo cáo nào</span>' in prow
            assert prow.count('class="silent"') == 1

            detail = http.get(f"/commune/{COMMUNE}").text
            table = re.search(r'<table id="laptops">(.*?)</table>', detail).group(1)
            assert table.count("<tr data-device=") == 3
            assert html.escape(NAMES[1]) in table and b.device_id in table
            assert html.escape(silent) in table and "Đang gửi" in table
            csv_row = _csv_row(http, today)
            assert csv_row["Máy không gửi"] == silent and csv_row["Số máy"] == "3"
    finally:
        db.close()


def test_upgrade_keeps_every_report_and_a_resend_replaces(hub_url: str) -> None:
    """A hub database at 0003 (one report per point and day) with data: the upgrade keeps every report, gives
    each the device whose batch stored it, and a laptop that never synced since re-sending its old reports
    replaces them (same batch: replayed; new batch, same figures: ignored; a correction: updated) — never
    adds — while a second laptop's report of the same point and day now adds up."""
    from province import migrations
    from province.db import create_hub_engine
    from province.intake import Sender, intake
    from province.models import Batch, CommuneFreshness, DeviceFreshness

    engine = create_hub_engine(hub_url)
    d1, d2 = dt.date(2025, 11, 19), dt.date(2025, 11, 20)
    recv = dt.datetime(2025, 11, 21, 1, 0)
    old = {("TRUSO", d1): ("devA", "bA1", {"card_captured": 3, "attended": 4}),
           ("TRUSO", d2): ("devB", "bB1", {"card_captured": 5, "attended": 5}),
           ("P2", d2): ("devA", "bA1", {"card_captured": 2}),
           ("P3", d2): (None, "gone", {"card_captured": 1})}  # its batch is not on record
    reports = {k: protocol.Report(COMMUNE, k[0], k[1], 1, recv, v[2]) for k, v in old.items()}
    try:
        migrations.upgrade(engine, "0003_batch_per_device")
        with engine.begin() as conn:
            conn.execute(admin.Commune.__table__.insert().values(
                code=COMMUNE, name="Đặc khu Trường Sa", province_code="56", province_name="Khánh Hòa", active=True))
            for dev in ("devA", "devB"):
                conn.execute(Device.__table__.insert().values(
                    id=dev, commune_code=COMMUNE, name=f"Laptop {dev}", public_key="k", token_hash=f"h{dev}",
                    token_expires_at=recv, enrolled_at=recv, revoked=False))
            for dev, bid in (("devA", "bA1"), ("devB", "bB1")):
                conn.execute(Batch.__table__.insert().values(
                    batch_id=bid, device_id=dev, commune_code=COMMUNE, body_hash=f"x{bid}", summary_json="{}",
                    source="http", received_at=recv))
            for (point, day), (_dev, bid, figs) in old.items():
                common = {"commune_code": COMMUNE, "point_code": point, "day": day, "revision": 1,
                          "closed_at": recv, "received_at": recv, "batch_id": bid}
                conn.execute(ReportVillage.__table__.insert().values(
                    **common, content_hash=reports[(point, day)].content_hash(), breakdown_json="{}",
                    **{i: figs.get(i, 0) for i in INDICATORS}))
                for i in INDICATORS:
                    conn.execute(REPORT_VALUES_0001.insert().values(**common, indicator=i, value=figs.get(i, 0)))
            for i in INDICATORS:
                conn.execute(CommuneTotal.__table__.insert().values(
                    commune_code=COMMUNE, indicator=i, value=sum(v[2].get(i, 0) for v in old.values())))
            conn.execute(CommuneFreshness.__table__.insert().values(
                commune_code=COMMUNE, first_day=d1, last_day=d2, last_received_at=recv))
    finally:
        engine.dispose()

    db = open_hub(hub_url)  # upgrades to head
    try:
        with db.session() as s:
            stored = {(r.point_code, r.day): (r.device_id, r.revision, {i: getattr(r, i) for i in INDICATORS})
                      for r in s.scalars(select(ReportVillage))}
            assert stored == {k: (v[0] or "unknown", 1, {i: v[2].get(i, 0) for i in INDICATORS})
                              for k, v in old.items()}
            assert not inspect(s.connection()).has_table("report_values")  # 0006: one store per report
            assert {(r.device_id, r.first_day, r.last_day) for r in s.scalars(select(DeviceFreshness))} == {
                ("devA", d1, d2), ("devB", d2, d2), ("unknown", d2, d2)}
        before = _hub_figures(db, d2)[1]
        assert before["card_captured"] == 3 + 5 + 2 + 1

        def send(dev: str, batch_id: str, *reps: protocol.Report) -> dict:
            batch = protocol.Batch(batch_id, dev, COMMUNE, recv, tuple(reps))
            return intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(dev, COMMUNE))

        # devA never synced since the upgrade: its outbox re-sends its old reports under a new batch id.
        again = send("devA", "bA2", reports[("TRUSO", d1)], reports[("P2", d2)])
        assert again["ignored"] == 2 and again["imported"] == 0
        assert _hub_figures(db, d2)[1] == before
        # devB corrects its day: replaces its own report (5 → 7), never adds to it.
        fixed = protocol.Report(COMMUNE, "TRUSO", d2, 2, recv, {"card_captured": 7, "attended": 5})
        assert send("devB", "bB2", fixed)["updated"] == 1
        assert _hub_figures(db, d2)[1]["card_captured"] == before["card_captured"] + 2
        # devA's own report of TRUSO on d2 (it was devB's alone): now a second report that adds up.
        mine = protocol.Report(COMMUNE, "TRUSO", d2, 1, recv, {"card_captured": 4})
        assert send("devA", "bA3", mine)["imported"] == 1
        villages, totals, n = _hub_figures(db, d2)
        assert n == 2 and villages["card_captured"] == 7 + 4
        assert totals["card_captured"] == before["card_captured"] + 2 + 4
    finally:
        db.close()

"""Dashboard (signed in): 'no data since …' is never shown as zero; met / not met; ranking; filters; exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from province import admin
from province.intake import Sender, intake
from sync import protocol

ON = dt.date(2025, 7, 10)


def _deliver(db, commune: str, *reports: protocol.Report) -> None:
    batch = protocol.Batch.new(f"dev{commune}", commune, list(reports))
    intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(f"dev{commune}", commune))


def _rep(commune, day, **totals):
    return protocol.Report(commune, "P1", day, 1, protocol.utc_now(), totals)


@pytest.fixture
def scene(hub_db):
    """Trường Sa reported zero today; Ba Đình reported until yesterday; Hoàn Kiếm never reported."""
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "22736", "Đặc khu Trường Sa", "56")
        admin.add_commune(s, "4", "Phường Ba Đình", "1")
        admin.add_commune(s, "70", "Phường Hoàn Kiếm", "1")
        admin.add_commune(s, "666", '=HYPERLINK("http://evil")', "1")
        admin.set_target(s, "22736", "card_captured", 10, dt.date(2025, 7, 5))
        admin.set_target(s, "4", "card_captured", 5, None)
        admin.set_target(s, "70", "card_captured", 5, None)
    _deliver(hub_db, "22736", _rep("22736", ON, card_captured=0, attended=0))
    _deliver(hub_db, "4", _rep("4", ON - dt.timedelta(days=2), card_captured=3),
             _rep("4", ON - dt.timedelta(days=1), card_captured=5, vneid_l2_captured=2))
    return hub_db


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html))


def test_no_data_since_vs_zero_vs_never(scene, admin_client):
    html = admin_client.get(f"/?on={ON}").text
    rows = _rows(html)
    ts, bd, hk = rows["22736"], rows["4"], rows["70"]
    assert "Chưa có dữ liệu" not in ts and "Chưa từng" not in ts and "<td>0</td>" in ts
    # Each indicator's "today" cell says why it is empty instead of showing 0.
    assert bd.count('<td class="nd">Chưa có dữ liệu từ 09/07/2025</td>') == 3
    assert hk.count('<td class="never">Chưa từng báo cáo</td>') == 4 and "<td>0</td>" not in hk
    assert re.search(r"<td>1</td>", bd)  # one day silent


def test_met_not_met_and_ranking(scene, admin_client):
    rows = _rows(admin_client.get(f"/?on={ON}").text)
    assert 'class="met">160,0% Đạt' in rows["4"]
    assert 'class="missed">0,0% Không đạt' in rows["22736"]  # deadline 5/7 passed, 0 of 10
    assert rows["4"].startswith("<td>1</td>") and rows["22736"].startswith("<td>2</td>")
    assert rows["70"].startswith("<td>—</td>")  # never reported: not ranked as zero
    order = list(_rows(admin_client.get(f"/?on={ON}&sort=rank").text))
    assert order[:2] == ["4", "22736"]
    # Before the deadline the same shortfall is only "not yet".
    early = _rows(admin_client.get("/?on=2025-07-01").text)
    assert "Chưa từng báo cáo" in early["22736"]


def test_province_filter_and_sort(scene, admin_client):
    rows = _rows(admin_client.get(f"/?on={ON}&province=1&sort=name").text)
    assert set(rows) == {"4", "70", "666"}
    assert list(rows)[1:] == ["4", "70"]  # Ba Đình before Hoàn Kiếm
    assert admin_client.get("/?on=10-07-2025").status_code == 422


def test_commune_page_shows_days_revision_and_times(scene, admin_client):
    html = admin_client.get("/commune/4").text
    assert "Phường Ba Đình" in html and "09/07/2025" in html and "08/07/2025" in html
    assert "Tỉnh nhận lúc" in html and "Chốt trên máy" in html
    assert admin_client.get("/commune/70").text.count("Chưa từng báo cáo") == 1
    assert admin_client.get("/commune/nope").status_code == 404


def test_csv_export(scene, admin_client):
    r = admin_client.get(f"/export.csv?on={ON}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    by = {x["Mã xã"]: x for x in rows}
    today = "Hồ sơ thẻ căn cước - trong ngày"
    assert by["22736"][today] == "0" and by["22736"]["Tình trạng báo cáo"] == "Đã báo cáo"
    assert by["4"][today] == "" and by["4"]["Tình trạng báo cáo"] == "Chưa có dữ liệu từ 09/07/2025"
    assert by["4"]["Hồ sơ thẻ căn cước - lũy kế"] == "8" and by["4"]["Hồ sơ thẻ căn cước - kết quả"] == "Đạt"
    assert by["70"]["Hồ sơ thẻ căn cước - lũy kế"] == "" and by["70"]["Tình trạng báo cáo"] == "Chưa từng báo cáo"
    assert by["666"]["Tên xã"].startswith("'=")  # formula injection neutralised


def test_xlsx_export(scene, admin_client):
    r = admin_client.get(f"/export.xlsx?on={ON}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    head = [c.value for c in ws[1]]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    col = head.index("Hồ sơ thẻ căn cước - trong ngày")
    assert rows["22736"][col].value == 0 and rows["4"][col].value is None
    evil = rows["666"][head.index("Tên xã")]
    assert evil.value == '=HYPERLINK("http://evil")' and evil.data_type == "s"


def test_new_batch_shows_at_once(scene, admin_client):
    """The aggregate cache is keyed on the stored batches: a new delivery is visible on the next view."""
    assert "Chưa từng báo cáo" in _rows(admin_client.get(f"/?on={ON}").text)["70"]
    _deliver(scene, "70", _rep("70", ON, card_captured=6))
    row = _rows(admin_client.get(f"/?on={ON}").text)["70"]
    assert "Chưa từng" not in row and "<td>6</td>" in row and 'class="met"' in row

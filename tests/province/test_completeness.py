"""The steering committee's day on a real hub (SQLite, and PostgreSQL with EP_TEST_PG_URL): who reported, on
time or late, by which channel; who has not (with the leader who answers for them); and the day's figures
with day codes counted as provisional ("tạm") until their signed report replaces them ("đã điều chỉnh" when
the figures differ) — on the completeness page, the province table, the commune page, the CSV and the XLSX,
each read back and checked against the seeded truth (tests/support/steering.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.steering import (
    BY_USB,
    CODE_ONLY,
    CODE_THEN_SIGNED,
    LATE_NET,
    LEADER,
    ON_TIME_NET,
    SILENT,
    Seeded,
    seed,
)


@pytest.fixture
def seeded(tmp_path: Path, hub_url: str) -> Iterator[Seeded]:
    s = seed(tmp_path, hub_url)
    try:
        yield s
    finally:
        s.client.close()
        s.hub.stop()


def _row(html: str, table: str, key: str, value: str) -> list[str]:
    """The cells' text of the row of table `table` whose `key` attribute is `value`."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    m = re.search(rf'<tr {key}="{re.escape(value)}"[^>]*>(.*?)</tr>', body, re.S)
    assert m, f"no row {value} in {table}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)]


def _summary(html: str, table: str) -> dict[str, int]:
    part = html.split(f'id="{table}-summary"', 1)[1].split("</p>", 1)[0]
    return {k: int(v.replace(".", "")) for k, v in re.findall(r'data-k="(\w+)">([\d.]+)<', part)}


def test_completeness_by_channel_and_the_missing_list(seeded: Seeded) -> None:
    day = seeded.day
    page = seeded.client.get("/", params={"on": day.isoformat()}).text
    assert 'href="/completeness?' in page  # linked from the province page
    html = seeded.client.get("/completeness", params={"on": day.isoformat()}).text
    # Communes: one on time by each of network, USB and phone code (two by code), one late by network, one missing.
    assert _row(html, "by-commune", "data-channel", "network")[1:] == ["1", "1", "2"]
    assert _row(html, "by-commune", "data-channel", "usb")[1:] == ["1", "0", "1"]
    assert _row(html, "by-commune", "data-channel", "phone")[1:] == ["2", "0", "2"]
    assert _summary(html, "by-commune") == {"expected": 6, "on_time": 4, "late": 1, "missing": 1, "provisional": 1}
    # Laptops: the same, plus the silent second laptop of Xã Đúng Hạn.
    assert _summary(html, "by-laptop") == {"expected": 7, "on_time": 4, "late": 1, "missing": 2, "provisional": 1}
    # "Chưa báo cáo": the silent commune, heard three days ago by network from its one laptop, and its leader.
    missing = _row(html, "missing", "data-code", SILENT)
    assert missing[0] == "Xã Im Lặng" and missing[2] == "3"
    assert missing[3] == (day - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert missing[4:] == ["mạng", f"Máy 1 (Máy {SILENT}-1)", LEADER]
    assert html.split('id="missing"', 1)[1].split("</table>", 1)[0].count("<tr data-code") == 1
    # A commune that reported with one of its two laptops: "1/2 máy", the silent laptop named.
    partial = _row(html, "partial", "data-code", ON_TIME_NET)
    assert partial[1:4] == ["1/2 máy", "mạng", "Đúng hạn"] and f"Máy {ON_TIME_NET}-2" in partial[4]

    # The CSV says the same, commune by commune.
    got = list(csv.DictReader(io.StringIO(seeded.client.get("/completeness.csv", params={"on": day.isoformat()})
                                          .content.decode("utf-8-sig"))))
    by = {r["Mã xã"]: r for r in got}
    assert len(got) == 6 and next(iter(by)) == SILENT  # the missing first
    assert [by[c]["Tình trạng"] for c in (ON_TIME_NET, LATE_NET, BY_USB, CODE_THEN_SIGNED, CODE_ONLY, SILENT)] == [
        "Đúng hạn", "Trễ hạn", "Đúng hạn", "Đúng hạn", "Đúng hạn", "Chưa báo cáo"]
    assert [by[c]["Kênh về đầu tiên"] for c in (ON_TIME_NET, LATE_NET, BY_USB, CODE_THEN_SIGNED, CODE_ONLY)] == [
        "mạng", "mạng", "tệp USB", "mã ngày", "mã ngày"]
    assert by[CODE_ONLY]["Số liệu tạm"] == "tạm" and by[CODE_THEN_SIGNED]["Số liệu tạm"] == ""
    assert by[ON_TIME_NET]["Máy đã báo cáo"] == "1/2"
    assert (by[SILENT]["Số ngày không báo cáo"], by[SILENT]["Kênh gần nhất"], by[SILENT]["Lãnh đạo phụ trách"]) == (
        "3", "mạng", LEADER)

    # The cut-off moved after everything arrived: every arrival of the day is on time.
    seeded.hub.cli("calendar", "cutoff", "23:59:59")
    later = seeded.client.get("/completeness", params={"on": day.isoformat()}).text
    assert _summary(later, "by-commune") == {"expected": 6, "on_time": 5, "late": 0, "missing": 1, "provisional": 1}
    # A holiday: nobody is expected.
    seeded.hub.cli("calendar", "holiday", day.isoformat())
    off = seeded.client.get("/completeness", params={"on": day.isoformat()}).text
    assert 'id="not-working"' in off and 'id="missing"' not in off


def test_provisional_figures_where_people_look(seeded: Seeded) -> None:
    day = seeded.day.isoformat()
    page = seeded.client.get("/", params={"on": day}).text
    only_code = _row(page, "communes", "data-code", CODE_ONLY)
    assert only_code[3:5] == ["5 (tạm)", "5 (tạm)"]  # the day's and the cumulative figure, from the code
    assert "None" not in " ".join(only_code)  # no signed report yet: no "days silent" number either
    replaced = _row(page, "communes", "data-code", CODE_THEN_SIGNED)
    assert replaced[3:5] == ["9", "9"]  # the signed 9 replaced the code's 7: never 16
    assert "đã điều chỉnh" in " ".join(replaced)
    assert _row(page, "communes", "data-code", BY_USB)[3] == "3"
    assert "1/2 máy" in _row(page, "communes", "data-code", ON_TIME_NET)[-1]

    commune = seeded.client.get(f"/commune/{CODE_THEN_SIGNED}").text
    assert "đã điều chỉnh (mã ngày: 7/0/0)" in commune
    commune = seeded.client.get(f"/commune/{CODE_ONLY}").text
    assert "tạm (mã ngày qua điện thoại)" in commune

    rows = list(csv.reader(io.StringIO(seeded.client.get("/export.csv", params={"on": day}).content
                                       .decode("utf-8-sig"))))
    head, by_code = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    card = next(h for h in head if h.endswith("- trong ngày"))
    assert by_code[CODE_ONLY][card] == "5"
    assert by_code[CODE_ONLY]["Số liệu tạm (mã ngày qua điện thoại)"] == "tạm: trong ngày, lũy kế"
    assert by_code[CODE_THEN_SIGNED][card] == "9" and by_code[CODE_THEN_SIGNED]["Đã điều chỉnh"] == "đã điều chỉnh"
    assert by_code[CODE_THEN_SIGNED]["Số liệu tạm (mã ngày qua điện thoại)"] == ""
    assert by_code[LATE_NET][card] == "2" and by_code[SILENT][card] == ""
    assert by_code[ON_TIME_NET]["Máy đang gửi"] == "1/2 máy"

    wb = load_workbook(io.BytesIO(seeded.client.get("/export.xlsx", params={"on": day}).content))
    sheet = list(wb.active.iter_rows(values_only=True))
    xl = {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    assert xl[CODE_ONLY][card] == 5 and xl[CODE_ONLY]["Số liệu tạm (mã ngày qua điện thoại)"] == "tạm: trong ngày, lũy kế"
    assert xl[CODE_THEN_SIGNED][card] == 9 and xl[CODE_THEN_SIGNED]["Đã điều chỉnh"] == "đã điều chỉnh"

"""A signed revision that lowers an earlier signed revision of the same (laptop, point, day) is flagged on
"Cần kiểm tra" (real hub process, SQLite and PostgreSQL): the hub keeps only the latest revision, so the note
is written by intake when the replacement arrives. A revision that raises a figure, or a second laptop's own
report of the same point and day, is not flagged; the totals still follow the latest revision."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path

import httpx
import pytest

from tests.support.hub import PASSWORD, login, post
from tests.support.hub_process import HubProcess, hub_cli
from tests.support.scoped_hub import enrol_over_http

VN = dt.timezone(dt.timedelta(hours=7))
T = dt.datetime.now(VN).date()
DOWN, UP = "92001", "92002"


def _flags(page: str) -> dict[str, list[str]]:
    """commune code → the reasons of its flags, as the page shows them."""
    out: dict[str, list[str]] = {}
    for code, cell in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', page, re.S):
        out[code] = [htmllib.unescape(re.sub(r"<[^>]+>", "", li))
                     for li in re.findall(r'<li data-kind="lowered">(.*?)</li>', cell, re.S)]
    return {k: v for k, v in out.items() if v}


def test_a_lowering_signed_revision_is_flagged(hub_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub_cli(hub_url, "init")
    hub_cli(hub_url, "commune", "add", DOWN, "Xã Giảm Số", "--province", "56")
    hub_cli(hub_url, "commune", "add", UP, "Xã Tăng Số", "--province", "56")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    day = T - dt.timedelta(days=2)
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    with hub, httpx.Client(base_url=hub.url, timeout=30) as http:
        down, other, up = (enrol_over_http(http, hub, c) for c in (DOWN, DOWN, UP))
        for lap, figures in ((down, {"card_captured": 40, "vneid_l2_captured": 12}), (other, {"card_captured": 9}),
                             (up, {"card_captured": 10})):
            assert post(http, lap, lap.batch(lap.report(day, **figures))).status_code == 200
        assert login(http).status_code == 303
        before = _flags(http.get("/checks", params={"on": T.isoformat()}).text)
        # revision 2 of the same laptop, point and day: cards 40 → 25, VNeID 12 → 12; the other commune raises
        assert post(http, down, down.batch(down.report(day, revision=2, card_captured=25,
                                                       vneid_l2_captured=12))).status_code == 200
        assert post(http, other, other.batch(other.report(day, card_captured=3, point="P2"))).status_code == 200
        assert post(http, up, up.batch(up.report(day, revision=2, card_captured=30))).status_code == 200
        after = _flags(http.get("/checks", params={"on": T.isoformat()}).text)
        long_ago = _flags(http.get("/checks", params={"on": (T - dt.timedelta(days=30)).isoformat()}).text)
        page = http.get(f"/commune/{DOWN}").text

    assert before == {}
    assert list(after) == [DOWN] and len(after[DOWN]) == 1, after
    reason = after[DOWN][0]
    assert f"ngày {day:%d/%m/%Y}, điểm P1, máy {down.device_id[:8]}" in reason, reason
    assert "lần 1 là 40, lần 2 còn 25" in reason, reason
    assert long_ago == {}  # the lowering arrived today: outside a window ending 30 days ago
    assert ">25<" in page.replace(" ", "")  # the flag never changes the figure: the latest revision counts

"""A commune with a target and no data meets nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

from province import admin
from province.intake import Sender, intake
from sync import protocol

ON = dt.date(2025, 7, 10)


def _summary(html: str) -> str:
    m = re.search(r'<p class="bar" id="summary">(.*?)</p>', html, re.S)
    assert m is not None
    return m.group(1)


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html))


def test_no_data_meets_nothing(hub_db, admin_client):
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "22736", "Đặc khu Trường Sa", "56")
        admin.add_commune(s, "4", "Phường Ba Đình", "1")
        admin.set_target(s, "22736", "card_captured", 10, None)
        admin.set_target(s, "22736", "vneid_activated", 5, dt.date(2025, 7, 5))
        admin.set_target(s, "4", "card_captured", 5, None)
    html = admin_client.get(f"/?on={ON}").text
    assert "0 đạt mọi chỉ tiêu" in _summary(html)  # before: 2 (targets and no data counted as met)
    rows = _rows(html)
    assert "Đạt<" not in rows["22736"].replace("Chưa đạt", "").replace("Không đạt", "")
    assert 'class="not_met"' in rows["22736"] and 'class="missed"' in rows["22736"]  # deadline 5/7 passed

    # Once Ba Đình reports enough, exactly one commune meets all its targets.
    batch = protocol.Batch.new("dev4", "4", [protocol.Report("4", "P1", ON, 1, protocol.utc_now(), {"card_captured": 5})])
    intake(hub_db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender("dev4", "4"))
    html = admin_client.get(f"/?on={ON}").text
    assert "1 đạt mọi chỉ tiêu" in _summary(html)
    assert 'class="met">100,0% Đạt' in _rows(html)["4"]

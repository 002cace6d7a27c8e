"""The commune's "không theo điểm" report (point code `_XA`): a v1 report like any point's, added
into the commune's figures and shown by name on the commune page (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

from sync import protocol
from tests.support.hub import Laptop, post

ON = dt.date(2026, 11, 28)


def test_bucket_report_is_accepted_summed_and_named(laptop: Laptop, client, admin_client) -> None:
    point = laptop.report(ON, card_captured=3, vneid_activated=1, attended=3,
                          villages={"Thôn Đông": {"card_captured": 3, "vneid_activated": 1, "attended": 3}})
    bucket = laptop.report(ON, point=protocol.COMMUNE_POINT_CODE, vneid_activated=1,
                           villages={"Thôn Tây": {"vneid_activated": 1}})
    r = post(client, laptop, laptop.batch(point, bucket))
    assert r.status_code == 200, r.text
    assert sorted(x["outcome"] for x in r.json()["results"]) == ["imported", "imported"]
    html = admin_client.get(f"/?on={ON}").text
    row = dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S))["22736"]
    # card dossiers 3 (today, cumulative), level-2 0, activations 2: the point's 1 + the commune's 1
    assert re.findall(r"<td>(\d+)</td>", row)[:6] == ["3", "3", "0", "0", "2", "2"]
    page = admin_client.get("/commune/22736").text
    assert "Không theo điểm" in page and ">_XA<" not in page

"""A bundle's signed receipt is handed out within the account's scope (real hub process, SQLite and
PostgreSQL): the whole-hub admin who imported another province's bundle downloads its receipt, a province
admin of province 56 is refused with words for province 01's receipt and still gets its own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest

from tests.support.hub import PASSWORD, login, make_bundle
from tests.support.hub_process import HubProcess, hub_cli
from tests.support.scoped_hub import csrf_in, enrol_over_http

DAY = dt.date(2026, 6, 1)


def _import(http: httpx.Client, bundle: bytes) -> str:
    """Upload a bundle through the dashboard; the receipt's link from the page that answers."""
    token = csrf_in(http.get("/", params={"on": DAY.isoformat()}).text)
    r = http.post("/dashboard/upload-bundle", params={"csrf": token}, files={"file": ("b.epb", bundle)})
    assert r.status_code == 200, r.text[:500]
    m = re.search(r'href="(/dashboard/receipt/[0-9a-f]{32})"', r.text)
    assert m, r.text[:800]
    return m.group(1)


def test_a_receipt_stays_within_the_account_scope(hub_url: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENROLLPOINT_HUB_PASSWORD", PASSWORD)
    hub_cli(hub_url, "init")
    hub_cli(hub_url, "commune", "add", "22736", "Đặc khu Trường Sa", "--province", "56")
    hub_cli(hub_url, "commune", "add", "101", "Phường Ba Đình", "--province", "01")
    hub_cli(hub_url, "user", "add", "quan.tri", "--role", "admin")
    hub_cli(hub_url, "user", "add", "qt.56", "--role", "admin", "--province", "56")
    hub = HubProcess(tmp_path, db_url=hub_url, commune=None)
    with hub, httpx.Client(base_url=hub.url, timeout=15) as http:
        ours, theirs = (enrol_over_http(http, hub, c) for c in ("22736", "101"))
        assert login(http).status_code == 303
        their_link = _import(http, make_bundle(theirs, [theirs.batch(theirs.report(DAY, card_captured=5))]))
        got = http.get(their_link)
        assert got.status_code == 200 and '"commune_code":"101"' in got.text.replace(" ", ""), got.text[:300]
        http.cookies.clear()

        assert login(http, "qt.56").status_code == 303
        refused = http.get(their_link)
        assert refused.status_code == 403 and "ngoài phạm vi" in refused.text, (refused.status_code, refused.text[:300])
        assert "content_hash" not in refused.text  # nothing of the receipt itself
        own_link = _import(http, make_bundle(ours, [ours.batch(ours.report(DAY, card_captured=3))]))
        assert http.get(own_link).status_code == 200

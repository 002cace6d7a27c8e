"""Names typed by people — a commune's, a laptop's, an account's, a village's, a point's — are text on every
dashboard page, never markup: the real app, with names carrying a script tag and both kinds of quote, shows
them escaped on the province table, the commune page, the offline page, a refusal page and the login form."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import update

from province.app import create_app
from province.db import HubDB
from province.models.auth import HubUser
from sync import daycode
from tests.support.hub import add_user, enrol_http, login, post, setup_commune

EVIL = "<script>alert(1)</script>\"'"
MISSING = "<img src=x onerror=alert(1)>\"'"  # a commune code in the address (no slash, so it routes)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"  # the tag as text (quotes may be &quot; or &#34;)


def _has_no_raw(page: str) -> None:
    """The script tag never appears as markup, and no attribute value is broken out of by a quote."""
    assert "<script>" not in page and "alert(1)</script>" not in page
    assert not re.search(r"=\"[^\"]*<script", page)
    assert "\"'" not in page  # the quotes of EVIL are entities wherever EVIL went


def _names_shown(page: str, *fragments: str) -> None:
    """Each name shows (escaped) where the page shows it: unescaping the page gives the name back."""
    text = html.unescape(page)
    for fragment in fragments:
        assert fragment in text


def test_every_page_escapes_names(hub_db: HubDB) -> None:
    code = setup_commune(hub_db, name=f"Xã {EVIL}")
    add_user(hub_db, "quan.tri", "admin")
    with TestClient(create_app(db=hub_db)) as client:
        laptop = enrol_http(client, code, name=f"Máy {EVIL}")
        day = dt.date(2025, 8, 4)
        report = laptop.report(day, villages={f"Thôn {EVIL}": {"card_captured": 2}},
                               card_captured=2, attended=3)
        assert post(client, laptop, laptop.batch(report)).status_code == 200
        assert login(client, "quan.tri").status_code == 303
        with hub_db.session(write=True) as s:  # today's rules refuse such a name; an older hub's may not have
            s.execute(update(HubUser).values(name=f"quản.trị{EVIL}"))
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
        dcode = daycode.encode(daycode.DayTotals(laptop.commune_code, "P2", day + dt.timedelta(days=1), 1,
                                                 {"card_captured": 1}), daycode.daycode_key_from_token(laptop.token))
        assert client.post("/dashboard/day-code", data={"code": dcode, "csrf": html.unescape(csrf)}).status_code == 200

        table = client.get(f"/?on={day.isoformat()}").text
        commune = client.get(f"/commune/{laptop.commune_code}").text
        offline = client.get("/dashboard/offline").text
        missing = client.get("/commune/" + quote(MISSING, safe=""))
        for page in (table, commune, offline, missing.text):
            _has_no_raw(page)
        _names_shown(table, f"Xã {EVIL}", f"Máy 1 (Máy {EVIL})", f"quản.trị{EVIL}")
        assert f"Xã {ESCAPED}" in table
        _names_shown(commune, f"Xã {EVIL}", f"Máy {EVIL}", f"quản.trị{EVIL}", f"Thôn {EVIL}")
        _names_shown(offline, f"Xã {EVIL}", f"quản.trị{EVIL}")
        assert missing.status_code == 404
        assert "<img" not in missing.text
        _names_shown(missing.text, MISSING)

    with TestClient(create_app(db=hub_db)) as anonymous:
        form = anonymous.get("/login", params={"next": f"/{EVIL}"}).text
        _has_no_raw(form)
        next_value = re.search(r'name="next" value="([^"]*)"', form).group(1)
        assert html.unescape(next_value) == f"/{EVIL}"  # the whole path, inside its attribute

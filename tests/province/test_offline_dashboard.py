"""The dashboard side of communes with no link (SQLite and PostgreSQL): answer an enrolment request file, download a signed
targets file, type in a day code, download the receipt of an uploaded bundle; only admins, only with CSRF;
the hub key reaches laptops enrolled online (enrol answer and targets)."""

from __future__ import annotations

import datetime as dt
import json

from province import admin
from province.db import HubDB
from province.offline import hub_public_key
from sync import daycode, offline, signing
from tests.support.hub import Laptop, csrf_of, make_bundle, setup_commune
from tests.support.vietnamese import vietnamese_words


def _code(hub_db: HubDB) -> str:
    with hub_db.session(write=True) as s:
        return admin.create_enrolment_code(s, "22736")[0]


def test_enrol_by_file_on_the_dashboard(hub_db: HubDB, admin_client, viewer_client) -> None:
    setup_commune(hub_db)
    code = _code(hub_db)
    priv, pub = signing.generate_keypair()
    req = offline.dumps(offline.make_request(code, "22736", "máy đảo", priv))
    csrf = csrf_of(admin_client)
    assert admin_client.post("/dashboard/enrol-file", files={"file": ("req.json", req)}).status_code == 403  # no CSRF
    assert viewer_client.post(f"/dashboard/enrol-file?csrf={csrf_of(viewer_client)}",
                              files={"file": ("req.json", req)}).status_code == 403  # a viewer
    r = admin_client.post(f"/dashboard/enrol-file?csrf={csrf}", files={"file": ("req.json", req)})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = offline.loads(r.content)
    with hub_db.session() as s:
        key = hub_public_key(s)
    p = offline.hub_verify(doc, key, "enrol-response")
    assert p["public_key"] == pub and p["hub_public_key"] == key
    assert offline.unwrap_secret(offline.code_hash(code), p["request_id"], p["token_wrapped"])
    again = admin_client.post(f"/dashboard/enrol-file?csrf={csrf}", files={"file": ("req.json", req)})
    assert again.status_code == 403 and "đã được dùng" in again.text  # the code is spent
    junk = admin_client.post(f"/dashboard/enrol-file?csrf={csrf}", files={"file": ("req.json", b"{\"a\":")})
    assert junk.status_code == 400


def test_enrol_file_for_a_device_the_hub_never_knew(hub_db: HubDB, admin_client) -> None:
    """A re-enrolment request naming a device this hub never knew: a NEW device, said on the page, with the
    signed response to download from it."""
    import base64
    import re
    from html import unescape

    setup_commune(hub_db)
    code = _code(hub_db)
    old_key, _ = signing.generate_keypair()
    priv, pub = signing.generate_keypair()
    doc = offline.make_request(code, "22736", "máy đảo", priv, "d" * 32,
                               [signing.reenrol_proof(old_key, "d" * 32, pub, "22736", offline.code_hash(code))])
    r = admin_client.post(f"/dashboard/enrol-file?csrf={csrf_of(admin_client)}",
                          files={"file": ("req.json", offline.dumps(doc))})
    assert r.status_code == 200 and "content-disposition" not in r.headers
    assert "MÁY MỚI" in r.text and "không biết mã máy đó" in r.text and "d" * 32 in r.text
    href = unescape(re.search(r'id="download-response" download="[^"]+" href="([^"]+)"', r.text).group(1))
    assert href.startswith("data:application/json;base64,")
    with hub_db.session() as s:
        key = hub_public_key(s)
    p = offline.hub_verify(offline.loads(base64.b64decode(href.split(",", 1)[1])), key, "enrol-response")
    assert p["same_device"] is False and p["new_device_reason"] == offline.NEW_DEVICE_UNKNOWN
    assert p["device_id"] != "d" * 32 and p["device_id"] in r.text


def test_targets_file_day_code_and_receipt(hub_db: HubDB, admin_client, laptop: Laptop) -> None:
    with hub_db.session(write=True) as s:
        admin.set_target(s, "22736", "card_captured", 500, dt.date(2025, 12, 31))
    csrf = csrf_of(admin_client)
    r = admin_client.post("/dashboard/targets-file", data={"commune": "22736", "csrf": csrf})
    assert r.status_code == 200
    with hub_db.session() as s:
        key = hub_public_key(s)
    p = offline.hub_verify(offline.loads(r.content), key, "targets")
    assert p["targets"] == [{"indicator": "card_captured", "value": 500, "deadline": "2025-12-31"}]
    assert admin_client.post("/dashboard/targets-file", data={"commune": "22736", "csrf": "x"}).status_code == 403
    assert admin_client.post("/dashboard/targets-file", data={"commune": "00000x", "csrf": csrf}).status_code == 404

    # the laptop enrolled online has the hub key from its targets answer too
    t = admin_client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"})
    assert t.json()["hub_public_key"] == key

    day = dt.date(2025, 8, 4)
    code = daycode.encode(daycode.DayTotals("22736", "P1", day, 1, {"card_captured": 12, "attended": 15}),
                          daycode.daycode_key_from_token(laptop.token))
    r = admin_client.post("/dashboard/day-code", data={"code": code, "csrf": csrf})
    assert r.status_code == 200 and "tạm, qua điện thoại" in r.text
    page = admin_client.get("/dashboard/offline").text
    assert 'id="day-codes"' in page and "tạm, qua điện thoại" in page
    bad = admin_client.post("/dashboard/day-code", data={"code": code[:-1] + ("0" if code[-1] != "0" else "1"),
                                                         "csrf": csrf})
    assert bad.status_code == 422

    # upload the signed report: the page offers the receipt, and the day code shows as superseded
    rep = laptop.report(day, card_captured=12, attended=15)
    bundle = make_bundle(laptop, [laptop.batch(rep)])
    up = admin_client.post(f"/dashboard/upload-bundle?csrf={csrf}", files={"file": ("b.epb", bundle)})
    assert up.status_code == 200
    link = up.text.split('id="receipt" href="')[1].split('"')[0]
    rec = admin_client.get(link)
    assert rec.status_code == 200
    payload = offline.hub_verify(offline.loads(rec.content), key, "receipt")
    assert payload["device_id"] == laptop.device_id
    assert payload["reports"] == [{"point_code": "P1", "day": day.isoformat(), "revision": 1,
                                   "content_hash": rep.content_hash(), "outcome": "imported", "reason": ""}]
    assert "thay bằng báo cáo ký số" in admin_client.get("/dashboard/offline").text
    assert admin_client.get("/dashboard/receipt/" + "0" * 32).status_code == 404
    js = admin_client.post(f"/dashboard/upload-bundle?csrf={csrf}", files={"file": ("b.epb", bundle)},
                           headers={"Accept": "application/json"}).json()
    assert js["receipt"]["kind"] == "receipt" and json.dumps(js)


def test_enrol_answer_carries_the_hub_key(hub_db: HubDB, client) -> None:
    code = setup_commune(hub_db)
    _priv, pub = signing.generate_keypair()
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": "máy", "public_key": pub})
    with hub_db.session() as s:
        assert r.json()["hub_public_key"] == hub_public_key(s) != ""


def test_the_offline_forms_answer_in_english(hub_db: HubDB, admin_client, laptop: Laptop) -> None:
    """The result pages of the day-code form and of a new-device enrolment file, asked in English."""
    csrf = csrf_of(admin_client)
    day = dt.date(2025, 8, 4)
    code = daycode.encode(daycode.DayTotals("22736", "P1", day, 1, {"card_captured": 12, "attended": 15}),
                          daycode.daycode_key_from_token(laptop.token))
    first = admin_client.post("/dashboard/day-code?lang=en", data={"code": code, "csrf": csrf})
    again = admin_client.post("/dashboard/day-code?lang=en", data={"code": code, "csrf": csrf})
    assert first.status_code == again.status_code == 200
    assert "Valid day code" in first.text and "Provisional figures by phone saved" in first.text
    assert "Commune 22736, point P1, day 2025-08-04, revision 1" in first.text
    assert "ID cards: 12" in first.text and "Attended: 15" in first.text
    assert "This code was received before." in again.text
    for page in (first, again):
        assert not vietnamese_words(page.text), vietnamese_words(page.text)

    old_key, _ = signing.generate_keypair()
    priv, pub = signing.generate_keypair()
    enrol = _code(hub_db)
    doc = offline.make_request(enrol, "22736", "máy đảo", priv, "d" * 32,
                               [signing.reenrol_proof(old_key, "d" * 32, pub, "22736", offline.code_hash(enrol))])
    r = admin_client.post(f"/dashboard/enrol-file?csrf={csrf}&lang=en", files={"file": ("req.json", offline.dumps(doc))})
    assert r.status_code == 200 and "connected as a NEW laptop" in r.text
    assert "which this province hub does not know" in r.text and "Download the response file" in r.text
    assert not vietnamese_words(r.text), vietnamese_words(r.text)

    bundle = make_bundle(laptop, [laptop.batch(laptop.report(day, card_captured=12, attended=15))])
    pages = [admin_client.post(f"/dashboard/upload-bundle?csrf={csrf}&lang=en", files={"file": ("b.epb", bundle)})
             for _ in range(2)]
    assert [p.status_code for p in pages] == [200, 200]
    assert "Data file imported" in pages[0].text and "New: 1, updated: 0, duplicates (ignored): 0" in pages[0].text
    assert "received before, nothing more stored" in pages[1].text
    for page in pages:
        assert not vietnamese_words(page.text), vietnamese_words(page.text)

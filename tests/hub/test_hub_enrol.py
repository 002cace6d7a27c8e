"""Enrolment: one-time codes (single use, expiry, stored hashed) and tokens the hub never stores."""

from __future__ import annotations

import datetime as dt

from hubkit import counts, enrol_http, setup_commune
from sqlalchemy import select, text, update

from province import admin
from province.models import Device, EnrolmentCode
from sync import signing


def _all_text(hub_db) -> str:
    """Every value of every table, as one string (to prove a secret is not stored)."""
    out = []
    with hub_db.engine.connect() as conn:
        for table in ("devices", "enrolment_codes", "audit_log"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                out.extend(str(v) for v in row)
    return "\n".join(out)


def test_enrol_returns_device_and_commune(hub_db, client):
    code = setup_commune(hub_db)
    laptop = enrol_http(client, code)
    assert laptop.commune_code == "22736"
    with hub_db.session() as s:
        dev = s.get(Device, laptop.device_id)
        assert dev.public_key == laptop.public_key and not dev.revoked
        assert dev.token_expires_at > admin.now() + dt.timedelta(days=300)


def test_code_is_single_use_and_case_insensitive(hub_db, client):
    code = setup_commune(hub_db)
    _priv, pub = signing.generate_keypair()
    first = client.post("/api/v1/enrol", json={"code": code.lower().replace("-", " "), "device_name": "a",
                                                "public_key": pub})
    assert first.status_code == 200
    again = client.post("/api/v1/enrol", json={"code": code, "device_name": "b", "public_key": pub})
    assert again.status_code == 403
    with hub_db.session() as s:
        assert len(list(s.scalars(select(Device)))) == 1


def test_expired_and_unknown_codes_are_refused(hub_db, client):
    code = setup_commune(hub_db)
    with hub_db.session(write=True) as s:
        s.execute(update(EnrolmentCode).values(expires_at=admin.now() - dt.timedelta(seconds=1)))
    _priv, pub = signing.generate_keypair()
    before = counts(hub_db)
    assert client.post("/api/v1/enrol", json={"code": code, "device_name": "a", "public_key": pub}).status_code == 403
    assert client.post("/api/v1/enrol", json={"code": "AAAA-BBBB-CCCC", "device_name": "a",
                                              "public_key": pub}).status_code == 403
    assert counts(hub_db) == before


def test_malformed_public_key_is_422_and_does_not_spend_the_code(hub_db, client):
    code = setup_commune(hub_db)
    for bad in ("not base64!!", "QUJD", ""):
        r = client.post("/api/v1/enrol", json={"code": code, "device_name": "a", "public_key": bad})
        assert r.status_code == 422, r.text
    enrol_http(client, code)  # still usable


def test_code_and_token_are_stored_only_as_hashes(hub_db, client):
    code = setup_commune(hub_db)
    laptop = enrol_http(client, code)
    stored = _all_text(hub_db)
    assert laptop.token not in stored
    assert code not in stored and code.replace("-", "") not in stored
    with hub_db.session() as s:
        assert s.get(Device, laptop.device_id).token_hash == signing.token_hash(laptop.token)

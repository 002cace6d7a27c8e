"""Enrolment: one-time codes (single use, expiry, stored hashed) and tokens the hub never stores; a laptop that
connects again proves its previous key and keeps its device id (its re-sent days are not counted twice)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text, update

from province import admin
from province.models import AuditEntry, CommuneTotal, Device, EnrolmentCode, ReportVillage
from sync import offline, protocol, signing
from tests.support.hub import Laptop, counts, enrol_http, post, setup_commune


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


# -- re-enrolment: a laptop that connects again keeps its device id --------------------------------------

def _reenrol(client, code: str, laptop: Laptop, *, proof_key: str | None = None, device_id: str | None = None,
             commune: str | None = None, public_key: str | None = None, code_for_proof: str | None = None,
             **body: object):
    """POST /enrol as `laptop` connecting again: a new key pair and a proof signed with its previous key."""
    priv, pub = signing.generate_keypair()
    device = device_id or laptop.device_id
    proof = signing.reenrol_proof(proof_key or laptop.private_key, device, public_key or pub,
                                  commune or laptop.commune_code, offline.code_hash(code_for_proof or code))
    payload = {"code": code, "device_name": "Laptop xã (cài lại)", "public_key": pub,
               "previous_device_id": device, "previous_proof": proof, **body}
    return client.post("/api/v1/enrol", json=payload), Laptop(laptop.device_id, "", priv, pub, laptop.commune_code)


def _new_code(hub_db, commune: str = "22736") -> str:
    with hub_db.session(write=True) as s:
        return admin.create_enrolment_code(s, commune)[0]


def _figures(hub_db, day: dt.date) -> tuple[int, int, int]:
    """(stored reports of the day, their card_captured sum, the commune's running card_captured total)."""
    with hub_db.session() as s:
        n, total = s.execute(select(func.count(), func.coalesce(func.sum(ReportVillage.card_captured), 0))
                             .where(ReportVillage.day == day)).one()
        running = s.scalar(select(CommuneTotal.value).where(CommuneTotal.indicator == "card_captured")) or 0
    return int(n), int(total), int(running)


def test_reenrol_keeps_the_device_and_a_resent_day_is_not_counted_twice(hub_db, client, laptop):
    day = dt.date(2025, 11, 20)
    first = post(client, laptop, laptop.batch(laptop.report(day, 1, point="TRUSO", card_captured=3, attended=4)))
    assert first.json()["imported"] == 1
    with hub_db.session(write=True) as s:
        admin.revoke_device(s, laptop.device_id)  # the province revoked it: an ordinary code no longer lifts that
    code = _new_code(hub_db)
    r, _ = _reenrol(client, code, laptop)
    assert r.status_code == 403 and r.json()["field"] == "revoked" and "thu hồi" in r.json()["words_vi"]
    with hub_db.session(write=True) as s:
        admin.reinstate_device(s, laptop.device_id)  # found again: the admin reinstates it; the code is unspent
    r, again = _reenrol(client, code, laptop)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["device_id"] == laptop.device_id and d["commune_code"] == "22736"
    again.token = d["token"]
    with hub_db.session() as s:
        dev = s.get(Device, laptop.device_id)
        assert dev.public_key == again.public_key and dev.token_hash == signing.token_hash(again.token)
        assert not dev.revoked and dev.name == "Laptop xã (cài lại)"
        assert dev.token_expires_at > admin.now() + dt.timedelta(days=300)
        assert len(list(s.scalars(select(Device)))) == 1  # no second device
        spent = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == offline.code_hash(code)))
        assert spent.used_at is not None and spent.device_id == laptop.device_id
        audit = [a for a in s.scalars(select(AuditEntry)) if a.action == "device.reenrol"]
        assert len(audit) == 1 and audit[0].commune_code == "22736" and '"was_revoked": false' in audit[0].detail
    # The old token and the old key are finished.
    assert post(client, laptop, laptop.batch(laptop.report(day, 1, point="TRUSO", card_captured=3))).status_code == 401
    stale = laptop.batch(laptop.report(day, 1, point="TRUSO", card_captured=3))
    body = protocol.encode_batch(stale)
    assert client.post("/api/v1/batches", content=protocol.gzip_body(body), headers=again.headers(
        body, signature=signing.sign(laptop.private_key, body))).status_code == 403

    # The outbox re-sends the delivered day (same revision) under the same device: ignored, not added.
    before = _figures(hub_db, day)
    assert before == (1, 3, 3)
    resend = post(client, again, again.batch(again.report(day, 1, point="TRUSO", card_captured=3, attended=4)))
    assert resend.status_code == 200 and resend.json()["ignored"] == 1, resend.text
    assert _figures(hub_db, day) == before
    # A correction replaces the laptop's own report.
    fixed = post(client, again, again.batch(again.report(day, 2, point="TRUSO", card_captured=5)))
    assert fixed.json()["updated"] == 1
    assert _figures(hub_db, day) == (1, 5, 5)


def test_refused_reenrolment_stores_nothing_and_leaves_the_code(hub_db, client, laptop):
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "99999", "Xã khác", "56")
        other_code = admin.create_enrolment_code(s, "99999")[0]
    other = enrol_http(client, other_code)  # a device of another commune
    code = _new_code(hub_db)
    stranger, _ = signing.generate_keypair()
    before = counts(hub_db)
    with hub_db.session() as s:
        keys_before = {d.id: (d.public_key, d.token_hash) for d in s.scalars(select(Device))}
    cases = [
        ({"proof_key": stranger}, 403, "previous_proof"),  # forged: not the device's key
        ({"public_key": signing.generate_keypair()[1]}, 403, "previous_proof"),  # a proof for another new key
        ({"code_for_proof": "AAAA-BBBB-CCCC"}, 403, "previous_proof"),  # a proof made for another code
        ({"commune": "99999"}, 403, "previous_proof"),  # a proof naming another commune
        ({"device_id": "f" * 32}, 404, "previous_device_id"),  # unknown device
        ({"device_id": other.device_id, "proof_key": other.private_key, "commune": "99999"}, 403, "commune"),
        ({"previous_proof": "QUJD"}, 403, "previous_proof"),  # not a signature at all
        ({"device_id": "x" * 33}, 422, "previous_device_id"),  # bounded
        ({"previous_proof": "A" * 101}, 422, "previous_proof"),
        ({"device_id": "../etc"}, 422, "previous_device_id"),
        ({"previous_proof": None}, 422, "previous_proof"),  # one without the other
    ]
    for kw, status, field in cases:
        r, _ = _reenrol(client, code, laptop, **kw)
        assert (r.status_code, r.json().get("field")) == (status, field), (kw, r.text)
        assert str(laptop.token) not in r.text
    assert counts(hub_db) == before
    with hub_db.session() as s:
        assert {d.id: (d.public_key, d.token_hash) for d in s.scalars(select(Device))} == keys_before
        assert s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == offline.code_hash(code))).used_at is None
    r, _ = _reenrol(client, code, laptop)  # the code is still good, for this very device
    assert r.status_code == 200 and r.json()["device_id"] == laptop.device_id


def test_an_old_laptop_without_the_new_fields_still_enrols_as_a_new_device(hub_db, client, laptop):
    code = _new_code(hub_db)
    _priv, pub = signing.generate_keypair()
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": "Máy cũ", "public_key": pub,
                                           "some_future_field": 1})
    assert r.status_code == 200 and r.json()["device_id"] != laptop.device_id

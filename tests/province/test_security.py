"""Every refusal of POST /batches has the contract's status and stores nothing (row counts compared)."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from sqlalchemy import update

from province import admin
from province.models import Device
from sync import protocol, signing
from tests.support.hub import counts, enrol_http, post, setup_commune


def _raw(client, laptop, body: bytes, wire: bytes | None = None, **hdr):
    return client.post("/api/v1/batches", content=wire if wire is not None else protocol.gzip_body(body),
                       headers=laptop.headers(body, **hdr))


@pytest.fixture
def baseline(hub_db, client, laptop):
    """One accepted batch first, so 'nothing stored' is checked against a non-empty database."""
    post(client, laptop, laptop.batch(laptop.report("2025-07-01", 2, card_captured=20)))
    return counts(hub_db)


def test_wrong_signature(hub_db, client, laptop, baseline):
    body = protocol.encode_batch(laptop.batch(laptop.report("2025-07-02", 1, card_captured=1)))
    other_priv, _ = signing.generate_keypair()
    r = _raw(client, laptop, body, signature=signing.sign(other_priv, body))
    assert r.status_code == 403
    assert _raw(client, laptop, body, signature="!!!").status_code == 403
    assert _raw(client, laptop, body, signature="").status_code == 403
    # Signed, then altered in transit.
    good = signing.sign(laptop.private_key, body)
    tampered = body.replace(b'"card_captured":1', b'"card_captured":9')
    assert _raw(client, laptop, tampered, signature=good).status_code == 403
    assert counts(hub_db) == baseline


def test_unknown_expired_revoked_token_and_wrong_device_header(hub_db, client, laptop, baseline):
    body = protocol.encode_batch(laptop.batch(laptop.report("2025-07-02", 1, card_captured=1)))
    assert _raw(client, laptop, body, token="not-a-token").status_code == 401
    assert client.post("/api/v1/batches", content=protocol.gzip_body(body)).status_code == 401
    assert _raw(client, laptop, body, device="someone-else").status_code == 401
    with hub_db.session(write=True) as s:
        s.execute(update(Device).values(token_expires_at=admin.now() - dt.timedelta(seconds=1)))
    assert _raw(client, laptop, body).status_code == 401
    with hub_db.session(write=True) as s:
        s.execute(update(Device).values(token_expires_at=admin.now() + dt.timedelta(days=1), revoked=True))
    assert _raw(client, laptop, body).status_code == 401
    assert counts(hub_db) == baseline


def test_token_cannot_write_another_commune(hub_db, client, laptop, baseline):
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "4", "Phường Ba Đình", "1")
    foreign = protocol.Report("4", "P1", dt.date(2025, 7, 2), 1, protocol.utc_now(), {"card_captured": 1})
    r = post(client, laptop, protocol.Batch.new(laptop.device_id, "4", [foreign]))
    assert r.status_code == 403 and "commune" in r.json()["field"]
    # Another enrolled device's id inside a batch signed by this laptop.
    other = enrol_http(client, setup_commune(hub_db, "4", "Phường Ba Đình", "1"))
    before = counts(hub_db)
    r = post(client, laptop, protocol.Batch.new(other.device_id, laptop.commune_code,
                                                [laptop.report("2025-07-02", 1)]))
    assert r.status_code == 403
    assert counts(hub_db) == before


def test_old_revision_replayed_over_newer_changes_nothing(hub_db, client, laptop, baseline):
    from tests.support.hub import _values_for

    before = _values_for(hub_db)
    r = post(client, laptop, laptop.batch(laptop.report("2025-07-01", 1, card_captured=5)))
    assert r.status_code == 200 and r.json()["conflicts"][0]["outcome"] == "conflict"
    assert _values_for(hub_db) == before


def test_oversized_body(hub_db, client, laptop, baseline):
    big = b"\0" * (protocol.MAX_WIRE_BYTES + 1)
    r = client.post("/api/v1/batches", content=big, headers=laptop.headers(b"x"))
    assert r.status_code == 413

    def chunks():  # no Content-Length: the cap applies while reading
        for _ in range(protocol.MAX_WIRE_BYTES // 65536 + 2):
            yield b"\0" * 65536

    r = client.post("/api/v1/batches", content=chunks(), headers=laptop.headers(b"x"))
    assert r.status_code == 413
    assert counts(hub_db) == baseline


def test_gzip_bomb(hub_db, client, laptop, baseline):
    body = b"[" + b" " * (protocol.MAX_BODY_BYTES + 10) + b"]"
    wire = gzip.compress(body, 9)
    assert len(wire) < protocol.MAX_WIRE_BYTES
    r = _raw(client, laptop, body, wire=wire)
    assert r.status_code == 413
    assert counts(hub_db) == baseline


def test_not_gzip_and_malformed_json(hub_db, client, laptop, baseline):
    assert _raw(client, laptop, b"{}", wire=b"plain text, not gzip").status_code == 400
    body = protocol.encode_batch(laptop.batch(laptop.report("2025-07-02", 1, card_captured=1)))
    cut = _raw(client, laptop, body, wire=protocol.gzip_body(body)[:-12])  # upload cut off mid-stream
    assert cut.status_code == 400 and "truncated" in cut.json()["detail"]
    bad = b'{"protocol": 1, "batch_id": '
    r = _raw(client, laptop, bad)
    assert r.status_code == 400 and "JSON" in r.json()["detail"]
    assert counts(hub_db) == baseline


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda d: d.update(protocol=99), "protocol"),
    (lambda d: d.update(batch_id="nope"), "batch_id"),
    (lambda d: d.update(reports=[]), "reports"),
    (lambda d: d["reports"][0]["totals"].update(card_captured=-1), "reports[0].totals.card_captured"),
    (lambda d: d["reports"][0]["totals"].update(bogus=1), "reports[0].totals"),
    (lambda d: d["reports"][0].update(day="2025-13-40"), "reports[0].day"),
    (lambda d: d["reports"][0].update(revision=0), "reports[0].revision"),
])
def test_schema_errors_are_422_with_the_field(hub_db, client, laptop, baseline, mutate, field):
    d = laptop.batch(laptop.report("2025-07-02", 1, card_captured=1)).to_dict()
    mutate(d)
    body = protocol.canonical_json(d)
    r = _raw(client, laptop, body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert counts(hub_db) == baseline


def test_json_error_body_is_plain(client):
    r = client.post("/api/v1/batches", content=b"x")
    assert r.status_code == 401 and json.loads(r.text)["detail"]

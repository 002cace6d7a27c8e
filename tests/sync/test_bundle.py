"""Offline bundle: round trip, signatures, validation, atomic write."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json

import pytest

from sync import signing
from sync.bundle import read_bundle, write_bundle
from sync.client import build_batch, signed_body
from sync.protocol import ProtocolError, Report, canonical_json, decode_batch, gzip_body

CLOSED = dt.datetime(2025, 8, 9, 10, 0, tzinfo=dt.UTC)


def _reports(n: int) -> list[Report]:
    return [Report("22736", f"P{i % 3}", dt.date(2025, 6, 1) + dt.timedelta(days=i // 3), 1, CLOSED,
                   {"card_captured": i}, {"Thôn Đông": {"card_captured": i}}) for i in range(n)]


def test_round_trip_signed_and_same_bytes_as_network(tmp_path):
    priv, pub = signing.generate_keypair()
    path = tmp_path / "usb" / "b.epb"
    ids = write_bundle(path, "dev-1", "22736", priv, [("0b6f3f0e-9a3c-4d7e-8f00-000000000001", _reports(4))])
    assert ids == ["0b6f3f0e-9a3c-4d7e-8f00-000000000001"]
    [(body, sig)] = read_bundle(path)
    assert signing.verify(pub, body, sig)
    batch = decode_batch(body)
    assert batch.batch_id == ids[0] and len(batch.reports) == 4
    # the network sender builds the very same bytes for the same id and reports → the hub dedups
    assert signed_body(build_batch(ids[0], "dev-1", "22736", list(reversed(_reports(4)))), priv) == (body, sig)
    assert [p.name for p in path.parent.iterdir()] == ["b.epb"]  # no temp file left


def test_plain_reports_are_chunked(tmp_path, monkeypatch):
    monkeypatch.setattr("sync.bundle.MAX_REPORTS_PER_BATCH", 4)
    priv, _ = signing.generate_keypair()
    ids = write_bundle(tmp_path / "b.epb", "dev-1", "22736", priv, _reports(10))
    assert len(ids) == 3 and len(read_bundle(tmp_path / "b.epb")) == 3


def _write_doc(path, doc):
    path.write_bytes(gzip_body(canonical_json(doc)))


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.update(format="zip"), "format"),
    (lambda d: d.update(version=2), "version"),
    (lambda d: d["batches"][0].update(body="not base64!!"), "batches[0].body"),
    (lambda d: d["batches"][0].update(signature=base64.b64encode(b"x" * 10).decode()), "batches[0].signature"),
    (lambda d: d.update(batches=[]), "batches"),
    (lambda d: d.update(device_id="someone-else"), "batches[0]"),
])
def test_validation(tmp_path, mutate, field):
    priv, _ = signing.generate_keypair()
    path = tmp_path / "b.epb"
    write_bundle(path, "dev-1", "22736", priv, _reports(2))
    doc = json.loads(gzip.decompress(path.read_bytes()))
    mutate(doc)
    _write_doc(path, doc)
    with pytest.raises(ProtocolError) as e:
        read_bundle(path)
    assert e.value.field == field


def test_not_gzip(tmp_path):
    p = tmp_path / "x.epb"
    p.write_bytes(b"hello")
    with pytest.raises(ProtocolError):
        read_bundle(p)

"""Offline bundle import (CLI and dashboard upload): verified like HTTP, idempotent with HTTP."""

from __future__ import annotations

import gzip
import json

from province.cli import main
from sync import protocol, signing
from tests.support.hub import _values_for, counts, csrf_of, make_bundle, post


def _batches(laptop):
    return [laptop.batch(*[laptop.report(f"2025-07-{d:02d}", 1, card_captured=d) for d in range(1, 11)]),
            laptop.batch(laptop.report("2025-07-11", 1, card_captured=11, point="P2"))]


def test_import_twice_then_http_changes_nothing(hub_url, hub_db, client, laptop, tmp_path, capsys):
    batches = _batches(laptop)
    f = tmp_path / "bundle.epb"
    f.write_bytes(make_bundle(laptop, batches))
    assert main(["--db", hub_url, "import-bundle", str(f), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [b["imported"] for b in first["batches"]] == [10, 1]
    after_first = counts(hub_db)
    values = _values_for(hub_db)

    assert main(["import-bundle", str(f), "--db", hub_url, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert all(b["replayed"] for b in second["batches"])
    assert [b["results"] for b in second["batches"]] == [b["results"] for b in first["batches"]]
    for b in batches:  # the laptop later gets a connection and sends the same batches over HTTP
        r = post(client, laptop, b)
        assert r.status_code == 200 and r.json()["replayed"] is True
    assert counts(hub_db) == after_first
    assert _values_for(hub_db) == values


def test_http_first_then_bundle(hub_url, hub_db, client, laptop, tmp_path):
    batches = _batches(laptop)
    for b in batches:
        post(client, laptop, b)
    before = counts(hub_db)
    f = tmp_path / "b.epb"
    f.write_bytes(make_bundle(laptop, batches))
    assert main(["--db", hub_url, "import-bundle", str(f)]) == 0
    assert counts(hub_db) == before


def test_bad_bundles_are_refused_whole(hub_url, hub_db, laptop, tmp_path, capsys):
    before = counts(hub_db)
    other_priv, _ = signing.generate_keypair()
    good, bad = _batches(laptop)
    cases = {
        "garbage.epb": b"not a bundle",
        "json.epb": gzip.compress(b'{"format": "something-else"}'),
    }
    # one good batch and one signed by another key: nothing from the file is imported
    doc = json.loads(gzip.decompress(make_bundle(laptop, [good, bad])))
    doc["batches"][1]["signature"] = signing.sign(other_priv, protocol.encode_batch(bad))
    cases["forged.epb"] = gzip.compress(protocol.canonical_json(doc))
    for name, data in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        assert main(["--db", hub_url, "import-bundle", str(f)]) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and not err.startswith("error") and "Không lưu gì" in err  # one plain line
    assert main(["--db", hub_url, "import-bundle", str(tmp_path / "missing.epb")]) == 2
    assert counts(hub_db) == before


def test_dashboard_upload_same_idempotency(hub_db, admin_client, laptop):
    client = admin_client
    csrf = {"csrf": csrf_of(client)}
    data = make_bundle(laptop, _batches(laptop))
    r = client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)}, params=csrf)
    assert r.status_code == 200 and "Đã nhập tệp dữ liệu" in r.text
    before = counts(hub_db)
    r = client.post("/dashboard/upload-bundle", files={"file": ("b.epb", data)}, params=csrf,
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and all(b["replayed"] for b in r.json()["batches"])
    assert counts(hub_db) == before
    r = client.post("/dashboard/upload-bundle", files={"file": ("x.epb", b"junk")}, params=csrf)
    assert r.status_code == 400 and "Không nhập được" in r.text

"""A national hub trusts a roll-up only from the province hub it pinned, for that province's communes, once:
another province's commune, a tampered or re-used batch id, an unknown hub and a spent code are refused with
words (4xx), nothing stored; a repeated batch gets its first receipt; an older revision never replaces."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from province.app import create_app
from province.db import HubDB
from province.errors import HubRefusal
from province.national import rollup
from province.national.cli import bound_key
from province.national.intake import create_code
from province.national.models import NationalBatch, NationalCommuneDay
from province.settings import HubSettings
from sync import signing
from tests.support.national import enrol_province

DAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def national(hub_db: HubDB) -> Iterator[TestClient]:
    with TestClient(create_app(db=hub_db, settings=HubSettings(role="national"))) as c:
        yield c


def _enrol(client: TestClient, db: HubDB, province: str) -> str:
    private, public, code = enrol_province(client, db, province)
    again = client.post("/api/v1/national/enrol", json={"province": province, "code": code, "hub_public_key": public})
    assert again.status_code == 403 and "code" in again.json()["detail"]  # one-time
    return private


def _wire(private: str, province: str, rows: list[dict[str, Any]], batch_id: str | None = None) -> dict[str, Any]:
    batch = {"format": rollup.FORMAT, "version": rollup.VERSION, "province": province,
             "batch_id": batch_id or uuid.uuid4().hex, "created_at": "2026-12-06T00:00:00Z", "rows": rows}
    return rollup.sign_batch(private, batch)


def _row(commune: str, revision: int = 1, count: int = 5) -> dict[str, Any]:
    return {"commune": commune, "day": DAY, "revision": revision, "provisional": False,
            "values": {"card_captured": count}}


def _stored(db: HubDB) -> tuple[int, int]:
    with db.session() as s:
        return (int(s.scalar(select(func.count()).select_from(NationalCommuneDay)) or 0),
                int(s.scalar(select(func.count()).select_from(NationalBatch)) or 0))


def test_refusals_store_nothing(national: TestClient, hub_db: HubDB) -> None:
    key_56 = _enrol(national, hub_db, "56")
    post = national.post
    other = post("/api/v1/national/batches", json=_wire(key_56, "56", [_row("22366"), _row("70")]))
    assert other.status_code == 403 and "commune 70 belongs to province 1" in other.json()["detail"]
    assert "Xã 70 thuộc tỉnh 1" in other.json()["words_vi"]
    tampered = _wire(key_56, "56", [_row("22366")])
    tampered["batch"]["rows"][0]["values"]["card_captured"] = 500
    r = post("/api/v1/national/batches", json=tampered)
    assert r.status_code == 403 and "signature" in r.json()["detail"]
    moved = _wire(key_56, "56", [_row("70")])
    moved["batch"]["province"] = "1"  # a province hub speaking for another province
    r = post("/api/v1/national/batches", json=moved)
    assert r.status_code == 401 and "unknown province hub" in r.json()["detail"]
    stranger, _ = signing.generate_keypair()
    r = post("/api/v1/national/batches", json=_wire(stranger, "56", [_row("22366")]))
    assert r.status_code == 403
    r = post("/api/v1/national/batches", content=b"{" * 5000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert _stored(hub_db) == (0, 0)


def test_repeat_replay_and_revisions(national: TestClient, hub_db: HubDB) -> None:
    key_56 = _enrol(national, hub_db, "56")
    first = _wire(key_56, "56", [_row("22366", 2, 8)])
    r1 = national.post("/api/v1/national/batches", json=first)
    assert r1.status_code == 200 and r1.json()["receipt"]["stored"] == 1 and not r1.json()["duplicate"]
    r2 = national.post("/api/v1/national/batches", json=first)  # the answer was lost: sent again
    assert r2.status_code == 200 and r2.json()["duplicate"] and r2.json()["receipt"] == r1.json()["receipt"]
    other = _wire(key_56, "56", [_row("22366", 3, 9)], batch_id=first["batch"]["batch_id"])
    r3 = national.post("/api/v1/national/batches", json=other)
    assert r3.status_code == 409
    older = national.post("/api/v1/national/batches", json=_wire(key_56, "56", [_row("22366", 1, 99)]))
    assert older.status_code == 200 and older.json()["receipt"]["stale"] == 1
    with hub_db.session() as s:
        row = s.scalars(select(NationalCommuneDay)).one()
        assert (row.revision, row.values_json) == (2, '{"card_captured": 8}')
    assert _stored(hub_db) == (1, 2)


def test_a_national_hub_takes_no_laptop(national: TestClient) -> None:
    r = national.post("/api/v1/enrol", json={"code": "ABCD-EFGH-JKLM", "device_name": "x", "public_key": "x"})
    assert r.status_code == 403 and "laptops report to their province hub" in r.json()["detail"]


def test_a_province_hub_takes_no_roll_up(client: TestClient) -> None:
    r = client.post("/api/v1/national/enrol", json={})
    assert r.status_code == 403 and "province hub" in r.json()["detail"]


def test_a_province_hub_believes_only_a_key_bound_to_its_code(national: TestClient, hub_db: HubDB) -> None:
    with hub_db.session(write=True) as s:
        code = create_code(s, "56")[0]
    _, own_public = signing.generate_keypair()
    answer = national.post("/api/v1/national/enrol",
                           json={"province": "56", "code": code, "hub_public_key": own_public}).json()
    assert bound_key(code, own_public, answer) == (answer["national_public_key"], "56")
    _, intruder = signing.generate_keypair()
    for forged in ({**answer, "national_public_key": intruder}, {**answer, "province": "1"},
                   {k: v for k, v in answer.items() if k != "binding"}):
        with pytest.raises(HubRefusal, match="not bound to this code"):
            bound_key(code, own_public, forged)
    with pytest.raises(HubRefusal):
        bound_key("AAAA-BBBB-CCCC", own_public, answer)  # another code


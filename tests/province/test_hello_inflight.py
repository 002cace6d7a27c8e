"""The laptops' probe answer (GET /api/v1/hello: the hub's identity, no database work) and the bounded
batch intake (429 with Retry-After when too many batches are in flight, never a 5xx, nothing stored)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from province.db import HubDB
from sync import hubkey, protocol
from tests.support.hub import Laptop, counts, post


def _statements(hub_db: HubDB, client: TestClient, path: str) -> tuple[Any, int]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(hub_db.engine, "before_cursor_execute", count)
    try:
        r = client.get(path)
    finally:
        event.remove(hub_db.engine, "before_cursor_execute", count)
    return r, len(seen)


def test_hello_names_the_hub_without_touching_the_database(hub_db: HubDB, client: TestClient, laptop: Laptop) -> None:
    r, statements = _statements(hub_db, client, "/api/v1/hello")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["service"] == protocol.HELLO_SERVICE and body["protocol"] == protocol.PROTOCOL_VERSION
    served = client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}",
                                                     protocol.HEADER_DEVICE: laptop.device_id}).json()
    assert body["key_fingerprint"] == hubkey.fingerprint(served["hub_public_key"]) != ""
    assert statements == 0
    _, health_statements = _statements(hub_db, client, "/api/v1/health")  # the database check stays separate
    assert health_statements >= 1


def test_too_many_batches_in_flight_answer_429_with_retry_after(hub_db: HubDB, client: TestClient,
                                                                laptop: Laptop) -> None:
    slots = client.app.state.batch_slots  # type: ignore[attr-defined]
    held = 0
    while slots.take():  # every slot busy, as while other laptops' batches are being stored
        held += 1
    assert held == slots.limit >= 1
    before = counts(hub_db)
    batch = laptop.batch(laptop.report("2025-06-01", attended=3))
    r = post(client, laptop, batch)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert counts(hub_db) == before  # refused before anything was read or stored
    for _ in range(held):
        slots.give()
    r = post(client, laptop, batch)
    assert r.status_code == 200, r.text
    assert slots.in_flight == 0  # a finished batch gives its slot back
    r = post(client, laptop, laptop.batch(laptop.report("2025-06-02", attended=1), batch_id="x" * 10))
    assert r.status_code != 429 and slots.in_flight == 0  # a refused batch too

"""Intake over HTTP: outcomes per report, exactly-once per batch id, captured vs received times."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from province.models import Batch, ReportVillage
from sync import protocol
from sync.protocol import INDICATORS
from tests.support.hub import counts


def _values(hub_db, point="P1", day="2025-07-01"):
    """{indicator: (value, revision)} of the stored report of the point and day."""
    rv = ReportVillage
    with hub_db.session() as s:
        row = s.execute(select(rv.revision, *(getattr(rv, i) for i in INDICATORS))
                        .where(rv.point_code == point, rv.day == dt.date.fromisoformat(day))).one_or_none()
    return {} if row is None else {ind: (v, row[0]) for ind, v in zip(INDICATORS, row[1:], strict=True)}


def test_imported_updated_ignored_conflict(hub_db, client, laptop):
    from tests.support.hub import post

    r1 = laptop.report("2025-07-01", 1, card_captured=10, vneid_l2_captured=4)
    s = post(client, laptop, laptop.batch(r1)).json()
    assert (s["imported"], s["updated"], s["ignored"], s["conflicts"]) == (1, 0, 0, [])
    assert _values(hub_db)["card_captured"] == (10, 1)

    # Same figures again under a new batch id (the laptop re-sent the day): ignored.
    s = post(client, laptop, laptop.batch(laptop.report("2025-07-01", 1, card_captured=10,
                                                        vneid_l2_captured=4))).json()
    assert s["ignored"] == 1 and s["imported"] == 0

    # A correction: revision 2 replaces it.
    s = post(client, laptop, laptop.batch(laptop.report("2025-07-01", 2, card_captured=12))).json()
    assert s["updated"] == 1
    vals = _values(hub_db)
    assert vals["card_captured"] == (12, 2) and vals["vneid_l2_captured"] == (0, 2)

    # Same revision, other figures → conflict; an older revision → conflict; nothing changes.
    before = _values(hub_db)
    s = post(client, laptop, laptop.batch(laptop.report("2025-07-01", 2, card_captured=99),
                                          laptop.report("2025-07-01", 1, card_captured=10))).json()
    assert s["imported"] == s["updated"] == s["ignored"] == 0
    assert [c["outcome"] for c in s["conflicts"]] == ["conflict", "conflict"]
    assert "different" in s["conflicts"][0]["reason"] and "older" in s["conflicts"][1]["reason"]
    assert _values(hub_db) == before


def test_same_batch_twice_returns_the_stored_summary(hub_db, client, laptop):
    from tests.support.hub import post

    batch = laptop.batch(laptop.report("2025-07-01", 1, card_captured=3),
                         laptop.report("2025-07-02", 1, card_captured=5))
    first = post(client, laptop, batch)
    before = counts(hub_db)
    second = post(client, laptop, batch)
    assert first.status_code == second.status_code == 200
    a, b = first.json(), second.json()
    assert a["replayed"] is False and b["replayed"] is True
    a.pop("replayed"), b.pop("replayed")
    assert a == b
    assert counts(hub_db) == before


def test_same_batch_id_other_content_is_409_and_stores_nothing(hub_db, client, laptop):
    from tests.support.hub import post

    batch = laptop.batch(laptop.report("2025-07-01", 1, card_captured=3))
    post(client, laptop, batch)
    before = counts(hub_db)
    other = laptop.batch(laptop.report("2025-07-03", 1, card_captured=7), batch_id=batch.batch_id)
    r = post(client, laptop, other)
    assert r.status_code == 409 and r.json()["field"] == "batch_id"
    assert counts(hub_db) == before
    assert _values(hub_db, day="2025-07-03") == {}


def test_late_data_is_accepted_with_captured_and_received_times(hub_db, client, laptop):
    from tests.support.hub import post

    closed = dt.datetime(2025, 3, 2, 11, 0, tzinfo=dt.UTC)  # closed on the island months ago
    r = laptop.report("2025-03-01", 1, closed_at=closed, card_captured=40,
                      villages={"Thôn Đảo Nam": {"card_captured": 40}})
    s = post(client, laptop, laptop.batch(r)).json()
    assert s["imported"] == 1
    with hub_db.session() as ses:
        row = ses.scalar(select(ReportVillage))
        assert row.closed_at == closed
        assert row.received_at > closed + dt.timedelta(days=30)
        assert "Thôn Đảo Nam" in row.breakdown_json
        assert ses.scalar(select(Batch)).source == "http"


def test_two_revisions_of_one_day_in_one_batch(hub_db, client, laptop):
    from tests.support.hub import post

    s = post(client, laptop, laptop.batch(laptop.report("2025-07-01", 1, card_captured=1),
                                          laptop.report("2025-07-01", 2, card_captured=2))).json()
    assert [x["outcome"] for x in s["results"]] == [protocol.IMPORTED, protocol.UPDATED]
    assert _values(hub_db)["card_captured"] == (2, 2)


def test_targets_endpoint(hub_db, client, laptop):
    from province import admin, offline

    with hub_db.session(write=True) as ses:
        admin.set_target(ses, "22736", "card_captured", 1200, dt.date(2025, 12, 31))
        admin.add_commune(ses, "4", "Phường Ba Đình", "1")
        admin.set_target(ses, "4", "card_captured", 99999, None)
    r = client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"})
    assert r.status_code == 200
    with hub_db.session() as ses:
        hub_key = offline.hub_public_key(ses)  # laptops pin it to check signed files
    assert hub_key
    assert r.json() == {"commune_code": "22736", "commune_name": "Đặc khu Trường Sa", "hub_public_key": hub_key,
                        "targets": [{"indicator": "card_captured", "value": 1200, "deadline": "2025-12-31"}]}
    assert client.get("/api/v1/targets", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_openapi_lists_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/enrol", "/api/v1/batches", "/api/v1/targets", "/api/v1/health", "/dashboard/upload-bundle"):
        assert p in paths
    batches = paths["/api/v1/batches"]["post"]
    assert batches["summary"]
    assert {"200", "400", "401", "403", "409", "413", "422"} <= set(batches["responses"])

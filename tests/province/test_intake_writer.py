"""The intake's writer on both backends: concurrent deliveries of one device and of several, the combined
statements against one statement at a time, and migration 0006 (one store per report) both ways."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from sqlalchemy import func, inspect, select, text

from province import admin, migrations
from province.db import HubDB, create_hub_engine, open_hub
from province.intake import Sender, intake
from province.intake_writer import COPY_FROM_ROWS, IntakeWriter
from province.models import AuditEntry, Batch, CommuneTotal, Device, ReportVillage
from sync import protocol
from sync.protocol import INDICATORS
from tests.support.hub import REPORT_VALUES_0004

DAY0 = dt.date(2025, 7, 1)
POINTS = ("P1", "P2", "P3")


def _setup(db: HubDB, communes: tuple[str, ...], devices: dict[str, str]) -> None:
    now = protocol.utc_now()
    with db.session(write=True) as s:
        for c in communes:
            admin.add_commune(s, c, f"Xã {c}", "56")
        s.flush()
        for dev, c in devices.items():
            s.add(Device(id=dev, commune_code=c, name=f"Máy {dev}", public_key="k", token_hash=f"h{dev}",
                         token_expires_at=now, enrolled_at=now, revoked=False))


def _deliver(db: HubDB, device: str, commune: str, reports: list[protocol.Report]) -> dict:
    batch = protocol.Batch.new(device, commune, reports)
    return intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(device, commune), "test")


def _stored(db: HubDB) -> dict[tuple, tuple]:
    with db.session() as s:
        return {(r.commune_code, r.point_code, r.day, r.device_id): (r.revision, *(getattr(r, i) for i in INDICATORS))
                for r in s.scalars(select(ReportVillage))}


def _totals_match_reports(db: HubDB) -> None:
    with db.session() as s:
        kept = {(c, i): int(v) for c, i, v in s.execute(
            select(CommuneTotal.commune_code, CommuneTotal.indicator, CommuneTotal.value))}
        rv = ReportVillage
        summed = {(c, i): int(v) for c, *sums in s.execute(
            select(rv.commune_code, *(func.sum(getattr(rv, i)) for i in INDICATORS)).group_by(rv.commune_code))
            for i, v in zip(INDICATORS, sums, strict=True)}
    assert {k: v for k, v in kept.items() if v or k in summed} == summed


def _plan(rnd: random.Random, devices: dict[str, str], n_batches: int) -> list[tuple[str, str, list]]:
    """Batches of 1–12 reports (so both the row-by-row and the COPY path run), each (point, day, device)
    given revisions that never repeat, so "highest revision wins" has one answer whatever the order."""
    rev: dict[tuple, int] = {}
    out = []
    for _ in range(n_batches):
        dev = rnd.choice(sorted(devices))
        keys = rnd.sample([(p, DAY0 + dt.timedelta(days=d)) for p in POINTS for d in range(5)], rnd.randint(1, 12))
        reports = []
        for point, day in keys:
            rev[(point, day, dev)] = rev.get((point, day, dev), 0) + 1
            reports.append(protocol.Report(devices[dev], point, day, rev[(point, day, dev)], protocol.utc_now(),
                                           {i: rnd.randint(0, 40) for i in INDICATORS}))
        out.append((dev, devices[dev], reports))
    return out


def test_concurrent_deliveries_keep_every_report_and_total_exact(hub_db: HubDB) -> None:
    """Six threads deliver 48 batches at once, two threads per device for two devices (a bundle and the
    network at the same moment), others for devices without a device row: whatever the interleaving,
    each report holds its highest revision and the running totals equal the sum of the reports."""
    devices = {"dA": "22736", "dB": "22736", "dC": "4", "dX": "4"}  # dX has no device row
    _setup(hub_db, ("22736", "4"), {k: v for k, v in devices.items() if k != "dX"})
    plan = _plan(random.Random(11), devices, 48)
    assert any(len(r) >= COPY_FROM_ROWS for _, _, r in plan) and any(len(r) < COPY_FROM_ROWS for _, _, r in plan)
    want: dict[tuple, tuple] = {}
    for dev, commune, reports in plan:
        for r in reports:
            k = (commune, r.point_code, r.day, dev)
            if k not in want or r.revision > want[k][0]:
                want[k] = (r.revision, *(r.totals[i] for i in INDICATORS))
    lanes = [[b for j, b in enumerate(plan) if j % 6 == n] for n in range(6)]
    errors: list[BaseException] = []

    def run(lane: list) -> None:
        try:
            for dev, commune, reports in lane:
                _deliver(hub_db, dev, commune, reports)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(lane,)) for lane in lanes]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and time.monotonic() - t0 < 120
    assert not errors, errors
    assert _stored(hub_db) == want
    _totals_match_reports(hub_db)
    with hub_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Batch)) == len(plan)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "batch.test")) == 48
        seen = dict(s.execute(select(Device.id, Device.last_seen_at)).all())
    assert seen["dA"] is not None and seen["dB"] is not None and seen["dC"] is not None


@pytest.mark.parametrize("combined", [True, False], ids=["combined", "one-at-a-time"])
def test_both_ways_of_writing_store_the_same(hub_db: HubDB, combined: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The combined statements (PostgreSQL's intake) and one statement at a time (the bench's baseline, and
    what SQLite always does) give the same outcomes and the same stored reports and totals."""
    monkeypatch.setattr(IntakeWriter, "combined", combined)
    devices = {"dA": "22736", "dB": "22736"}
    _setup(hub_db, ("22736",), devices)
    rnd = random.Random(5)
    outcomes = []
    want: dict[tuple, tuple] = {}
    for dev, commune, reports in _plan(rnd, devices, 14):
        if rnd.random() < 0.3:  # the same batch content again under a new id: ignored
            reports = [*reports]
        summary = _deliver(hub_db, dev, commune, reports)
        outcomes.append((summary["imported"], summary["updated"], summary["ignored"], len(summary["conflicts"])))
        again = _deliver(hub_db, dev, commune, reports)  # a resend: every report ignored, nothing changes
        assert (again["imported"], again["updated"], again["ignored"]) == (0, 0, len(reports))
        for r in reports:
            want[(commune, r.point_code, r.day, dev)] = (r.revision, *(r.totals[i] for i in INDICATORS))
    assert sum(o[1] for o in outcomes) > 0 and sum(o[0] for o in outcomes) > 0  # updates and inserts both ran
    assert _stored(hub_db) == want
    _totals_match_reports(hub_db)


def test_migration_0006_drops_the_copy_and_downgrade_rebuilds_it(hub_url: str) -> None:
    """A hub at 0005 with reports: upgrading keeps every report and drops report_values; downgrading
    rebuilds report_values from the reports, value for value."""
    from alembic import command

    engine = create_hub_engine(hub_url)
    now = dt.datetime(2025, 7, 2, 3, 0)
    try:
        migrations.upgrade(engine, "0005_offline")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO communes (code, name, province_code, province_name, active) "
                              "VALUES ('4', 'Ba Đình', '1', 'Hà Nội', :t)"), {"t": True})
            for n, (point, dev) in enumerate((("P1", "dA"), ("P1", "dB"), ("P2", "dA"))):
                common = {"commune_code": "4", "point_code": point, "day": DAY0, "device_id": dev, "revision": 1,
                          "closed_at": now, "received_at": now, "batch_id": f"b{n}"}
                figs = {i: 10 * n + k for k, i in enumerate(INDICATORS)}
                conn.execute(ReportVillage.__table__.insert().values(**common, content_hash="h", breakdown_json="{}",
                                                                     **figs))
                for i in INDICATORS:
                    conn.execute(REPORT_VALUES_0004.insert().values(**common, indicator=i, value=figs[i]))
    finally:
        engine.dispose()
    db = open_hub(hub_url)  # upgrades to head
    try:
        reports = _stored(db)
        assert len(reports) == 3
        with db.engine.connect() as conn:
            assert not inspect(conn).has_table("report_values")
    finally:
        db.close()
    engine = create_hub_engine(hub_url)
    try:
        with engine.begin() as conn:
            command.downgrade(migrations.alembic_config(conn), "0005_offline")
        with engine.connect() as conn:
            rebuilt = {(c, p, d if isinstance(d, str) else d.isoformat(), dev, i): (v, rev) for c, p, d, dev, i, v, rev
                       in conn.execute(text("SELECT commune_code, point_code, day, device_id, indicator, value, "
                                            "revision FROM report_values"))}
        assert rebuilt == {(c, p, d.isoformat(), dev, i): (v, figs[0])
                           for (c, p, d, dev), figs in reports.items()
                           for i, v in zip(INDICATORS, figs[1:], strict=True)}
        migrations.upgrade(engine)  # and up again
    finally:
        engine.dispose()


def _kill_server_connections(db: HubDB) -> int:
    """Terminate every server connection to this database but our own: what the hub's pool meets after a
    PostgreSQL restart or an idle timeout."""
    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        return len(conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall())


def _fill_pool(db: HubDB, n: int) -> None:
    conns = [db.engine.connect() for _ in range(n)]
    for c in conns:
        c.exec_driver_sql("SELECT 1")
        c.close()


def test_lost_server_connections_cost_no_delivery_and_no_page(hub_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pooled connections killed on the server: a delivery taken on a dead one is retried on another and
    stored once; a page asked for after the connections sat idle gets a working one (pinged first)."""
    if not hub_url.startswith("postgresql"):
        pytest.skip("no server connection to lose on SQLite")
    from fastapi.testclient import TestClient

    from province import db as hub_db_module
    from province.app import create_app
    from tests.support.hub import add_user, login

    db = open_hub(hub_url)
    try:
        devices = {"dA": "22736"}
        _setup(db, ("22736",), devices)
        plan = _plan(random.Random(3), devices, 4)
        monkeypatch.setattr(hub_db_module, "PING_AFTER_IDLE_S", 3600.0)  # no ping: the delivery meets the dead
        _deliver(db, *plan[0])
        _fill_pool(db, 3)
        assert _kill_server_connections(db) >= 3
        summary = _deliver(db, *plan[1])
        assert summary["imported"] + summary["updated"] == len(plan[1][2])
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Batch)) == 2

        monkeypatch.setattr(hub_db_module, "PING_AFTER_IDLE_S", 0.0)  # every connection counts as idle
        with TestClient(create_app(db=db)) as client:
            add_user(db, "quan.tri", "admin")
            assert login(client, "quan.tri").status_code == 303
            _fill_pool(db, 3)
            assert _kill_server_connections(db) >= 3
            page = client.get("/")
            assert page.status_code == 200 and "Xã 22736" in page.text
            _deliver(db, *plan[2])
        _totals_match_reports(db)
    finally:
        db.close()

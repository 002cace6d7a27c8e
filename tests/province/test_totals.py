"""The running totals and freshness rows kept by intake always equal a recomputation from the stored
reports, after a random (seeded, bounded) mix of imports, updates, ignored resends and conflicts; the
dashboard's figures for any day equal a direct sum; the migration backfills an existing database."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select

from province import admin, migrations
from province.dashboard import data
from province.db import create_hub_engine, open_hub
from province.intake import Sender, intake
from province.models import CommuneFreshness, CommuneTotal, DeviceFreshness, ReportVillage
from sync import protocol
from sync.protocol import INDICATORS
from tests.support.hub import REPORT_VALUES_0001

COMMUNES = ("22736", "4", "70")
DAY0 = dt.date(2025, 7, 1)


def _recomputed(db):
    with db.session() as s:
        rv = ReportVillage
        totals = {(c, i): int(v) for c, *sums in s.execute(
            select(rv.commune_code, *(func.sum(getattr(rv, i)) for i in INDICATORS)).group_by(rv.commune_code))
            for i, v in zip(INDICATORS, sums, strict=True)}
        fresh = {c: (f, la, r) for c, f, la, r in s.execute(
            select(ReportVillage.commune_code, func.min(ReportVillage.day), func.max(ReportVillage.day),
                   func.max(ReportVillage.received_at)).group_by(ReportVillage.commune_code))}
    return totals, fresh


def _kept(db):
    with db.session() as s:
        totals = {(c, i): int(v) for c, i, v in s.execute(
            select(CommuneTotal.commune_code, CommuneTotal.indicator, CommuneTotal.value))}
        fresh = {c: (f, la, r) for c, f, la, r in s.execute(select(
            CommuneFreshness.commune_code, CommuneFreshness.first_day, CommuneFreshness.last_day,
            CommuneFreshness.last_received_at))}
    return totals, fresh


def _devices(db):
    """device_freshness as kept, and as recomputed from the stored reports."""
    rv, df = ReportVillage, DeviceFreshness
    with db.session() as s:
        kept = {(d, c): (f, la, r) for d, c, f, la, r in s.execute(select(
            df.device_id, df.commune_code, df.first_day, df.last_day, df.last_received_at))}
        want = {(d, c): (f, la, r) for d, c, f, la, r in s.execute(select(
            rv.device_id, rv.commune_code, func.min(rv.day), func.max(rv.day), func.max(rv.received_at))
            .group_by(rv.device_id, rv.commune_code))}
    return kept, want


def _as_of(db, on):
    """Naive per-commune sums and freshness up to `on` (what the dashboard must show)."""
    rv = ReportVillage
    with db.session() as s:
        return {c: ({i: int(v) for i, v in zip(INDICATORS, vals[:5], strict=True)}, vals[5]) for c, *vals in
                s.execute(select(rv.commune_code, *(func.sum(getattr(rv, i)) for i in INDICATORS),
                                 func.max(rv.day)).where(rv.day <= on).group_by(rv.commune_code))}


def test_totals_equal_recomputation_after_random_mix(hub_db):
    rnd = random.Random(20251123)
    with hub_db.session(write=True) as s:
        for c in COMMUNES:
            admin.add_commune(s, c, f"Xã {c}", "56")
    stored: dict[tuple[str, str, dt.date, str], tuple[int, dict[str, int]]] = {}
    outcomes = {"imported": 0, "updated": 0, "ignored": 0, "conflicts": 0}
    for _ in range(40):  # bounded: 40 batches of 1..8 reports
        commune = rnd.choice(COMMUNES)
        device = f"dev{commune}{rnd.choice('abc')}"  # up to three laptops per commune, revisions per device
        reports = []
        for _ in range(rnd.randint(1, 8)):
            point, day = rnd.choice(("P1", "P2")), DAY0 + dt.timedelta(days=rnd.randint(0, 9))
            prev = stored.get((commune, point, day, device))
            totals = {i: rnd.randint(0, 50) for i in INDICATORS}
            kind = rnd.random()
            if prev is None:
                rev = rnd.randint(1, 2)
            elif kind < 0.35:
                rev = prev[0] + rnd.randint(1, 2)  # a correction
            elif kind < 0.6:
                rev, totals = prev  # the same report again → ignored
            elif kind < 0.8:
                rev = prev[0]  # same revision, other figures → conflict (unless equal by chance)
            else:
                rev = max(1, prev[0] - 1)  # older revision → conflict
            reports.append(protocol.Report(commune, point, day, rev, protocol.utc_now(), totals))
            key = (commune, point, day, device)
            if key not in stored or rev > stored[key][0]:
                stored[key] = (rev, totals)
        batch = protocol.Batch.new(device, commune, reports)
        summary = intake(hub_db, batch, protocol.body_hash(protocol.encode_batch(batch)),
                         Sender(device, commune), "test")
        for k in ("imported", "updated", "ignored"):
            outcomes[k] += summary[k]
        outcomes["conflicts"] += len(summary["conflicts"])
        kept_totals, kept_fresh = _kept(hub_db)
        want_totals, want_fresh = _recomputed(hub_db)
        assert {k: v for k, v in kept_totals.items() if k in want_totals} == want_totals
        assert all(v == 0 for k, v in kept_totals.items() if k not in want_totals)
        assert kept_fresh == want_fresh
        kept_devices, want_devices = _devices(hub_db)
        assert kept_devices == want_devices
    assert all(n > 0 for n in outcomes.values()), outcomes  # the mix really had every outcome
    # The model of "highest revision wins" agrees with the store.
    with hub_db.session() as s:
        got = {(c, p, d, dev): (rev, {i: getattr(row, i) for i in INDICATORS})
               for row in s.scalars(select(ReportVillage))
               for c, p, d, dev, rev in [(row.commune_code, row.point_code, row.day, row.device_id, row.revision)]}
    assert got == stored

    # The dashboard, for days inside, before and after the data, equals a direct sum up to that day.
    for on in (DAY0 - dt.timedelta(days=1), DAY0, DAY0 + dt.timedelta(days=4), DAY0 + dt.timedelta(days=20)):
        want = _as_of(hub_db, on)
        with hub_db.session() as s:
            rows = {r.code: r for r in data.province_rows(s, on)}
        for c in COMMUNES:
            if c in want:
                assert rows[c].cumul == want[c][0] and rows[c].last_day == want[c][1], (c, on)
            else:
                assert rows[c].cumul is None and rows[c].last_day is None, (c, on)


def test_migration_backfills_totals(hub_url):
    engine = create_hub_engine(hub_url)
    try:
        migrations.upgrade(engine, "0001_hub")
        now = dt.datetime(2025, 7, 2, 3, 0)
        with engine.begin() as conn:
            conn.execute(insert(admin.Commune.__table__).values(code="4", name="Ba Đình", province_code="1",
                                                                province_name="Hà Nội", active=True))
            for day, n in ((dt.date(2025, 7, 1), 3), (dt.date(2025, 7, 2), 5)):
                common = {"commune_code": "4", "point_code": "P1", "day": day, "revision": 1, "closed_at": now,
                          "received_at": now + dt.timedelta(days=day.day), "batch_id": "b"}
                conn.execute(insert(ReportVillage.__table__).values(
                    **common, content_hash="h", breakdown_json="{}",
                    **{i: (n if i == "card_captured" else 0) for i in INDICATORS}))
                for i in INDICATORS:
                    conn.execute(insert(REPORT_VALUES_0001).values(
                        **common, indicator=i, value=n if i == "card_captured" else 0))
    finally:
        engine.dispose()
    db = open_hub(hub_url)  # upgrades to head
    try:
        totals, fresh = _kept(db)
        assert totals[("4", "card_captured")] == 8 and totals[("4", "no_show")] == 0
        assert fresh["4"][:2] == (dt.date(2025, 7, 1), dt.date(2025, 7, 2))
        assert fresh["4"][2].replace(tzinfo=None) == now + dt.timedelta(days=2)
    finally:
        db.close()

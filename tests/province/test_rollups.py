"""The roll-ups intake keeps (commune_days, commune_months, device_months) always equal a recomputation from
the stored reports, after a seeded random mix of deliveries on a real hub: network batches of 1–12 reports
(on PostgreSQL both the one-statement delivery and the COPY backlog), USB bundles, corrections, resends,
conflicts, several laptops per commune, a laptop held for the admin and then approved; the province table
and the laptops for any day equal a direct sum from the reports. And a kept (cached) province-wide view
follows every new report, also one whose arrival time is older than the latest stored (what made the first
cache stamp miss a report)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import func, select

from province import admin, held
from province.bundle_import import import_bundle
from province.dashboard import data, stamped, trend
from province.db import HubDB
from province.intake_rollups import month_of
from province.models import CommuneDay, CommuneMonth, DeviceMonth, ReportVillage
from sync import protocol, signing
from sync.protocol import INDICATORS
from tests.support.hub import Laptop, enrol_http, make_bundle, post, setup_commune

DAY0 = dt.date(2025, 6, 20)  # the days cross a month's end
COMMUNES = ("22736", "4")


def _kept(db: HubDB) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    with db.session() as s:
        days = {(r.commune_code, r.day): ([getattr(r, i) for i in INDICATORS], r.last_received_at)
                for r in s.scalars(select(CommuneDay))}
        months = {(r.commune_code, r.month): ([getattr(r, i) for i in INDICATORS], r.last_day, r.last_received_at)
                  for r in s.scalars(select(CommuneMonth))}
        devs = {(r.device_id, r.month): (r.commune_code, r.last_day, r.last_received_at)
                for r in s.scalars(select(DeviceMonth))}
    return days, months, devs


def _recomputed(db: HubDB) -> tuple[dict[Any, Any], dict[Any, Any], dict[Any, Any]]:
    days: dict[Any, Any] = {}
    months: dict[Any, Any] = {}
    devs: dict[Any, Any] = {}
    with db.session() as s:
        for r in s.scalars(select(ReportVillage)):
            vals = [getattr(r, i) for i in INDICATORS]
            d = days.setdefault((r.commune_code, r.day), ([0] * len(INDICATORS), r.received_at))
            days[(r.commune_code, r.day)] = ([a + b for a, b in zip(d[0], vals, strict=True)],
                                             max(d[1], r.received_at))
            m = months.setdefault((r.commune_code, month_of(r.day)), ([0] * len(INDICATORS), r.day, r.received_at))
            months[(r.commune_code, month_of(r.day))] = ([a + b for a, b in zip(m[0], vals, strict=True)],
                                                         max(m[1], r.day), max(m[2], r.received_at))
            v = devs.setdefault((r.device_id, month_of(r.day)), (r.commune_code, r.day, r.received_at))
            devs[(r.device_id, month_of(r.day))] = (r.commune_code, max(v[1], r.day), max(v[2], r.received_at))
    return days, months, devs


def _as_of(db: HubDB, on: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """Direct sums from the reports up to `on`: per commune (sums, last day), per device its last day."""
    rv = ReportVillage
    with db.session() as s:
        communes = {c: ({i: int(v) for i, v in zip(INDICATORS, vals[:-1], strict=True)}, vals[-1]) for c, *vals in
                    s.execute(select(rv.commune_code, *(func.sum(getattr(rv, i)) for i in INDICATORS),
                                     func.max(rv.day)).where(rv.day <= on).group_by(rv.commune_code))}
        devices = {d: last for d, last in s.execute(
            select(rv.device_id, func.max(rv.day)).where(rv.day <= on).group_by(rv.device_id))}
    return communes, devices


def _enrol_held(client: Any, db: HubDB, commune: str, restored_from: str) -> Laptop:
    with db.session(write=True) as s:
        code = admin.create_enrolment_code(s, commune)[0]
    priv, pub = signing.generate_keypair()
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": "Máy khôi phục", "public_key": pub,
                                           "enrol_protocol": 2, "restored_from": restored_from})
    assert r.status_code == 200 and r.json().get("held"), r.text
    d = r.json()
    return Laptop(d["device_id"], d["token"], priv, pub, d["commune_code"])


def test_rollups_equal_recomputation_after_a_random_mix(hub_db: HubDB, client: Any) -> None:
    rnd = random.Random(20261206)
    laptops: list[Laptop] = []
    for c in COMMUNES:
        code = setup_commune(hub_db, c, f"Xã {c}")
        laptops.append(enrol_http(client, code, f"Máy 1 {c}"))
        for n in (2, 3):
            with hub_db.session(write=True) as s:
                more = admin.create_enrolment_code(s, c)[0]
            laptops.append(enrol_http(client, more, f"Máy {n} {c}"))
    held_lap = _enrol_held(client, hub_db, COMMUNES[0], laptops[0].device_id)
    stored: dict[tuple[str, str, dt.date], tuple[int, dict[str, int]]] = {}
    outcomes = {"imported": 0, "updated": 0, "ignored": 0, "conflicts": 0}
    before_held = _kept(hub_db)
    r = post(client, held_lap, held_lap.batch(held_lap.report(DAY0, 1, card_captured=7)))
    assert r.status_code == 403 and r.json()["field"] == "held"
    assert _kept(hub_db) == before_held  # nothing of a held laptop is summed

    for step in range(36):  # bounded: 36 deliveries of 1..12 reports
        if step == 18:
            with hub_db.session(write=True) as s:
                held.approve(s, held_lap.device_id)
            laptops.append(held_lap)
        lap = rnd.choice(laptops)
        reports = []
        for _ in range(rnd.choice((1, 1, 2, 3, 9, 12))):
            point, day = rnd.choice(("P1", "P2")), DAY0 + dt.timedelta(days=rnd.randint(0, 19))
            prev = stored.get((lap.device_id, point, day))
            totals = {i: rnd.randint(0, 40) for i in INDICATORS}
            kind = rnd.random()
            if prev is None:
                rev = 1  # (a first revision above 1 on an old-protocol laptop is held: province/held.py)
            elif kind < 0.4:
                rev = prev[0] + 1  # a correction replaces the earlier revision
            elif kind < 0.65:
                rev, totals = prev  # the same again: ignored
            elif kind < 0.85:
                rev = prev[0]  # same revision, other figures: conflict
            else:
                rev = max(1, prev[0] - 1)  # an older revision: conflict
            reports.append(lap.report(day, rev, point, **totals))
            key = (lap.device_id, point, day)
            if key not in stored or rev > stored[key][0]:
                stored[key] = (rev, totals)
        batch = lap.batch(*reports)
        if rnd.random() < 0.3:  # a USB file instead of the network
            summary = import_bundle(hub_db, make_bundle(lap, [batch]))
            summary = summary["batches"][0] if "batches" in summary else summary
        else:
            r = post(client, lap, batch)
            assert r.status_code == 200, r.text
            summary = r.json()
        for k in ("imported", "updated", "ignored"):
            outcomes[k] += summary.get(k, 0)
        outcomes["conflicts"] += len(summary.get("conflicts", ()))
        assert _kept(hub_db) == _recomputed(hub_db), step
    with hub_db.session() as s:  # the first arrival of a day's report is kept, never after the stored ones'
        first = {(r.commune_code, r.day): r.first_received_at for r in s.scalars(select(CommuneDay))}
        for r in s.scalars(select(ReportVillage)):
            assert first[(r.commune_code, r.day)] <= r.received_at
    assert all(n > 0 for n in outcomes.values()), outcomes

    with hub_db.session() as s:
        got = {(r.device_id, r.point_code, r.day): r.revision for r in s.scalars(select(ReportVillage))}
    assert got == {k: v[0] for k, v in stored.items()}
    for on in (DAY0 - dt.timedelta(days=1), DAY0, DAY0 + dt.timedelta(days=10), DAY0 + dt.timedelta(days=11),
               DAY0 + dt.timedelta(days=15), DAY0 + dt.timedelta(days=40)):
        want, want_dev = _as_of(hub_db, on)
        with hub_db.session() as s:
            rows = {r.code: r for r in data.province_rows(s, on)}
        for c in COMMUNES:
            row = rows[c]
            if c in want:
                assert (row.cumul, row.last_day) == want[c], (c, on)
            else:
                assert row.cumul is None and row.last_day is None, (c, on)
            for lap in row.laptops:
                assert lap.last_day == want_dev.get(lap.device_id), (c, on, lap.device_id)


def _series_end(db: HubDB, on: dt.date) -> dict[str, int]:
    with db.session() as s:
        return {c.indicator: c.values[-1] for c in trend.charts(s, on)}


def test_a_kept_view_follows_every_new_report(hub_db: HubDB, client: Any, monkeypatch: Any) -> None:
    assert stamped.KEEP
    code = setup_commune(hub_db)
    lap = enrol_http(client, code)
    on = DAY0 + dt.timedelta(days=2)
    assert post(client, lap, lap.batch(lap.report(DAY0, 1, card_captured=5))).status_code == 200
    assert _series_end(hub_db, on)["card_captured"] == 5
    assert _series_end(hub_db, on)["card_captured"] == 5  # kept: the same answer again
    assert post(client, lap, lap.batch(lap.report(DAY0 + dt.timedelta(days=1), 1, card_captured=4))).status_code == 200
    assert _series_end(hub_db, on)["card_captured"] == 9
    # A delivery whose arrival time is older than the latest stored (it read the clock before another one
    # committed): the old stamp — the latest arrival and the row count of commune_freshness — stayed the same.
    early = protocol.utc_now() - dt.timedelta(hours=1)
    monkeypatch.setattr(protocol, "utc_now", lambda: early)
    assert post(client, lap, lap.batch(lap.report(DAY0, 2, card_captured=8))).status_code == 200
    assert _series_end(hub_db, on)["card_captured"] == 12
    # And the next delivery on time.
    monkeypatch.undo()
    assert post(client, lap, lap.batch(lap.report(DAY0 + dt.timedelta(days=2), 1, card_captured=1))).status_code == 200
    assert _series_end(hub_db, on)["card_captured"] == 13


def test_a_long_backlog_in_one_batch(hub_db: HubDB, client: Any) -> None:
    """A laptop back after months offline: one batch of 240 days (several upserts of the day roll-up, nine
    months), then a correction of some of them; the roll-ups still equal the reports."""
    lap = enrol_http(client, setup_commune(hub_db))
    days = [DAY0 + dt.timedelta(days=n) for n in range(240)]
    r = post(client, lap, lap.batch(*(lap.report(d, 1, card_captured=n % 7, vneid_activated=1)
                                      for n, d in enumerate(days))))
    assert r.status_code == 200 and r.json()["imported"] == 240, r.text
    r = post(client, lap, lap.batch(*(lap.report(d, 2, card_captured=50) for d in days[::20])))
    assert r.status_code == 200 and r.json()["updated"] == 12, r.text
    assert _kept(hub_db) == _recomputed(hub_db)
    with hub_db.session() as s:
        assert len(s.scalars(select(CommuneMonth)).all()) == 9

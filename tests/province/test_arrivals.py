"""The first arrival of each laptop's day by each channel, kept at intake in the report's own transaction on
every write path (SQLite; PostgreSQL's one-statement delivery and its COPY backlog), by the bundle import and
by the day-code entry — and never moved by a later delivery of the same day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from province import offline
from province.bundle_import import import_bundle
from province.db import HubDB
from province.intake_writer import COPY_FROM_ROWS
from province.models import Arrival
from sync import daycode
from tests.support.hub import Laptop, make_bundle, post


def _arrivals(db: HubDB) -> dict[tuple[str, dt.date, str], dt.datetime]:
    with db.session() as s:
        return {(d, day, ch): at for d, day, ch, at in s.execute(
            select(Arrival.device_id, Arrival.day, Arrival.channel, Arrival.first_at))}


def test_each_path_keeps_the_first_arrival(hub_db: HubDB, client, laptop: Laptop) -> None:
    start = dt.date(2026, 3, 1)
    backlog = [laptop.report(start + dt.timedelta(days=i), card_captured=i) for i in range(COPY_FROM_ROWS + 2)]
    assert post(client, laptop, laptop.batch(*backlog)).status_code == 200  # PostgreSQL: the COPY path
    first = _arrivals(hub_db)
    assert set(first) == {(laptop.device_id, r.day, "network") for r in backlog}
    assert all(at.tzinfo is not None for at in first.values())

    one = start + dt.timedelta(days=30)
    assert post(client, laptop, laptop.batch(laptop.report(one, card_captured=1))).status_code == 200
    # A correction and a resend of days already arrived, by network: the first arrival stays.
    fix = laptop.batch(laptop.report(start, revision=2, card_captured=99), laptop.report(one, revision=2))
    assert post(client, laptop, fix).status_code == 200
    now = _arrivals(hub_db)
    assert {k: v for k, v in now.items() if k in first} == first
    assert (laptop.device_id, one, "network") in now

    # The same days by USB: a row per channel, the network's first arrival untouched.
    usb_day = start + dt.timedelta(days=40)
    bundle = make_bundle(laptop, [laptop.batch(laptop.report(start, revision=3), laptop.report(usb_day))])
    import_bundle(hub_db, bundle)
    now = _arrivals(hub_db)
    assert (laptop.device_id, start, "usb") in now and (laptop.device_id, usb_day, "usb") in now
    assert now[(laptop.device_id, start, "network")] == first[(laptop.device_id, start, "network")]

    # A day code: a phone arrival, kept at the first code of the day.
    phone_day = start + dt.timedelta(days=50)
    key = daycode.daycode_key_from_token(laptop.token)
    for rev in (1, 2):
        code = daycode.encode(daycode.DayTotals(laptop.commune_code, "P1", phone_day, rev, {"card_captured": rev}), key)
        with hub_db.session(write=True) as s:
            offline.accept_day_code(s, code)
        if rev == 1:
            phoned = _arrivals(hub_db)[(laptop.device_id, phone_day, "phone")]
    assert _arrivals(hub_db)[(laptop.device_id, phone_day, "phone")] == phoned


def test_upgrade_fills_arrivals_from_what_is_stored(hub_url: str) -> None:
    """A hub at 0009 with reports by network and by bundle and a day code: the upgrade gives each device's
    day its channel and arrival (the stored revision's), so the completeness page has history at once."""
    from sqlalchemy import text

    from province import migrations
    from province.db import create_hub_engine, open_hub

    engine = create_hub_engine(hub_url)
    at = dt.datetime(2026, 3, 2, 8, 0)
    try:
        migrations.upgrade(engine, "0009_login_throttle")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO communes (code, name, province_code, province_name, active) "
                              "VALUES ('22736', 'Trường Sa', '56', 'Khánh Hòa', :t)"), {"t": True})
            for batch, source in (("b-net", "http"), ("b-usb", "bundle")):
                conn.execute(text("INSERT INTO batches (device_id, batch_id, commune_code, body_hash, summary_json, "
                                  "source, received_at) VALUES ('d1', :b, '22736', 'h', '{}', :s, :at)"),
                             {"b": batch, "s": source, "at": at})
            for point, day, batch in (("P1", dt.date(2026, 3, 1), "b-net"), ("P2", dt.date(2026, 3, 1), "b-net"),
                                      ("P1", dt.date(2026, 2, 27), "b-usb")):
                conn.execute(text(
                    "INSERT INTO report_villages (commune_code, point_code, day, device_id, revision, content_hash, "
                    "breakdown_json, closed_at, received_at, batch_id, card_captured, vneid_l2_captured, "
                    "vneid_activated, attended, no_show) VALUES ('22736', :p, :d, 'd1', 1, 'c', '{}', :at, :at, :b, "
                    "1, 0, 0, 0, 0)"), {"p": point, "d": day, "at": at, "b": batch})
            conn.execute(text("INSERT INTO phone_reports (commune_code, point_code, day, device_id, revision, "
                              "totals_json, code, received_at, entered_by) VALUES ('22736', 'P1', :d, 'd1', 1, '{}', "
                              "'x', :at, 'admin')"), {"d": dt.date(2026, 3, 2), "at": at})
    finally:
        engine.dispose()
    db = open_hub(hub_url)  # upgrades to head
    try:
        got = {k: v.replace(tzinfo=None) for k, v in _arrivals(db).items()}
    finally:
        db.close()
    assert got == {("d1", dt.date(2026, 3, 1), "network"): at, ("d1", dt.date(2026, 2, 27), "usb"): at,
                   ("d1", dt.date(2026, 3, 2), "phone"): at}

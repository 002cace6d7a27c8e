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

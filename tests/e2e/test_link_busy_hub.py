"""The laptop's sender backs off on a real hub's 503 and carries every waiting day once the hub is back.

A real hub process on 127.0.0.1 behind the province's reverse proxy (tests/support/maintenance_proxy.py),
which answers 503 with `Retry-After: 30` — its maintenance page — for a simulated hour, then forwards again.
The laptop runs `enrollpoint sync --watch`'s loop (link_watch.run_watch) with the default policy, its sleeps
simulated on a clock; every probe really goes through the proxy. While the hub answers 503 the laptop must
not probe at the 15–30 s cadence of a silent link (that is for a link that is away, not a hub that asks to
slow down): it waits at least the Retry-After, longer after each busy answer up to the 5 min cap, and never
posts a batch. After recovery every closed day is on the hub exactly once, with no 5xx."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from desktop.models import DayReport, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, link_watch
from sync.link_policy import LinkPolicy, Turn
from tests.support.hub import PG_ENV, fresh_pg_database
from tests.support.hub_process import COMMUNE, HubProcess
from tests.support.maintenance_proxy import MaintenanceProxy
from tests.support.tcp_relay import Relay

HOUR = 3600.0
D0 = dt.date(2025, 6, 1)


def _laptop_latest(db: Any) -> dict[tuple[str, str], tuple[int, str]]:
    with db.session() as s:
        return {(r.point_code, r.day.isoformat()): (r.revision, dayclose.report_of(r, COMMUNE).content_hash())
                for r in s.scalars(select(DayReport).order_by(DayReport.revision))}


def test_an_hour_of_503_backs_off_then_every_day_arrives_once(tmp_path: Any, db: Any) -> None:
    hub = HubProcess(tmp_path).start()
    proxy = MaintenanceProxy(hub.port, retry_after=30).start()
    try:
        hub_link.connect(db, proxy.url, hub.enrol_code(), "may-dao")
        with db.session() as s:
            s.add_all([Point(code=f"P{i}", name=f"Điểm {i}") for i in (1, 2, 3)])
            s.flush()
            for i in range(7):  # a week of days waiting
                dayclose.close_day(s, D0 + dt.timedelta(days=i), now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
        proxy.down = True  # the province's maintenance page: 503 + Retry-After for everything
        before = len(proxy.seen)

        clock = {"now": 0.0, "back_at": -1.0}
        turns: list[tuple[float, Turn]] = []
        down_seen: list[Any] = []

        def sleep(seconds: float) -> None:
            clock["now"] += seconds
            if clock["back_at"] < 0 and clock["now"] >= HOUR:
                down_seen.extend(proxy.seen[before:])
                proxy.down = False  # the hub is back
                clock["back_at"] = len(proxy.seen)

        link_watch.run_watch(db, lambda t: turns.append((clock["now"], t)), sleep=sleep, max_turns=500,
                             stop=lambda: clock["back_at"] >= 0 and link_watch.waiting(db) == 0)

        busy = [t for at, t in turns if at < HOUR]
        assert busy and all(t.outcome == "busy" for t in busy), busy[:5]
        assert all(t.wait >= 30.0 for t in busy)  # never sooner than the hub's Retry-After
        assert max(t.wait for t in busy) >= LinkPolicy().cap / 2  # grown towards the cap …
        assert all(t.wait <= LinkPolicy().cap for t in busy)  # … and capped
        assert len(busy) < HOUR / 60, len(busy)  # far fewer than a silent link's probes (≥ 120 an hour)
        assert {s.status for s in down_seen} == {503}
        assert not [s for s in down_seen if s.path.endswith("/batches")]  # the probe said busy: no send tried

        after = proxy.seen[int(clock["back_at"]):]
        first_ok = next(i for i, s in enumerate(after) if s.status < 500)
        assert first_ok <= 1, after[:3]  # at most the one probe that was in flight when the proxy came back
        assert all(s.status < 500 for s in after[first_ok:]), after
        assert link_watch.waiting(db) == 0
        assert hub.rows() == _laptop_latest(db) and len(hub.rows()) == 21  # every day once
        assert sum(t.sent for _, t in turns) == 21
        assert hub.batch_count() == 1  # one request carried the whole backlog
    finally:
        proxy.close()
        hub.stop()


@pytest.fixture
def relayed_pg() -> Iterator[tuple[str, str, Relay]]:
    """A fresh PostgreSQL database reached through a TCP relay that can be cut: (relay URL, direct URL, relay)."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not available: set {PG_ENV} (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        parsed = make_url(url)
        relay = Relay((parsed.host or "127.0.0.1", parsed.port or 5432))
        relay.up()
        try:
            yield parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False), url, relay
        finally:
            relay.down()


def _pg_rows(url: str) -> dict[tuple[str, str], tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT point_code, day, revision, content_hash FROM report_villages "
                                  "WHERE commune_code = :c"), {"c": COMMUNE}).all()
    finally:
        engine.dispose()
    keys = [(p, str(d)) for p, d, _, _ in rows]
    assert len(keys) == len(set(keys)), "a (point, day) stored twice"
    return {(p, str(d)): (rev, h) for p, d, rev, h in rows}


def test_postgresql_away_for_an_hour_the_sender_backs_off_then_every_day_arrives_once(
        tmp_path: Any, db: Any, relayed_pg: tuple[str, str, Relay]) -> None:
    """The db_watch path: the hub process keeps running while its PostgreSQL is cut (relay down); it answers
    the batches 503 + Retry-After; the laptop backs off, and once the database is back every day arrives once
    without a hub restart."""
    relay_url, direct_url, relay = relayed_pg
    hub = HubProcess(tmp_path, db_url=relay_url, commune=COMMUNE).start()
    try:
        hub_link.connect(db, hub.url, hub.enrol_code(), "may-dao")
        with db.session() as s:
            s.add_all([Point(code=f"P{i}", name=f"Điểm {i}") for i in (1, 2, 3)])
            s.flush()
            for i in range(7):
                dayclose.close_day(s, D0 + dt.timedelta(days=i), now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
        relay.down()  # the hub's database goes away; the hub process stays up
        clock = {"now": 0.0, "back": 0.0}
        turns: list[tuple[float, Turn]] = []

        def sleep(seconds: float) -> None:
            clock["now"] += seconds
            if not clock["back"] and clock["now"] >= HOUR:
                assert _pg_rows(direct_url) == {}  # nothing stored while the database was away
                relay.up()
                clock["back"] = 1.0

        link_watch.run_watch(db, lambda t: turns.append((clock["now"], t)), sleep=sleep, max_turns=200,
                             stop=lambda: bool(clock["back"]) and link_watch.waiting(db) == 0)

        away = [t for at, t in turns if at < HOUR]
        assert away and all(t.outcome == "busy" and "503" in t.message for t in away), away[:3]
        assert all(t.wait >= 30.0 for t in away)  # the hub's Retry-After honoured between runs
        assert len(away) < HOUR / 60, len(away)
        assert hub.proc is not None and hub.proc.poll() is None  # no restart needed
        assert link_watch.waiting(db) == 0
        assert _pg_rows(direct_url) == _laptop_latest(db) and len(_laptop_latest(db)) == 21
        assert sum(t.sent for _, t in turns) == 21
    finally:
        hub.stop()

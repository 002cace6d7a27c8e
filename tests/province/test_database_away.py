"""While PostgreSQL cannot be reached the hub answers 503 with Retry-After (the device API, health and the
dashboard), never 500, and logs one line when it goes away and one when it is back; the laptop's batch is
then accepted without a hub restart.

The hub reaches PostgreSQL through a TCP relay on 127.0.0.1 that the test cuts (listener and every open
connection closed, as a stopped server would) and restores, so the shared test server keeps running."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from province.app import create_app
from province.db import open_hub
from tests.support.hub import PG_ENV, enrol_http, fresh_pg_database, post, setup_commune
from tests.support.tcp_relay import Relay


@pytest.fixture
def relayed_pg() -> Iterator[tuple[str, Relay]]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV} (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        parsed = make_url(url)
        relay = Relay((parsed.host or "127.0.0.1", parsed.port or 5432))
        relay.up()
        try:
            yield parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False), relay
        finally:
            relay.down()


def test_database_away_503_retry_after_one_log_line_each_way(relayed_pg: tuple[str, Relay],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    url, relay = relayed_pg
    db = open_hub(url)
    try:
        with TestClient(create_app(db=db)) as client:
            laptop = enrol_http(client, setup_commune(db))
            batch = laptop.batch(laptop.report(dt.date(2025, 7, 1), card_captured=3))
            caplog.set_level(logging.INFO, logger="province.db_watch")
            relay.down()
            for _ in range(3):
                r = post(client, laptop, batch)
                assert r.status_code == 503 and int(r.headers["retry-after"]) > 0, r.text
                assert "unreachable" in r.json()["detail"]
                h = client.get("/api/v1/health")
                assert h.status_code == 503 and "unreachable" in h.json()["detail"]
                assert h.headers["retry-after"]
            page = client.get("/login?next=/", follow_redirects=False)
            assert page.status_code in (200, 503)  # the form needs no database; never a 500
            lines = [r.getMessage() for r in caplog.records if r.name == "province.db_watch"]
            assert len(lines) == 1 and "unreachable" in lines[0], lines
            relay.up()
            assert client.get("/api/v1/health").status_code == 200
            r = post(client, laptop, batch)
            assert r.status_code == 200, r.text
            lines = [r.getMessage() for r in caplog.records if r.name == "province.db_watch"]
            assert len(lines) == 2 and "reachable again" in lines[1], lines
            assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    finally:
        db.close()

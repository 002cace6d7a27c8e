"""A PostgreSQL connection pinged after idling in the pool is handed out outside a transaction: a day's
delivery switches it to autocommit (the one-statement intake), which psycopg refuses inside one. Before the
fix, the first delivery after a quiet spell failed this way (seen by bench/bench_hub_year.py)."""

from __future__ import annotations

from typing import Any

import pytest

from province import db as hub_db_module
from province.db import HubDB
from tests.support.hub import enrol_http, post, setup_commune


def test_a_delivery_after_an_idle_spell(hub_db: HubDB, client: Any, monkeypatch: Any) -> None:
    if hub_db.is_sqlite:
        pytest.skip("the idle ping is PostgreSQL's")
    lap = enrol_http(client, setup_commune(hub_db))
    monkeypatch.setattr(hub_db_module, "PING_AFTER_IDLE_S", 0.0)  # every checkout pings, as after 10 s idle
    for n in range(3):
        with hub_db.engine.connect() as conn:
            assert conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("SELECT 1").scalar() == 1
        r = post(client, lap, lap.batch(lap.report(f"2026-06-0{n + 1}", 1, card_captured=n)))
        assert r.status_code == 200, r.text

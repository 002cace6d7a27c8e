"""Hub fixtures: every test runs on SQLite and, when EP_TEST_PG_URL is set, on PostgreSQL too (each test gets
a fresh database)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from province.app import create_app
from province.db import HubDB, open_hub
from tests.support.hub import PG_ENV, Laptop, add_user, enrol_http, fresh_pg_database, login, setup_commune


@pytest.fixture(params=["sqlite", "postgres"])
def hub_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV} (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        yield url


@pytest.fixture
def hub_db(hub_url: str) -> Iterator[HubDB]:
    db = open_hub(hub_url)
    yield db
    db.close()


@pytest.fixture
def client(hub_db: HubDB) -> Iterator[TestClient]:
    with TestClient(create_app(db=hub_db)) as c:
        yield c


@pytest.fixture
def laptop(hub_db: HubDB, client: TestClient) -> Laptop:
    """An enrolled device of Trường Sa (56 / 22736)."""
    return enrol_http(client, setup_commune(hub_db))


@pytest.fixture
def admin_client(hub_db: HubDB, client: TestClient) -> TestClient:
    """`client`, logged in to the dashboard (real POST /login) as an admin."""
    add_user(hub_db, "quan.tri", "admin")
    assert login(client, "quan.tri").status_code == 303
    return client


@pytest.fixture
def viewer_client(hub_db: HubDB) -> Iterator[TestClient]:
    """A second browser, logged in as a viewer."""
    add_user(hub_db, "xem.thoi", "viewer")
    with TestClient(create_app(db=hub_db)) as c:
        assert login(c, "xem.thoi").status_code == 303
        yield c

"""Login limits counted in the database and the trusted-proxy rule, in process: two app instances
on one database stand for two workers; addresses come from X-Forwarded-For only through a trusted proxy."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from province.app import create_app
from province.db import HubDB
from province.proxy import client_address
from province.settings import HubSettings
from province.throttle import LoginGuard
from tests.support.hub import PASSWORD, add_user, login

HTTPS = "https://testserver"  # another computer's login must come over https (province.transport)

NETS = HubSettings(trusted_proxies="10.0.0.1, 192.168.5.0/24").proxy_networks()


@pytest.mark.parametrize(("peer", "xff", "expected"), [
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy of ours: its header means nothing
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "127.0.0.5, 198.51.100.1", "198.51.100.1"),  # the client's own words on the left: ignored
    ("10.0.0.1", "198.51.100.1, 192.168.5.7", "198.51.100.1"),  # a chain of our proxies
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "not-an-address", "10.0.0.1"),
    ("10.0.0.1", "198.51.100.1, junk, 192.168.5.7", "192.168.5.7"),
])
def test_client_address_from_trusted_proxies_only(peer: str, xff: str, expected: str) -> None:
    assert client_address(peer, xff, NETS) == expected


def test_no_trusted_proxy_by_default_and_a_typo_stops_the_start() -> None:
    assert HubSettings().proxy_networks() == ()
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"
    with pytest.raises(ValidationError):
        HubSettings(trusted_proxies="10.0.0.1, 10.0.0.300")


@pytest.fixture
def two_workers(hub_db: HubDB) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps (as two workers) on one database, both behind the proxy 10.0.0.1."""
    add_user(hub_db)
    settings = HubSettings(trusted_proxies="10.0.0.1")
    https = "https://testserver"  # the browser's side of the TLS proxy (Secure cookies come back)
    with TestClient(create_app(db=hub_db, settings=settings), base_url=https, client=("10.0.0.1", 1)) as a, \
            TestClient(create_app(db=hub_db, settings=settings), base_url=https, client=("10.0.0.1", 1)) as b:
        yield a, b


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}


def test_lockout_counted_by_every_worker(two_workers: tuple[TestClient, TestClient]) -> None:
    a, b = two_workers
    a.headers.update(_from("198.51.100.1"))
    b.headers.update(_from("198.51.100.1"))
    for i in range(5):  # alternate workers: with counts in memory neither would reach 5
        assert login(a if i % 2 else b, password="sai-mat-khau-roi").status_code == 401
    assert login(a).status_code == 401 and login(b).status_code == 401  # locked on both
    b.headers.update(_from("198.51.100.2"))
    r = login(b)
    assert r.status_code == 303  # the owner from another address
    assert "secure" in r.headers["set-cookie"].lower()  # the proxy said https


def test_per_address_limit_counted_by_every_worker(hub_db: HubDB) -> None:
    add_user(hub_db)
    clock = [1_000_000.0]
    apps = [create_app(db=hub_db, login_guard=LoginGuard(capacity=4, rate=0.1, max_failures=100,
                                                          clock=lambda: clock[0])) for _ in range(2)]
    with TestClient(apps[0], base_url=HTTPS, client=("10.0.0.7", 1)) as a, TestClient(apps[1], base_url=HTTPS, client=("10.0.0.7", 1)) as b:
        assert [login(c, password="sai-mat-khau-roi").status_code for c in (a, b, a, b)] == [401] * 4
        r = login(a)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert login(b).status_code == 429
        clock[0] += 10  # one more token for the address, whichever worker spends it
        assert login(b).status_code == 303


def test_many_addresses_guessing_one_account_slow_it_but_never_lock_it(hub_db: HubDB) -> None:
    add_user(hub_db)
    app = create_app(db=hub_db, login_guard=LoginGuard(capacity=100, account_slow_after=3, account_delay=0.6))
    clients = [TestClient(app, base_url=HTTPS, client=(f"10.0.1.{i}", 1)) for i in range(4)]
    with clients[0], clients[1], clients[2], clients[3]:
        t0 = time.perf_counter()
        assert login(clients[0], password="sai-mat-khau-roi").status_code == 401
        fast = time.perf_counter() - t0
        for c in clients[1:3]:
            assert login(c, password="sai-mat-khau-roi").status_code == 401
        t0 = time.perf_counter()
        assert login(clients[3], password=PASSWORD).status_code == 303  # the owner: slowed, not refused
        assert time.perf_counter() - t0 >= 0.6 > fast

"""Plain HTTP only where nobody else listens: a login over http from another computer is refused (directly or
through a trusted proxy that says http), over https it is accepted with a Secure cookie; `serve` refuses a
network address over plain HTTP unless a trusted TLS proxy is configured; /docs (a CDN page) is off unless
ENROLLPOINT_HUB_API_DOCS is set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient

from province.app import create_app
from province.db import HubDB
from province.settings import HubSettings
from tests.support.hub import PASSWORD, add_user, login
from tests.support.hub_process import REPO, free_port
from tests.support.tls import make_pki

FAR = ("203.0.113.5", 40000)  # another computer on the network (TEST-NET-3)


@pytest.fixture
def user(hub_db: HubDB) -> HubDB:
    add_user(hub_db, "quan.tri", "admin")
    return hub_db


def _client(db: HubDB, *, base: str, client: tuple[str, int], settings: HubSettings | None = None) -> TestClient:
    return TestClient(create_app(db=db, settings=settings or HubSettings()), base_url=base, client=client)


def test_a_login_over_plain_http_from_another_computer_is_refused_with_words(user: HubDB) -> None:
    with _client(user, base="http://hub.tinh.vn", client=FAR) as c:
        r = login(c, "quan.tri", PASSWORD)
        assert r.status_code == 403, r.text
        assert "http thường" in r.text and "https://" in r.text
        assert "ep_hub_session" not in r.headers.get("set-cookie", "")
        # a one-time login link is not spent over plain http either
        assert c.get("/login/link/whatever", follow_redirects=False).status_code == 403


def test_over_https_the_same_computer_logs_in_with_a_secure_cookie(user: HubDB) -> None:
    with _client(user, base="https://hub.tinh.vn", client=FAR) as c:
        r = login(c, "quan.tri", PASSWORD)
        assert r.status_code == 303, r.text
        cookie = r.headers["set-cookie"]
        assert "ep_hub_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie


def test_on_this_computer_plain_http_stays_allowed(user: HubDB) -> None:
    with _client(user, base="http://127.0.0.1:8765", client=("127.0.0.1", 40000)) as c:
        assert login(c, "quan.tri", PASSWORD).status_code == 303


def test_through_a_trusted_proxy_the_forwarded_scheme_decides(user: HubDB) -> None:
    proxy = HubSettings(trusted_proxies="10.0.0.2")
    # (the test client's jar sends the Secure pre-login cookie only to an https base: the proxy's side)
    with _client(user, base="https://hub.internal", client=("10.0.0.2", 40000), settings=proxy) as c:
        c.headers.update({"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "http"})
        r = login(c, "quan.tri", PASSWORD)
        assert r.status_code == 403 and "http thường" in r.text
    with _client(user, base="https://hub.internal", client=("10.0.0.2", 40000), settings=proxy) as c:
        c.headers.update({"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"})
        r = login(c, "quan.tri", PASSWORD)
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    # the same headers from an untrusted peer prove nothing: plain http from another computer
    with _client(user, base="http://hub.internal", client=("10.0.0.9", 40000), settings=proxy) as c:
        c.headers.update({"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https"})
        r = login(c, "quan.tri", PASSWORD)
        assert r.status_code == 403 and "http thường" in r.text


def test_api_docs_are_off_by_default_and_on_when_asked(hub_db: HubDB) -> None:
    with TestClient(create_app(db=hub_db, settings=HubSettings())) as c:
        assert c.get("/docs").status_code == 404 and c.get("/redoc").status_code == 404
        assert c.get("/openapi.json").status_code == 200
    with TestClient(create_app(db=hub_db, settings=HubSettings(api_docs=True))) as c:
        page = c.get("/docs")
        assert page.status_code == 200 and "swagger" in page.text.lower()


def _serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
           timeout: float = 30) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "ENROLLPOINT_HUB_DATA_DIR": str(tmp_path), **(env or {})}
    return subprocess.run([sys.executable, "-m", "province.cli", "--db", str(tmp_path / "hub.db"), "serve", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO, env=full)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_refuses_plain_http_on_a_network_address(tmp_path: Path, host: str) -> None:
    done = _serve(tmp_path, "--host", host, "--port", "1")
    assert done.returncode == 2, done.stderr
    assert "HTTP thường" in done.stderr and "ENROLLPOINT_HUB_TRUSTED_PROXIES" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    en = _serve(tmp_path, "--host", host, "--port", "1", "--lang", "en")
    assert en.returncode == 2 and "Refusing to serve plain HTTP" in en.stderr


def test_serve_wants_both_halves_of_its_own_certificate(tmp_path: Path) -> None:
    done = _serve(tmp_path, "--host", "0.0.0.0", "--ssl-certfile", str(tmp_path / "c.pem"))
    assert done.returncode == 2 and "--ssl-keyfile" in done.stderr


def test_serve_behind_a_declared_proxy_starts_on_a_network_address(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ENROLLPOINT_HUB_DATA_DIR": str(tmp_path), "ENROLLPOINT_HUB_TRUSTED_PROXIES": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, "-m", "province.cli", "--db", str(tmp_path / "hub.db"), "serve",
                             "--host", "0.0.0.0", "--port", str(port), "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    try:
        deadline, answered = time.monotonic() + 40, False
        while time.monotonic() < deadline and not answered and proc.poll() is None:
            try:
                answered = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200
            except requests.RequestException:
                time.sleep(0.2)
        assert answered, proc.stdout.read().decode(errors="replace") if proc.poll() is not None and proc.stdout else ""
    finally:
        proc.terminate()
        proc.wait(20)


def test_serve_with_its_own_certificate_answers_https_on_a_network_address(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    port = free_port()
    env = {**os.environ, "ENROLLPOINT_HUB_DATA_DIR": str(tmp_path)}
    env.pop("ENROLLPOINT_HUB_TRUSTED_PROXIES", None)
    proc = subprocess.Popen([sys.executable, "-m", "province.cli", "--db", str(tmp_path / "hub.db"), "serve",
                             "--host", "0.0.0.0", "--port", str(port), "--no-access-log",
                             "--ssl-certfile", str(pki.cert), "--ssl-keyfile", str(pki.key)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    try:
        deadline, answer = time.monotonic() + 40, None
        while time.monotonic() < deadline and answer is None and proc.poll() is None:
            try:
                answer = requests.get(f"https://127.0.0.1:{port}/login", timeout=2, verify=str(pki.ca),
                                      headers={"Connection": "close"})  # nothing left open at the stop
            except requests.exceptions.SSLError:
                raise
            except requests.RequestException:
                time.sleep(0.2)
        assert answer is not None and answer.status_code == 200
        assert "Secure" in answer.headers["set-cookie"]  # https reached the hub itself
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode(errors="replace")
    assert f"https://0.0.0.0:{port}" in out


@pytest.fixture(autouse=True)
def _no_inherited_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("ENROLLPOINT_HUB_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("ENROLLPOINT_HUB_API_DOCS", raising=False)
    yield

"""Login protection with 4 real uvicorn workers behind a real nginx on 127.0.0.1: the lockout and
the per-address limit are counted in the database, so every worker sees the same counts; the client's
address is the one nginx forwards (the hub trusts 127.0.0.1 as its proxy), so a stranger's guesses lock
only the stranger's address out of the account, even when the stranger writes a false X-Forwarded-For.

Clients get distinct addresses by connecting to nginx from 127.0.0.2, 127.0.0.3, … (all loopback)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from province.db import open_hub
from tests.support.hub import PASSWORD, add_user
from tests.support.hub_process import REPO, free_port
from tests.support.served import stop, wait_ok

WORKERS = 4


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None)


class _From(HTTPAdapter):
    """Connect from a given loopback address (nginx sees it as $remote_addr)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(source: str) -> requests.Session:
    s = requests.Session()
    s.mount("http://", _From(source))
    return s


def login(s: requests.Session, base: str, password: str, name: str = "quan.tri",
          headers: dict[str, str] | None = None) -> int:
    m = re.search(r'name="csrf" value="([^"]*)"', s.get(f"{base}/login", timeout=10).text)
    assert m, "no login form"
    r = s.post(f"{base}/login", data={"name": name, "password": password, "next": "/", "csrf": m.group(1)},
               headers=headers, allow_redirects=False, timeout=30)
    return r.status_code




NGINX_CONF = """worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{hub_port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture
def proxied_hub(hub_url: str, tmp_path: Path) -> Iterator[str]:
    """`serve --workers 4` trusting 127.0.0.1, behind nginx; yields nginx's base URL."""
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (bash scripts/system-deps.sh installs it)")
    db = open_hub(hub_url)
    add_user(db)
    db.close()
    hub_port, port = free_port(), free_port()
    hub_log = tmp_path / "hub.log"
    env = {**os.environ, "ENROLLPOINT_HUB_TRUSTED_PROXIES": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    with open(hub_log, "wb") as out:
        hub = subprocess.Popen([sys.executable, "-m", "province.cli", "--db", hub_url, "serve", "--port",
                                str(hub_port), "--workers", str(WORKERS), "--log-level", "warning",
                                "--no-access-log"], stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env)
    proxy = None
    try:
        wait_ok(f"http://127.0.0.1:{hub_port}/api/v1/health", hub, hub_log)
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, hub_port=hub_port))
        nginx_log = tmp_path / "nginx.out"
        with open(nginx_log, "wb") as out:
            proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "nginx-error.log")],
                                     stdout=out, stderr=subprocess.STDOUT)
        wait_ok(f"http://127.0.0.1:{port}/api/v1/health", proxy, nginx_log, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proxy is not None:
            stop(proxy)
        stop(hub)
    log = hub_log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_lockout_holds_across_workers_and_a_stranger_cannot_lock_the_owner_out(proxied_hub: str) -> None:
    base = proxied_hub
    stranger, owner = browser("127.0.0.2"), browser("127.0.0.3")
    for _ in range(5):
        assert login(stranger, base, "sai-mat-khau-roi") == 401
    for _ in range(4):  # the right password from that address: refused, whichever worker answers
        assert login(stranger, base, PASSWORD) == 401
    assert login(owner, base, PASSWORD) == 303  # the owner, from another address, gets in

    # A stranger writing the owner's address in X-Forwarded-For: nginx appends the real one, the hub
    # reads the chain from the right and blames the real address.
    liar, owner_at_home = browser("127.0.0.4"), browser("127.0.0.5")
    for _ in range(5):
        assert login(liar, base, "sai-mat-khau-roi", headers={"X-Forwarded-For": "127.0.0.5"}) == 401
    assert login(liar, base, PASSWORD, headers={"X-Forwarded-For": "127.0.0.5"}) == 401
    assert login(owner_at_home, base, PASSWORD) == 303


def test_per_address_limit_answers_429_at_the_configured_count_across_workers(proxied_hub: str) -> None:
    """10 attempts per address, then one per 6 s (the default), counted by all 4 workers together."""
    flood = browser("127.0.0.6")
    statuses = []
    t0 = time.monotonic()
    for _ in range(20):
        statuses.append(login(flood, proxied_hub, "sai-mat-khau-roi", name="khong.co.ai"))
        if statuses[-1] == 429:
            break
    elapsed = time.monotonic() - t0
    assert statuses[-1] == 429, statuses
    allowed = len(statuses) - 1
    assert 10 <= allowed <= 10 + int(elapsed / 6), (statuses, elapsed)
    assert login(browser("127.0.0.7"), proxied_hub, PASSWORD) == 303  # another address is not limited

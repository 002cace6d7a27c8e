"""The documented production deployment, run as written: the systemd unit of deploy/ (checked by
`systemd-analyze verify`, then its ExecStartPre and ExecStart command lines run for real: 4 workers, on SQLite
and on PostgreSQL), behind
the nginx site of deploy/ with TLS from a throw-away province CA (tests/support/tls.py), HSTS and Secure
cookies; and a laptop (real CLI subprocesses, own data dir and keyring) that is told the certificate is not
trusted until it pins the province CA with `connect --ca-file`, then connects and sends through the proxy,
also after a restart with the CA file copy gone from its data folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from common import idnumber
from tests.support.clis import stored
from tests.support.hub import PASSWORD, PG_ENV, fresh_pg_database
from tests.support.hub_process import COMMUNE, REPO, free_port, hub_cli
from tests.support.served import stop, wait_ok
from tests.support.tls import Pki, make_pki

pytestmark = pytest.mark.slow
UNIT = REPO / "deploy" / "enrollpoint-hub.service"
SITE = REPO / "deploy" / "nginx-enrollpoint-hub.conf"
ENV_FILE = REPO / "deploy" / "hub.env.example"
UNIT_BIN = "/opt/enrollpoint-hub/venv/bin/"
BIN = str(Path(sys.executable).parent) + "/"
DAY = dt.date(2026, 11, 20)
UNTRUSTED = "Chứng chỉ của máy chủ tỉnh không được tin cậy"


def _nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None)


def unit_values(text: str, section: str, key: str) -> list[str]:
    """Every value of `key` in `[section]` (systemd allows a key more than once)."""
    out, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and "=" in line:
            k, v = line.split("=", 1)
            if k.strip() == key:
                out.append(v.strip())
    return out


def _local_unit(tmp: Path, env_file: Path) -> Path:
    """The unit with the venv and env file of this machine (nothing else changed)."""
    text = UNIT.read_text(encoding="utf-8")
    assert UNIT_BIN in text and "/etc/enrollpoint-hub/hub.env" in text
    unit = tmp / "enrollpoint-hub.service"
    unit.write_text(text.replace(UNIT_BIN, BIN).replace("/etc/enrollpoint-hub/hub.env", str(env_file)))
    return unit


def test_the_unit_passes_systemd_analyze_verify_and_is_hardened(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (bash scripts/system-deps.sh installs systemd)")
    env_file = tmp_path / "hub.env"
    env_file.write_text(ENV_FILE.read_text(encoding="utf-8"))
    unit = _local_unit(tmp_path, env_file)
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and unit.name not in done.stderr, done.stderr  # warnings name the file
    security = subprocess.run([analyze, "security", "--offline=true", str(unit)], capture_output=True, text=True,
                              timeout=60)
    level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout + security.stderr)
    assert level and float(level.group(1)) <= 2.0, security.stdout[-2000:]
    # the check would catch a typo (a misspelt option is only a warning, so the warnings are read)
    bad = tmp_path / "bad.service"
    bad.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSytem=strict"))
    done = subprocess.run([analyze, "verify", str(bad)], capture_output=True, text=True, timeout=60)
    assert "ProtectSytem" in done.stderr


@dataclass
class Deployment:
    https: str
    http: str
    pki: Pki
    db_url: str




def _site(tmp: Path, pki: Pki, http_port: int, https_port: int, hub_port: int) -> Path:
    """deploy/nginx-enrollpoint-hub.conf with this test's addresses, certificate and upstream port, inside a
    minimal nginx.conf (temp folders of its own)."""
    site = SITE.read_text(encoding="utf-8")
    swaps = {"listen 80;": f"listen 127.0.0.1:{http_port};",
             "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
             "/etc/enrollpoint-hub/tls/hub.crt": str(pki.cert), "/etc/enrollpoint-hub/tls/hub.key": str(pki.key),
             "server 127.0.0.1:8765;": f"server 127.0.0.1:{hub_port};"}
    for old, new in swaps.items():
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # no IPv6 needed on 127.0.0.1
    conf = tmp / "nginx.conf"
    temp = " ".join(f"{k}_temp_path {tmp}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text(f"worker_processes 1;\ndaemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log warn;\n"
                    f"events {{ worker_connections 128; }}\nhttp {{\naccess_log off;\n{temp}\n{site}\n}}\n")
    return conf


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    nginx = _nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (bash scripts/system-deps.sh installs it)")
    tmp = tmp_path_factory.mktemp("deploy")
    if request.param == "sqlite":
        yield from _deployment(nginx, tmp, f"sqlite:///{tmp / 'hub.db'}")
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV} (bash scripts/ci-postgres.sh prints a URL)")
    with fresh_pg_database(base) as url:
        yield from _deployment(nginx, tmp, url)


def _deployment(nginx: str, tmp: Path, db_url: str) -> Iterator[Deployment]:
    """The unit's commands with hub.env.example's settings (database and data folder swapped) behind the site."""
    pki = make_pki(tmp / "pki")
    hub_port, http_port, https_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENROLLPOINT_HUB_")}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():  # the documented settings, as systemd reads them
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    assert env["ENROLLPOINT_HUB_TRUSTED_PROXIES"] == "127.0.0.1"
    env.update(ENROLLPOINT_HUB_DB=db_url, ENROLLPOINT_HUB_DATA_DIR=str(tmp / "state"),
               PYTHONUNBUFFERED="1")
    unit = UNIT.read_text(encoding="utf-8")
    (pre,), (start,) = unit_values(unit, "Service", "ExecStartPre"), unit_values(unit, "Service", "ExecStart")
    assert start.count("--port 8765") == 1 and "--workers 4" in start and "--host 127.0.0.1" in start

    def argv(line: str) -> list[str]:
        return shlex.split(line.replace(UNIT_BIN, BIN).replace("--port 8765", f"--port {hub_port}"))

    done = subprocess.run(argv(pre), capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    hub_cli(db_url, "commune", "add", COMMUNE, "Đặc khu Trường Sa", "--province", "56")
    subprocess.run([BIN + "enrollpoint-hub", "--db", db_url, "user", "add", "quan.tri", "--role",
                    "admin"], check=True, capture_output=True, timeout=60, env={**env, "ENROLLPOINT_HUB_PASSWORD": PASSWORD})
    hub_log, nginx_log = tmp / "hub.log", tmp / "nginx.out"
    with open(hub_log, "wb") as out:
        hub = subprocess.Popen(argv(start), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    proxy = None
    try:
        wait_ok(f"http://127.0.0.1:{hub_port}/api/v1/health", hub, hub_log)
        conf = _site(tmp, pki, http_port, https_port, hub_port)
        with open(nginx_log, "wb") as out:
            proxy = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "nginx-error.log")],
                                     stdout=out, stderr=subprocess.STDOUT)
        wait_ok(f"https://127.0.0.1:{https_port}/api/v1/health", proxy, tmp / "nginx-error.log", verify=str(pki.ca),
              timeout=20)
        yield Deployment(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", pki, db_url)
    finally:
        if proxy is not None:
            stop(proxy)
        stop(hub)
    log = hub_log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_tls_proxy_sends_hsts_and_the_session_cookie_is_secure(deployment: Deployment) -> None:
    browser, ca = requests.Session(), str(deployment.pki.ca)  # verify per request: the session's loses to the env
    form = browser.get(f"{deployment.https}/login", timeout=10, verify=ca)
    assert form.status_code == 200
    hsts = form.headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=(\d+)", hsts) and int(hsts.split("=")[1]) >= 31536000, hsts
    csrf = re.search(r'name="csrf" value="([^"]*)"', form.text)
    assert csrf
    r = browser.post(f"{deployment.https}/login", data={"name": "quan.tri", "password": PASSWORD, "next": "/",
                                                         "csrf": csrf.group(1)}, allow_redirects=False, timeout=30,
                     verify=ca)
    assert r.status_code == 303, r.text[:500]
    cookie = r.headers["Set-Cookie"]
    assert "ep_hub_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" in r.headers
    assert browser.get(f"{deployment.https}/", timeout=10, verify=ca).status_code == 200  # the dashboard, signed in
    plain = requests.get(f"{deployment.http}/login", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    assert requests.get(f"{deployment.https}/docs", verify=str(deployment.pki.ca), timeout=10).status_code == 404
    with pytest.raises(requests.exceptions.SSLError):  # the system's CAs do not know the province's
        requests.get(f"{deployment.https}/api/v1/health", timeout=10, verify=True)


class Laptop:
    """One machine: its data dir and its keyring; every call is a new CLI process (a restart each time)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.env = {**os.environ, "ENROLLPOINT_DATA_DIR": str(self.data), "XDG_DATA_HOME": str(root / "xdg-data"),
                    "XDG_CONFIG_HOME": str(root / "xdg-config"),
                    "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "PYTHONPATH": str(REPO)}
        for proxy in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):  # only what the laptop pins
            self.env.pop(proxy, None)
        self.serial = 0

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                              timeout=120, cwd=REPO, env=self.env)

    def ok(self, *args: str) -> str:
        out = self.run(*args)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        return out.stdout

    def close_a_day(self, day: dt.date) -> None:
        """One more citizen, a card captured at TRUSO on `day`, and the day closed."""
        self.serial += 1
        number = idnumber.make("056", 1990, "M", 424000 + self.serial)
        csv = self.root / f"ds-{self.serial}.csv"
        csv.write_text('STT,Họ và tên,"Ngày, tháng, năm sinh",Giới tính,Số CCCD,Thôn/Tổ dân phố,SĐT\r\n'
                       f"1,Nguyễn Văn An,01/01/1990,Nam,{number},Thôn Đông,\r\n", encoding="utf-8")
        self.ok("import", str(csv))
        self.ok("event", number, "card_captured", "--point", "TRUSO", "--at", f"{day.isoformat()}T09:00")
        self.ok("close-day", "--date", day.isoformat())


def _code(deployment: Deployment) -> str:
    return str(json.loads(hub_cli(deployment.db_url, "--json", "enrol-code", COMMUNE))["code"])


def _stored(deployment: Deployment) -> int:
    return sum(1 for row in stored(deployment.db_url))


def test_a_laptop_pins_the_province_ca_and_sends_through_the_tls_proxy(deployment: Deployment,
                                                                       tmp_path: Path) -> None:
    lap = Laptop(tmp_path / "laptop")
    lap.ok("init", "--commune-code", COMMUNE)
    code = _code(deployment)
    refused = lap.run("connect", "--hub", deployment.https, "--code", code, "--name", "May 1")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert UNTRUSTED in refused.stderr and "--ca-file" in refused.stderr and "Traceback" not in refused.stderr
    assert "mất mạng" not in refused.stderr  # not the network's fault

    # a file that is not a certificate is refused with words, nothing pinned
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    bad = lap.run("connect", "--hub", deployment.https, "--code", code, "--ca-file", str(junk))
    assert bad.returncode == 2 and "không chứa chứng chỉ" in bad.stderr

    # the code was not spent by the refusals: the same code with the province's CA
    info = json.loads(lap.ok("connect", "--hub", deployment.https, "--code", code, "--name", "May 1",
                             "--ca-file", str(deployment.pki.ca), "--json"))
    assert info["commune_code"] == COMMUNE and info["hub_url"] == deployment.https

    lap.close_a_day(DAY)
    sent = json.loads(lap.ok("sync", "--json"))
    assert sent["sent"] >= 1 and not sent.get("error"), sent
    assert _stored(deployment) >= 1

    # a restart with the CA's file copy gone: the pin lives in the database and is written again
    copies = list(lap.data.glob("hub-ca-*.pem"))
    assert copies and copies[0].read_text() == deployment.pki.ca.read_text()
    for copy in copies:
        copy.unlink()
    before = _stored(deployment)
    lap.close_a_day(DAY + dt.timedelta(days=1))
    again = json.loads(lap.ok("sync", "--json"))
    assert again["sent"] >= 1 and not again.get("error"), again
    assert _stored(deployment) > before

    # the province renews its CA and the laptop holds the old one: sending names the certificate, keeps the
    # reports; `connect --ca-file` alone pins the new one for the connected hub and the send goes through
    other = make_pki(tmp_path / "other-ca", ca_name="Another CA")
    pinned = json.loads(lap.ok("connect", "--ca-file", str(other.ca), "--json"))
    assert pinned["ca_for"] == deployment.https and pinned["certificates"] == "1"
    lap.close_a_day(DAY + dt.timedelta(days=2))
    failed = lap.run("sync")
    assert UNTRUSTED in failed.stdout + failed.stderr and "Traceback" not in failed.stderr
    stuck = _stored(deployment)
    lap.ok("connect", "--ca-file", str(deployment.pki.ca))
    assert json.loads(lap.ok("sync", "--json"))["sent"] >= 1 and _stored(deployment) > stuck

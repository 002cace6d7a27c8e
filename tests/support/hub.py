"""Helpers for the hub tests: fresh databases on SQLite and PostgreSQL, enrolled devices, signed batches,
and a real hub process on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gzip
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, column, func, select, table

from province import admin
from province.db import HubDB
from province.models import AuditEntry, Batch, Device, EnrolmentCode, ReportVillage
from sync import protocol, signing
from sync.protocol import INDICATORS
from tests.support.hub_process import REPO, HubProcess, free_port  # noqa: F401 - re-exported

PG_ENV = "EP_TEST_PG_URL"


# -- databases ----------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_pg_database(base_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"ep_hub_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# report_values as revisions 0001–0005 had it (0004 added device_id; 0006 dropped the table): for tests that
# build a hub database at an old revision.
_REPORT_VALUES_COLS = (column("commune_code", String), column("point_code", String), column("day", Date),
                       column("indicator", String), column("value", Integer), column("revision", Integer),
                       column("closed_at", DateTime), column("received_at", DateTime), column("batch_id", String))
REPORT_VALUES_0001 = table("report_values", *_REPORT_VALUES_COLS)
REPORT_VALUES_0004 = table("report_values", *(column(c.name, c.type) for c in _REPORT_VALUES_COLS),
                           column("device_id", String))


def counts(db: HubDB) -> dict[str, int]:
    """Row counts of every table a delivery could write to."""
    with db.session() as s:
        return {m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (Batch, ReportVillage, AuditEntry, Device, EnrolmentCode)}


# -- devices and batches ------------------------------------------------------------------------------

@dataclass
class Laptop:
    device_id: str
    token: str
    private_key: str
    public_key: str
    commune_code: str

    def headers(self, body: bytes, *, token: str | None = None, device: str | None = None,
                signature: str | None = None) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token if token is not None else self.token}",
            protocol.HEADER_DEVICE: device if device is not None else self.device_id,
            protocol.HEADER_SIGNATURE: signature if signature is not None else signing.sign(self.private_key, body),
            "Content-Encoding": "gzip",
            "Content-Type": "application/json",
        }

    def report(self, day: dt.date | str, revision: int = 1, point: str = "P1", closed_at: dt.datetime | None = None,
               villages: dict[str, dict[str, int]] | None = None, **totals: int) -> protocol.Report:
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return protocol.Report(self.commune_code, point, day, revision, closed_at or protocol.utc_now(),
                               dict(totals), villages or {})

    def batch(self, *reports: protocol.Report, batch_id: str | None = None) -> protocol.Batch:
        b = protocol.Batch.new(self.device_id, self.commune_code, list(reports))
        if batch_id:
            b = protocol.Batch(batch_id, b.device_id, b.commune_code, b.created_at, b.reports)
        return b


def setup_commune(db: HubDB, code: str = "22736", name: str = "Đặc khu Trường Sa", province: str = "56") -> str:
    with db.session(write=True) as s:
        admin.add_commune(s, code, name, province)
        enrol_code, _ = admin.create_enrolment_code(s, code)
    return enrol_code


def enrol_http(client: Any, code: str, name: str = "Laptop xã") -> Laptop:
    priv, pub = signing.generate_keypair()
    r = client.post("/api/v1/enrol", json={"code": code, "device_name": name, "public_key": pub})
    assert r.status_code == 200, r.text
    d = r.json()
    return Laptop(d["device_id"], d["token"], priv, pub, d["commune_code"])


def post(client: Any, laptop: Laptop, batch: protocol.Batch, **hdr: Any) -> Any:
    body = protocol.encode_batch(batch)
    return client.post("/api/v1/batches", content=protocol.gzip_body(body), headers=laptop.headers(body, **hdr))


def make_bundle(laptop: Laptop, batches: list[protocol.Batch], sign_with: str | None = None) -> bytes:
    """A bundle file exactly as sync.protocol describes it (the laptop side writes the same)."""
    items = []
    for b in batches:
        body = protocol.encode_batch(b)
        items.append({"body": base64.b64encode(body).decode(),
                      "signature": signing.sign(sign_with or laptop.private_key, body)})
    doc = {"format": protocol.BUNDLE_FORMAT, "version": protocol.BUNDLE_VERSION, "device_id": laptop.device_id,
           "commune_code": laptop.commune_code, "created_at": protocol.iso(protocol.utc_now()), "batches": items}
    return gzip.compress(protocol.canonical_json(doc), mtime=0)


# -- a real hub process -------------------------------------------------------------------------------

@contextlib.contextmanager
def hub_process(db_url: str, log_path: Path) -> Iterator[str]:
    """`python -m province.cli --db URL serve --port N` as a real process; yields its base URL."""
    with hub_proc(db_url, log_path) as (base, _proc):
        yield base


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size (VmHWM) of a live process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@contextlib.contextmanager
def hub_proc(db_url: str, log_path: Path, access_log: bool = False) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like hub_process, also yielding the process (for /proc/PID/status); `access_log` turns uvicorn's
    access log on at level info."""
    with HubProcess(log_path.parent, db_url=db_url, commune=None, log=log_path, access_log=access_log) as hub:
        assert hub.proc is not None
        yield hub.url, hub.proc


def _values_for(db: HubDB) -> list[tuple[Any, ...]]:
    """Every stored figure as (commune, point, day, indicator, value, revision, received at), to prove
    nothing changed."""
    rv = ReportVillage
    with db.session() as s:
        rows = s.execute(select(rv.commune_code, rv.point_code, rv.day, rv.revision, rv.received_at,
                                *(getattr(rv, i) for i in INDICATORS))).all()
    return sorted((c, p, d, ind, v, rev, at) for c, p, d, rev, at, *vals in rows
                  for ind, v in zip(INDICATORS, vals, strict=True))


# -- dashboard accounts -------------------------------------------------------------------------------

PASSWORD = "mật-khẩu-thử-123"  # ≥ 10 characters, not ASCII on purpose


def add_user(db: HubDB, name: str = "quan.tri", role: str = "admin", password: str = PASSWORD) -> None:
    from province import auth

    with db.session(write=True) as s:
        auth.add_user(s, name, password, role)


def login_token(client: Any) -> str:
    """GET /login as a browser would: the pre-login cookie lands in the jar, the form's CSRF token is returned
    ("" from a hub without one)."""
    import re

    jar = client.cookies.jar
    saved = [c for c in jar if c.name == "ep_hub_session"]
    for c in saved:  # a signed-in browser is sent on from /login: look at the form as a new one
        jar.clear(c.domain, c.path, c.name)
    try:
        m = re.search(r'name="csrf" value="([^"]*)"', client.get("/login", follow_redirects=False).text)
    finally:
        for c in saved:
            jar.set_cookie(c)
    return m.group(1) if m else ""


def login(client: Any, name: str = "quan.tri", password: str = PASSWORD, next_url: str = "/") -> Any:
    """A real GET then POST /login (the cookie lands in the client's jar); returns the response (303 on
    success)."""
    return client.post("/login", data={"name": name, "password": password, "next": next_url,
                                       "csrf": login_token(client)}, follow_redirects=False)


def csrf_of(client: Any) -> str:
    """The session's CSRF token, read from the logout form of the dashboard as a browser would."""
    import re

    html = client.get("/?province=__none__").text  # any signed-in page carries the logout form
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)

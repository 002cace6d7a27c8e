"""End to end: the laptop's sender against a REAL hub process on 127.0.0.1, under faults.

A fault-injecting HTTP proxy (a thread on 127.0.0.1) sits in front of the hub and, per request, passes
it on, answers 500 without forwarding, forwards and then answers too late (read timeout; the hub has
committed), forwards and then cuts the connection (the laptop never hears back), or forwards twice. The
hub is also stopped (connection refused) and restarted mid-backlog. Afterwards every (point, day) is on
the hub exactly once with the laptop's latest revision and content, and the outbox is empty.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from common.vietnamese import fold
from desktop import config
from desktop.models import Citizen, DayReport, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, outbox
from desktop.services.register.statuses import record_event
from desktop.settings_keys import KEY_HUB_URL, KEY_TARGETS_AT
from sync.client import RetryPolicy
from sync.failures import MSG_AUTH
from tests.support.hub_process import COMMUNE, HubProcess, hub_cli

READ_TIMEOUT = 2.0


class FaultProxy:
    """HTTP proxy in a thread. `actions` is consumed one per POST /batches; other requests pass."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.actions: deque[str] = deque()
        self.log: list[str] = []
        self.on_forwarded = None  # callable run after a forward (e.g. stop the hub)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # noqa: D401 - quiet
                pass

            def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    r = conn.getresponse()
                    return r.status, r.getheaders(), r.read()
                finally:
                    conn.close()

            def _reply(self, status: int, headers, body: bytes) -> None:
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                action = "pass"
                if self.command == "POST" and self.path.endswith("/batches") and proxy.actions:
                    action = proxy.actions.popleft()
                proxy.log.append(action)
                if action == "500":
                    self._reply(500, [("Content-Type", "application/json")], b'{"detail":"injected"}')
                    return
                try:
                    status, headers, answer = self._forward(body)
                    if action == "dup":
                        status, headers, answer = self._forward(body)
                except OSError:
                    self._reply(502, [], b"hub unreachable")
                    return
                if proxy.on_forwarded is not None:
                    proxy.on_forwarded()
                if action == "slow":
                    time.sleep(READ_TIMEOUT * 1.5)
                if action == "cut":
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                try:
                    self._reply(status, headers, answer)
                except OSError:
                    pass

            do_GET = do_POST = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub(tmp_path):
    h = HubProcess(tmp_path)
    h.start()
    yield h
    h.stop()


@pytest.fixture
def proxy(hub):
    p = FaultProxy(hub.port)
    yield p
    p.close()


@pytest.fixture
def laptop(db):
    with db.session() as s:
        s.add_all([Point(code=f"P{i}", name=f"Điểm {i}") for i in (1, 2, 3)])
    return db


POLICY = RetryPolicy(timeout=(2.0, READ_TIMEOUT), max_attempts=5, base=0.05, cap=0.2, max_run_seconds=60)
D0 = dt.date(2025, 6, 1)


def _sync(db, **kw):
    return hub_link.sync_now(db, policy=kw.pop("policy", POLICY), sleep=time.sleep, **kw)


def _citizen(s, n: int) -> Citizen:
    now = dt.datetime(2025, 1, 1)
    village = ["Thôn Đông", "Thôn Tây", "Tổ dân phố 3"][n % 3]
    c = Citizen(id_number=f"0561960{n:05d}", full_name=f"Trần Thị {n}", name_key=f"tran thi {n}", given_key=str(n),
                sort_given=str(n), sort_family=str(n), village=village, village_key=fold(village),
                created_at=now, updated_at=now)
    s.add(c)
    s.flush()
    return c


def _close(db, first: int, last: int, *, activity: bool = True) -> None:
    """Close days D0+first .. D0+last at every point; a few captures on some of them."""
    with db.session() as s:
        points = list(s.scalars(select(Point).order_by(Point.code)))
        n = s.query(Citizen).count()
        for i in range(first, last + 1):
            day = D0 + dt.timedelta(days=i)
            if activity and i % 2 == 0:
                for p in points[:2]:
                    n += 1
                    c = _citizen(s, n)
                    record_event(s, c, "attended", at=dt.datetime.combine(day, dt.time(9)), point=p)
                    record_event(s, c, "card_captured", at=dt.datetime.combine(day, dt.time(10)), point=p)
            dayclose.close_day(s, day, now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))


def _laptop_latest(db) -> dict[tuple[str, str], tuple[int, str]]:
    with db.session() as s:
        out = {}
        for r in s.scalars(select(DayReport).order_by(DayReport.revision)):
            out[(r.point_code, r.day.isoformat())] = (r.revision, dayclose.report_of(r, COMMUNE).content_hash())
        return out


def _waiting(db) -> int:
    with db.session() as s:
        return outbox.waiting_count(s)


def test_exactly_once_under_faults(hub, proxy, laptop, monkeypatch):
    db = laptop
    info = hub_link.connect(db, proxy.url, hub.enrol_code(), "may-truong-sa")
    assert info["commune_code"] == COMMUNE
    _close(db, 0, 4)
    assert _waiting(db) == 15

    # 1. hub down: connection refused; nothing lost, nothing sent
    hub.stop()
    with db.session() as s:
        config.put(s, KEY_HUB_URL, hub.url)
    res = _sync(db)
    assert res.sent == 0 and res.remaining == 15 and res.error.startswith("Không kết nối được máy chủ tỉnh")
    hub.start()
    with db.session() as s:
        config.put(s, KEY_HUB_URL, proxy.url)

    # 2. two HTTP 500s, then success within the same run
    proxy.actions.extend(["500", "500"])
    res = _sync(db)
    assert res.ok and res.sent == 15 and res.remaining == 0, res
    assert hub.rows() == _laptop_latest(db)

    # 3. a correction to a closed day + new days; the answer comes after the read timeout (hub committed)
    with db.session() as s:
        p1 = s.scalar(select(Point).where(Point.code == "P1"))
        c = _citizen(s, 999)
        record_event(s, c, "card_captured", at=dt.datetime.combine(D0 + dt.timedelta(days=1), dt.time(15)), point=p1)
        assert dayclose.changed_days(s) == [(D0 + dt.timedelta(days=1), "P1")]
    _close(db, 1, 1)
    _close(db, 5, 7)
    assert _waiting(db) == 10
    batches_before = hub.batch_count()
    proxy.actions.extend(["slow"])
    res = _sync(db)
    assert res.ok and res.sent == 10 and res.remaining == 0, res
    assert hub.batch_count() == batches_before + 1  # the resend was the same batch: replayed, not re-imported
    assert hub.rows()[("P1", (D0 + dt.timedelta(days=1)).isoformat())][0] == 2

    # 4. the hub commits but the laptop never hears back (connection cut); the run gives up, next run replays
    _close(db, 8, 9)
    proxy.actions.extend(["cut"])
    res = _sync(db, policy=RetryPolicy(timeout=(2.0, READ_TIMEOUT), max_attempts=1, base=0.05, cap=0.2))
    assert res.error and res.remaining == 6
    assert len(hub.rows()) == 30  # already on the hub
    batches_before = hub.batch_count()
    res = _sync(db)
    assert res.ok and res.sent == 6 and res.remaining == 0
    assert hub.batch_count() == batches_before

    # 5. a duplicated delivery
    _close(db, 10, 10)
    proxy.actions.extend(["dup"])
    res = _sync(db)
    assert res.ok and res.sent == 3

    # 6. hub restarted mid-backlog (small batches so the backlog needs several requests)
    monkeypatch.setattr("sync.client.MAX_REPORTS_PER_BATCH", 6)
    _close(db, 11, 20)
    assert _waiting(db) == 30
    calls = {"n": 0}

    def restart_after_second() -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            hub.stop()

    proxy.on_forwarded = restart_after_second
    res = _sync(db, policy=RetryPolicy(timeout=(2.0, READ_TIMEOUT), max_attempts=2, base=0.05, cap=0.1))
    proxy.on_forwarded = None
    assert res.error and 0 < res.remaining < 30
    hub.start()
    res = _sync(db)
    assert res.ok and res.remaining == 0, res

    # every (point, day) on the hub once, with the latest revision and content; the outbox is empty
    assert hub.rows() == _laptop_latest(db)
    assert len(hub.rows()) == 3 * 21
    assert _waiting(db) == 0
    with db.session() as s:
        st = outbox.status(s)
        assert st.waiting == 0 and st.last_error == "" and st.last_success_at
    with db.session() as s:  # targets were fetched for offline use (none set: empty table is fine)
        assert config.get(s, KEY_TARGETS_AT)


def test_auth_stop_and_tell_on_revoked_and_unknown_token(hub, laptop):
    db = laptop
    hub_cli(hub.url_db, "target", "set", COMMUNE, "card_captured", "1200", "--deadline", "2025-12-31")
    hub_link.connect(db, hub.url, hub.enrol_code())
    _close(db, 0, 1, activity=False)
    res = _sync(db)
    assert res.ok and res.sent == 6
    from desktop.models import Target

    with db.session() as s:  # targets stored for offline use
        t = s.scalar(select(Target).where(Target.indicator == "card_captured"))
        assert t.value == 1200 and t.deadline == dt.date(2025, 12, 31)

    _close(db, 2, 2, activity=False)
    creds = hub_link.credentials(db)
    hub_cli(hub.url_db, "device", "revoke", creds.device_id)
    res = _sync(db)
    assert res.auth_failed and res.error == MSG_AUTH and res.requests == 1 and res.remaining == 3
    with db.session() as s:
        assert outbox.status(s).last_error.startswith("Máy chưa được kết nối hoặc mã truy cập đã hết hạn")

    # an unknown token (re-enrolled elsewhere, keyring holds garbage); a revoked device needs the admin first
    hub_cli(hub.url_db, "device", "reinstate", creds.device_id)
    hub_link.connect(db, hub.url, hub.enrol_code())
    hub_link._keyring_set(hub_link.keyring_name(hub_link.credentials(db).device_id), {"token": "not-a-token"})
    res = _sync(db)
    assert res.auth_failed and res.remaining == 3
    # a fresh connection fixes it
    hub_link.connect(db, hub.url, hub.enrol_code())
    res = _sync(db)
    assert res.ok and res.remaining == 0
    assert hub.rows() == _laptop_latest(db)


def test_secrets_only_in_keyring(hub, laptop, tmp_path):
    db = laptop
    hub_link.connect(db, hub.url, hub.enrol_code())
    creds = hub_link.credentials(db)
    with db.session() as s:
        values = " ".join(v for _k, v in s.execute(select(config.Setting.key, config.Setting.value)))
    assert creds.token not in values and creds.private_key not in values
    assert creds.device_id in values
    for f in (tmp_path / "data").rglob("*"):
        if f.is_file() and f.suffix in (".log", ".txt", ".json"):
            text = f.read_text(errors="ignore")
            assert creds.token not in text and creds.private_key not in text


def test_bundle_round_trip_via_cli(hub, tmp_path, capsys):
    from desktop import paths
    from desktop.cli import main as ep
    from desktop.storage.db import open_database

    db = open_database(paths.db_path())  # the file the CLI opens
    try:
        with db.session() as s:
            s.add_all([Point(code=f"P{i}", name=f"Điểm {i}") for i in (1, 2, 3)])
    finally:
        db.close()
    assert ep(["connect", "--hub", hub.url, "--code", hub.enrol_code(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["commune_code"] == COMMUNE
    for i in range(3):
        assert ep(["close-day", "--date", (D0 + dt.timedelta(days=i)).isoformat(), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    first = json.loads(out[0])
    assert len(first) == 3 and first[0]["revision"] == 1 and first[0]["totals"]["card_captured"] == 0
    bundle = tmp_path / "usb" / "truong-sa.epb"
    assert ep(["sync", "--bundle", str(bundle), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["reports"] == 9 and bundle.exists()
    assert ep(["sync-status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["waiting"] == 9  # writing a bundle confirms nothing

    imported = json.loads(hub_cli(hub.url_db, "--json", "import-bundle", str(bundle)))
    assert sum(b["imported"] for b in imported["batches"]) == 9
    rows_after_bundle, batches_after_bundle = hub.rows(), hub.batch_count()
    assert len(rows_after_bundle) == 9

    assert ep(["sync", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["sent"] == 9 and res["remaining"] == 0 and res["error"] == ""
    assert hub.rows() == rows_after_bundle and hub.batch_count() == batches_after_bundle  # nothing changed
    assert ep(["sync-status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["waiting"] == 0 and st["last_error"] == ""

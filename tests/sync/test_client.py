"""The sender against a scripted HTTP server on 127.0.0.1 (real sockets) and a real outbox database.

The server decodes each batch (gzip, canonical JSON) and answers what the script says: 200 summary,
an HTTP status, a reply slower than the read timeout, or a cut connection.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from desktop import config
from desktop.models import OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import outbox
from sync import signing
from sync.client import HubClient, RetryPolicy
from sync.failures import MSG_AUTH
from sync.protocol import IMPORTED, ImportSummary, ReportOutcome, decode_batch, gunzip_body

READ_TIMEOUT = 0.4


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):  # quiet
        pass

    def do_POST(self):  # noqa: N802
        srv = self.server
        wire = self.rfile.read(int(self.headers["Content-Length"]))
        batch = decode_batch(gunzip_body(wire))
        with srv.lock:
            srv.seen.append((batch.batch_id, len(batch.reports)))
            action = srv.actions.popleft() if srv.actions else "ok"
        if action == "cut":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if action == "slow":
            time.sleep(READ_TIMEOUT * 3)
            action = "ok"
        if action == "ok":
            summary = ImportSummary(batch.batch_id, [ReportOutcome(r.point_code, r.day, r.revision, IMPORTED)
                                                    for r in batch.reports])
            self._json(200, summary.to_dict())
        else:
            self._json(int(action), {"detail": f"scripted {action}"})

    def _json(self, code, data):
        body = json.dumps(data).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


@pytest.fixture
def hub():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.actions, srv.seen, srv.lock = deque(), [], threading.Lock()
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def closed(db):
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add_all([Point(code="P1", name="Điểm 1"), Point(code="P2", name="Điểm 2")])
        s.flush()
        for i in range(3):
            dayclose.close_day(s, dt.date(2025, 8, 1) + dt.timedelta(days=i), now=dt.datetime(2025, 8, 9, tzinfo=dt.UTC))
    return db


def _client(url, sleeps, **policy):
    kw = {"timeout": (1.0, READ_TIMEOUT), "max_attempts": 4, "base": 0.5, "cap": 4.0, **policy}
    return HubClient(url, token="tok", device_id="dev-1", commune_code="22736",
                     private_key=signing.generate_keypair()[0], policy=RetryPolicy(**kw), sleep=sleeps.append,
                     rng=lambda: 1.0)


def _waiting(db):
    with db.session() as s:
        return outbox.waiting_count(s)


def test_500s_then_success_backoff_bounded(hub, closed):
    hub.actions.extend([500, 503])
    sleeps: list[float] = []
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.ok and res.sent == 6 and res.remaining == 0 and res.requests == 3
    assert sleeps == [0.5, 1.0]  # full jitter with rng=1.0: base * 2**(n-1)
    assert len({bid for bid, _ in hub.seen}) == 1  # the same batch id every time
    assert _waiting(closed) == 0


def test_persistent_500_is_bounded_and_keeps_items(hub, closed):
    hub.actions.extend([500] * 10)
    sleeps: list[float] = []
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.requests == 4 and len(sleeps) == 3 and max(sleeps) <= 4.0
    assert "mã 500" in res.error and res.remaining == 6
    with closed.session() as s:
        st = outbox.status(s)
        assert st.waiting == 6 and "Máy chủ tỉnh đang gặp lỗi" in st.last_error


def test_run_time_budget_stops_sleeping(hub, closed):
    hub.actions.extend([500] * 10)
    sleeps: list[float] = []
    res = _client(hub.url, sleeps, max_attempts=50, max_run_seconds=2.0).drain(outbox.DesktopOutbox(closed))
    assert sum(sleeps) <= 2.0 and res.requests < 10 and res.error


def test_connection_refused_releases_batch_id(closed):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there
    sleeps: list[float] = []
    res = _client(f"http://127.0.0.1:{port}", sleeps, max_attempts=2).drain(outbox.DesktopOutbox(closed))
    assert res.error.startswith("Không kết nối được") and res.remaining == 6 and res.sent == 0
    with closed.session() as db_s:  # the hub never saw it: ids forgotten so a backlog merges later
        assert set(db_s.scalars(select(OutboxItem.batch_id))) == {None}


def test_read_timeout_resends_same_batch_id(hub, closed):
    hub.actions.extend(["slow"])
    sleeps: list[float] = []
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.ok and res.sent == 6
    assert len(hub.seen) == 2 and hub.seen[0][0] == hub.seen[1][0]


def test_cut_after_request_then_next_run_reuses_id(hub, closed):
    hub.actions.extend(["cut"])
    sleeps: list[float] = []
    res = _client(hub.url, sleeps, max_attempts=1).drain(outbox.DesktopOutbox(closed))
    assert res.error and res.remaining == 6
    res2 = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res2.ok and res2.sent == 6
    assert hub.seen[0][0] == hub.seen[1][0]  # kept id: the hub would replay its stored summary


def test_401_stops_and_tells(hub, closed):
    hub.actions.extend([401, 401, 401])
    sleeps: list[float] = []
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.auth_failed and res.error == MSG_AUTH and res.requests == 1 and sleeps == []
    with closed.session() as s:
        assert outbox.status(s).last_error.startswith("Máy chưa được kết nối hoặc mã truy cập đã hết hạn")


def test_413_splits_and_409_renews(hub, closed):
    hub.actions.extend([413, 409])
    sleeps: list[float] = []
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.ok and res.sent == 6 and res.remaining == 0
    sizes = [n for _, n in hub.seen]
    assert sizes[0] == 6 and sizes[1] == 3 and sum(sizes[2:]) == 6  # split in two; 409 → same half, new id
    assert hub.seen[1][0] != hub.seen[2][0]


def test_422_carries_on_with_other_batches(hub, closed):
    hub.actions.extend([422])
    sleeps: list[float] = []
    with closed.session() as s:  # force two batches
        outbox.take_batches(s, "22736", 3)
    res = _client(hub.url, sleeps).drain(outbox.DesktopOutbox(closed))
    assert res.sent == 3 and res.remaining == 3 and "422" in res.error

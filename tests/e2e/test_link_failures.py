"""The probe (HubClient.hello) against every kind of silence and a real hub process on 127.0.0.1: refused
(closed port), connect timeout (a listening socket whose backlog is full, so it never accepts), DNS failure
(an `.invalid` host), a captive portal answering 200 HTML, 503 with Retry-After, and the real hub's own
429 when too many batches are in flight. One probe never waits longer than its 3 s timeout."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop.models import Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, link_watch
from sync.client import HubClient, RetryPolicy
from sync.failures import MSG_NOT_THE_HUB, MSG_UNREACHABLE
from sync.link_policy import LinkPolicy, ProbeResult
from tests.support.hub_process import HubProcess, free_port

TIMEOUT = LinkPolicy().probe_timeout


def _hello(url: str) -> tuple[ProbeResult, float]:
    t = time.monotonic()
    found = HubClient(url).hello()
    return found, time.monotonic() - t


def test_refused_is_silent_at_once() -> None:
    found, took = _hello(f"http://127.0.0.1:{free_port()}")
    assert found.outcome == "silent" and found.message == MSG_UNREACHABLE and took < 1.0


def test_connect_timeout_is_silent_within_the_probe_timeout() -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fill = []
    for _ in range(3):  # fill the accept queue: further SYNs are dropped, connect() times out
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fill.append(c)
    try:
        found, took = _hello(f"http://127.0.0.1:{port}")
        assert found.outcome == "silent"
        assert TIMEOUT - 0.5 <= took <= TIMEOUT + 1.0  # one probe, one timeout: no hidden reconnect
    finally:
        for c in fill:
            c.close()
        srv.close()


def test_dns_failure_is_silent() -> None:
    found, took = _hello("http://enrollpoint-hub.invalid:8443")
    assert found.outcome == "silent" and took <= TIMEOUT + 5.0


class _Stub:
    """A web server that is not the hub: answers every GET with a fixed status, type and body."""

    def __init__(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(("status", "ctype", "body"), [
    (200, "text/html", b"<html><body>Wi-Fi login</body></html>"),  # a captive portal
    (200, "application/json", b'{"status": "online"}'),  # JSON, but not the hub's
    (302, "text/html", b""),  # a portal's redirect to its login page
])
def test_captive_portal_is_not_the_hub(status: int, ctype: str, body: bytes) -> None:
    stub = _Stub(status, ctype, body, {"Location": "http://portal.example/login"} if status == 302 else None)
    try:
        found, _ = _hello(stub.url)
        assert found.outcome == "silent" and found.message == MSG_NOT_THE_HUB
    finally:
        stub.close()


def test_503_with_retry_after_is_busy() -> None:
    stub = _Stub(503, "text/html", b"maintenance", {"Retry-After": "120"})
    try:
        found, _ = _hello(stub.url)
        assert found.outcome == "busy" and found.retry_after == 120
    finally:
        stub.close()


@pytest.fixture
def hub(tmp_path, monkeypatch) -> Iterator[HubProcess]:
    monkeypatch.setenv("ENROLLPOINT_HUB_BATCHES_IN_FLIGHT", "0")  # every batch finds the hub full
    h = HubProcess(tmp_path)
    h.start()
    yield h
    h.stop()


def test_real_hub_hello_and_its_429(hub: HubProcess, db) -> None:
    found, took = _hello(hub.url)
    assert found.outcome == "up" and found.protocol >= 1 and took < TIMEOUT
    hub_link.connect(db, hub.url, hub.enrol_code(), "may-1")
    pinned = hub_link.hub_info(db)[hub_link.INFO_FINGERPRINT]
    assert pinned and found.key_fingerprint == pinned  # the hello names the key the laptop pinned at enrolment
    assert link_watch.probe(db).outcome == "up"

    with db.session() as s:
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        dayclose.close_day(s, dt.date(2025, 6, 1), now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
    sleeps: list[float] = []
    res = hub_link.sync_now(db, policy=RetryPolicy(max_attempts=2, base=0.01, cap=30.0), sleep=sleeps.append)
    assert res.link == "busy" and res.retry_after == 10 and "429" in res.error and res.remaining == 1
    assert sleeps == [10.0]  # the hub's Retry-After honoured, not the 0.01 s of the backoff
    assert link_watch.outcome_of(res).outcome == "busy"
    assert hub.batch_count() == 0
    assert " 500 " not in hub.log.read_text(errors="replace")



def test_a_hub_restart_of_a_minute_is_ridden_out_within_one_run(hub: HubProcess, db, monkeypatch) -> None:
    """The hub answers (429: every slot busy), then restarts and is away for a minute: the same run probes
    every 15–30 s (simulated sleeps, real probes) and sends once it is back — nothing "kept for later"."""
    hub_link.connect(db, hub.url, hub.enrol_code(), "may-1")
    with db.session() as s:
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        for i in range(3):
            dayclose.close_day(s, dt.date(2025, 6, 1) + dt.timedelta(days=i), now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
    monkeypatch.setenv("ENROLLPOINT_HUB_BATCHES_IN_FLIGHT", "8")  # after the restart: room again
    clock = {"now": 0.0, "down_at": -1.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["now"] += seconds
        if clock["down_at"] < 0:
            hub.stop()  # the restart begins
            clock["down_at"] = clock["now"]
        elif hub.proc is None and clock["now"] - clock["down_at"] >= 60:
            hub.start()  # a minute later it is back

    res = hub_link.sync_now(db, sleep=sleep)  # the default policy of a run
    assert res.ok and res.sent == 3 and res.remaining == 0, res
    assert sleeps[0] == 10.0  # the 429's Retry-After
    probes = sleeps[1:]
    assert len(probes) >= 2 and all(15.0 <= w < 30.0 for w in probes)
    assert len(hub.rows()) == 3 and hub.batch_count() == 1

"""The province's reverse proxy in front of a real hub process, on 127.0.0.1, with a maintenance switch.

While `down` it answers every request itself with 503 and `Retry-After` (the maintenance page a province
shows while the hub or its database is worked on); otherwise it forwards the request to the hub and its answer
back. Every request it sees is recorded (monotonic time, path, status) so that a test or bench can count what
reached the province and when. Bounded: each forward has a 30 s timeout; the server stops with `close()`.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from tests.support.hub_process import free_port

MAINTENANCE_PAGE = (b"<html><body><h1>503</h1><p>M\xc3\xa1y ch\xe1\xbb\xa7 t\xe1\xbb\x89nh \xc4\x91ang b\xe1\xba\xa3o "
                    b"tr\xc3\xac (the province's hub is under maintenance).</p></body></html>")
_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length", "proxy-connection"}


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # read by listen(): with the default 5, a crowd's connections wait out SYN retries
    daemon_threads = True


@dataclass(frozen=True, slots=True)
class Seen:
    at: float  # time.monotonic() when the answer was sent
    method: str
    path: str
    status: int


class MaintenanceProxy:
    """127.0.0.1:port → hub_port; `down = True` turns every answer into 503 + Retry-After."""

    def __init__(self, hub_port: int, retry_after: int = 30) -> None:
        self.hub_port, self.retry_after = hub_port, retry_after
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.down = False
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy.down:
                    status, headers, payload = 503, [("Retry-After", str(proxy.retry_after)),
                                                      ("Content-Type", "text/html; charset=utf-8")], MAINTENANCE_PAGE
                else:
                    status, headers, payload = proxy._forward(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                proxy._record(Seen(time.monotonic(), self.command, self.path.split("?")[0], status))

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815 - http.server's naming

        self.server = _Server(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.hub_port, timeout=30)
        try:
            fwd = {k: v for k, v in headers.items() if k.lower() not in _HOP}
            fwd["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=fwd)
            resp = conn.getresponse()
            payload = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP]
            return resp.status, kept, payload
        except OSError:
            return 502, [("Content-Type", "text/plain")], b"bad gateway"
        finally:
            conn.close()

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def requests_since(self, start: float) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.at >= start]

    def start(self) -> MaintenanceProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)

    def __enter__(self) -> MaintenanceProxy:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

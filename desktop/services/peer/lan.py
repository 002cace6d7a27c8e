"""LAN transport: `serve()` makes this laptop a sync peer, `sync_with()` exchanges both ways with one.

Plain HTTP carries only sealed messages (crypto.py): every request and answer body is encrypted and
authenticated with the group key, bound to the commune and protocol version, so nothing personal and no
secret crosses the network in the clear, and a laptop outside the group gets a refusal, never data. An
answer names the request it answers (its random id, inside the authenticated header); the server refuses
a request id it has seen and a request more than 15 minutes off its clock, so a recorded request cannot
be replayed. Every body is bounded (Content-Length checked before reading).

`sync_with`: hello (both version vectors) → push the server's missing entries page by page → pull this
laptop's missing entries page by page. Each page is applied in its own transaction; a cut loses nothing
(the next run starts from the version vectors, which only move with committed pages).
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from desktop.services.peer import changes, exchange, stamp
from desktop.services.peer.crypto import GroupKey, PeerRefused, read_header
from desktop.services.peer.group import group_key
from desktop.services.peer.ids import device_id, device_name
from desktop.services.peer.merge import apply_ops
from desktop.storage.db import Database

log = logging.getLogger(__name__)

PATH = "/enrollpoint/peer/v1"
REQ, RESP = "req", "resp"
MAX_SKEW_S = 15 * 60
TIMEOUT_S = 60.0
MAX_PAGES = 100_000


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """The officer cancelled the transfer; pages already applied stay applied."""


@dataclass
class SyncResult:
    peer_device: str = ""
    peer_name: str = ""
    sent: int = 0
    received: int = 0
    conflicts: list[str] = field(default_factory=list)


# --- server ---------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr: tuple[str, int], db: Database, key: GroupKey) -> None:
        super().__init__(addr, _Handler)
        self.db = db
        self.key = key
        self.seen: dict[str, float] = {}
        self.seen_lock = threading.Lock()
        with db.session() as s:
            self.device, self.name = device_id(s), device_name(s)

    def remember(self, request_id: str, at: float) -> bool:
        """False when this request id was seen before (a replay)."""
        with self.seen_lock:
            now = time.time()
            for k in [k for k, t in self.seen.items() if t < now - 2 * MAX_SKEW_S]:
                del self.seen[k]
            if request_id in self.seen:
                return False
            self.seen[request_id] = at
            return True


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("peer %s %s", self.address_string(), format % args)

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, status: int, message: str) -> None:
        self._answer(status, json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"))

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self.path != PATH:
            self._refuse(404, "Không có đường dẫn này")
            return
        try:
            n = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            n = -1
        if n < 0 or n > exchange.MAX_PAGE_BYTES:
            self._refuse(413, "Yêu cầu quá lớn hoặc thiếu độ dài")
            return
        data = self.rfile.read(n)
        try:
            header, body = self.server.key.open(data, REQ)
            at = header.get("t")
            if not isinstance(at, int | float) or abs(time.time() - at) > MAX_SKEW_S:
                raise PeerRefused("Đồng hồ hai máy lệch nhau quá 15 phút, hoặc yêu cầu cũ bị gửi lại: chỉnh giờ rồi thử lại")
            if not self.server.remember(str(header["id"]), float(at)):
                raise PeerRefused("Yêu cầu này đã được nhận một lần (bị gửi lại): đã từ chối")
            reply = self._dispatch(exchange.unpack(body))
        except PeerRefused as exc:
            self._refuse(403, exc.message)
            return
        except Exception:  # a bug must not kill the server nor leak details
            log.exception("peer request failed")
            self._refuse(400, "Máy kia không xử lý được yêu cầu (xem nhật ký)")
            return
        self._answer(200, self.server.key.seal(RESP, exchange.pack(reply), extra={"re": header["id"]}))

    def _dispatch(self, msg: dict[str, Any]) -> dict[str, Any]:
        srv, db = self.server, self.server.db
        op = msg.get("op")
        if op == "hello":
            if msg.get("device") == srv.device:
                raise PeerRefused("Máy kia có cùng mã máy với máy này (sao chép từ bản sao lưu?): không đồng bộ. Trên MỘT "
                                  "trong hai máy, người phụ trách chạy 'enrollpoint peer reidentify'")
            with db.session() as s:
                stamp.stamp(s)
                vv = changes.version_vector(s)
                exchange.note_peer(s, msg.get("device"), msg.get("name"), exchange.check_vv(msg.get("vv")), "lan")
            return {"device": srv.device, "name": srv.name, "vv": vv}
        if op == "push":
            ops = exchange.check_ops(msg.get("ops"))
            with db.session() as s:
                r = apply_ops(s, ops)
            with db.read_session() as s:
                vv = changes.version_vector(s)
            return {"vv": vv, "received": r.received, "conflicts": r.conflicts}
        if op == "pull":
            vv = exchange.check_vv(msg.get("vv"))
            limit = min(int(msg.get("limit") or changes.PAGE_OPS), changes.PAGE_OPS)
            with db.read_session() as s:  # pages of changes: a read never holds up the GUI's writes
                raw, more = changes.raw_after(s, vv, limit)
            return {"ops": raw, "more": more}
        if op == "done":
            with db.session() as s:
                exchange.note_peer(s, msg.get("device"), msg.get("name"), exchange.check_vv(msg.get("vv")), "lan")
            return {}
        raise PeerRefused("Yêu cầu không hợp lệ")


class PeerServer:
    """A running peer server (`stop()` ends it); the port is the one actually bound (0 = any free)."""

    def __init__(self, db: Database, host: str = "127.0.0.1", port: int = 0) -> None:
        self._srv = _Server((host, port), db, group_key(db))
        self.host, self.port = str(self._srv.server_address[0]), int(self._srv.server_address[1])
        self._thread: threading.Thread | None = None

    def start(self) -> PeerServer:
        self._thread = threading.Thread(target=self._srv.serve_forever, name="peer-serve", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._srv.serve_forever()

    def stop(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)


# --- client ---------------------------------------------------------------------------------------------


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = (text or "").strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise PeerRefused(f"Địa chỉ máy '{text[:60]}' không hợp lệ: dùng dạng MÁY:CỔNG, ví dụ 192.168.1.20:8766")
    return host.strip("[]"), int(port)


class _Client:
    def __init__(self, key: GroupKey, host: str, port: int) -> None:
        self.key = key
        self.conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
        self.requests = 0

    def call(self, msg: dict[str, Any]) -> dict[str, Any]:
        sealed = self.key.seal(REQ, exchange.pack(msg), extra={"t": int(time.time())})
        req_id = read_header(sealed)["id"]
        try:
            self.conn.request("POST", PATH, body=sealed, headers={"Content-Type": "application/octet-stream"})
            resp = self.conn.getresponse()
            n = int(resp.getheader("Content-Length") or "-1")
            if n < 0 or n > exchange.MAX_PAGE_BYTES:
                raise PeerRefused("Câu trả lời của máy kia quá lớn hoặc hỏng")
            data = resp.read(n)
        except OSError as exc:
            raise PeerRefused(f"Không kết nối được với máy kia ({type(exc).__name__}): kiểm tra địa chỉ, "
                              "mạng và tường lửa của máy đang phục vụ") from exc
        self.requests += 1
        if resp.status != 200:
            try:
                reason = str(json.loads(data).get("error", ""))[:300]
            except ValueError:
                reason = ""
            raise PeerRefused(f"Máy kia từ chối: {reason or resp.status}")
        header, body = self.key.open(data, RESP)
        if header.get("re") != req_id:
            raise PeerRefused("Câu trả lời không khớp yêu cầu (có thể bị gửi lại): đã dừng")
        return exchange.unpack(body)

    def close(self) -> None:
        self.conn.close()


def _pull(client: _Client, cursor: dict[str, int]) -> tuple[list[Any], bool]:
    page = client.call({"op": "pull", "vv": cursor})
    return exchange.check_ops(page.get("ops")), bool(page.get("more"))


Progress = Callable[[str, int, int], None]  # phase, done, total (total 0 = unknown)


def sync_with(
    db: Database,
    address: str,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SyncResult:
    key = group_key(db)
    host, port = parse_address(address)
    client = _Client(key, host, port)
    result = SyncResult()

    def check() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled("Đã hủy đồng bộ; các phần đã nhận vẫn được giữ")

    try:
        with db.session() as s:
            stamp.stamp(s)
            me, name, my_vv = device_id(s), device_name(s), changes.version_vector(s)
        hello = client.call({"op": "hello", "device": me, "name": name, "vv": my_vv})
        result.peer_device, result.peer_name = str(hello.get("device", "")), str(hello.get("name", ""))[:80]
        if result.peer_device == me:
            raise PeerRefused("Máy kia có cùng mã máy với máy này (sao chép từ bản sao lưu?): không đồng bộ. Trên MỘT "
                                  "trong hai máy, người phụ trách chạy 'enrollpoint peer reidentify'")
        their_vv = exchange.check_vv(hello.get("vv"))
        with db.read_session() as s:
            to_send = changes.count_after(s, their_vv)
        for _ in range(MAX_PAGES):  # push
            check()
            with db.read_session() as s:
                raw, more = changes.raw_after(s, their_vv)
            if not raw:
                break
            answer = client.call({"op": "push", "device": me, "name": name, "ops": raw})
            their_vv = exchange.check_vv(answer.get("vv"))
            result.sent += len(raw)
            if progress:
                progress("send", result.sent, to_send)
            if not more:
                break
        with db.read_session() as s:
            cursor = changes.version_vector(s)
        with ThreadPoolExecutor(1, thread_name_prefix="peer-pull") as pool:
            # The next page is fetched while this one is applied (the server works meanwhile).
            fetch = pool.submit(_pull, client, dict(cursor))
            for _ in range(MAX_PAGES):
                ops, more = fetch.result()
                for o in ops:  # a page holds, per origin, the entries right after the cursor
                    cursor[o[0]] = max(cursor.get(o[0], 0), o[1])
                if more:
                    check()
                    fetch = pool.submit(_pull, client, dict(cursor))
                if ops:
                    with db.session() as s:
                        r = apply_ops(s, ops)
                    result.received += r.received
                    result.conflicts += r.conflicts
                if progress:
                    progress("receive", result.received, 0)
                if not more:
                    break
                check()
        with db.session() as s:
            my_vv = changes.version_vector(s)
            held = {o: max(their_vv.get(o, 0), my_vv.get(o, 0)) for o in {*their_vv, *my_vv}}  # after a full run
            exchange.note_peer(s, result.peer_device, result.peer_name, held, "lan")
        client.call({"op": "done", "device": me, "name": name, "vv": my_vv})
    finally:
        client.close()
    return result

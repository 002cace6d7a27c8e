"""LAN transport: `serve()` makes this laptop a sync peer, `sync_with()` exchanges both ways with one.

Plain HTTP carries only sealed messages (crypto.py): every request and answer body is encrypted and
authenticated with the group key, bound to the commune and protocol version, so nothing personal and no
secret crosses the network in the clear, and a laptop outside the group gets a refusal, never data.

LAN protocol 2: a request carries a small sealed header (`X-EnrollPoint-Seal`, ≤ 1 KiB: time,
request id, body length, sealed with the group key) that the server verifies before it reads one byte of
the body; the body is then read in 1 MiB chunks and must be the sealed request with the same id. Every
unauthenticated request (no or a bad seal, another group or commune, protocol 1, a wrong path or method)
gets one identical refusal that names no commune, and no answer carries a Server/version header. The
server holds at most MAX_CONNECTIONS connections (more are closed at once), drops a connection idle for
IDLE_S, one that has not shown a valid seal within PREAUTH_S of connecting, and any request not read
within TOTAL_S. An answer names the request it answers; the server refuses a request id it has seen and a
request more than 15 minutes off its clock, so a recorded request cannot be replayed.

LAN protocol 3: hello carries each side's roster of signing keys, and every page of entries (push and pull)
the checkpoints that let the receiver verify each entry's author (signing.py).

`sync_with`: hello (both version vectors) → push the server's missing entries page by page → pull this
laptop's missing entries page by page. Each page is applied in its own transaction; a cut loses nothing
(the next run starts from the version vectors, which only move with committed pages).
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from desktop.changes import PEER_MERGE, declares
from desktop.services.peer import changes, clones, exchange, forks, signing, stamp
from desktop.services.peer.crypto import GroupKey, PeerRefused, read_header
from desktop.services.peer.group import group_key
from desktop.services.peer.ids import device_id, device_name
from desktop.services.peer.merge import apply_ops
from desktop.storage.db import Database

log = logging.getLogger(__name__)

LAN_PROTOCOL = 3  # 3: signed checkpoints and key rosters (signing.py); 2: the sealed header
PATH = f"/enrollpoint/peer/v{LAN_PROTOCOL}"
SEAL_HEADER = "X-EnrollPoint-Seal"
REQ, RESP, AUTH = "req", "resp", "auth"
MAX_SKEW_S = 15 * 60
TIMEOUT_S = 60.0
MAX_PAGES = 100_000
MAX_SEAL = 1024  # the sealed header, bytes (≈ 1,366 characters of base64)
HEAD_BUDGET = 8 * 1024  # request line + every header line together, before the seal is verified
MAX_CONNECTIONS = 16
IDLE_S = 15.0
PREAUTH_S = 10.0
TOTAL_S = 600.0  # a member's 64 MiB page over a slow village-hall Wi-Fi
CHUNK = 1024 * 1024
# The one answer to every request the server cannot authenticate: it says nothing of this laptop.
REFUSAL = ("Máy này không nhận yêu cầu: máy gửi không thuộc nhóm máy của xã, hoặc dùng phiên bản EnrollPoint "
           f"cũ hơn (giao thức đồng bộ {LAN_PROTOCOL}). Kiểm tra mã nhóm, cập nhật EnrollPoint rồi thử lại")


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
    quarantined: int = 0  # received entries kept aside: a field failed its check (peer status lists them)
    refused: list[str] = field(default_factory=list)  # received entries their author did not sign (signing.py)


# --- server ---------------------------------------------------------------------------------------------


class _Budget:
    """The request's input stream with a byte budget: headers cannot grow past HEAD_BUDGET before the seal
    is checked; the body budget is set to the sealed length once it is."""

    def __init__(self, raw: Any, budget: int) -> None:
        self.raw, self.budget = raw, budget

    def readline(self, size: int | None = -1) -> bytes:
        cap = self.budget if size is None or size < 0 else min(size, self.budget)
        if cap <= 0:
            return b""
        line: bytes = self.raw.readline(cap)
        self.budget -= len(line)
        return line

    def read(self, size: int | None = -1) -> bytes:
        cap = self.budget if size is None or size < 0 else min(size, self.budget)
        if cap <= 0:
            return b""
        data: bytes = self.raw.read(cap)
        self.budget -= len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 32

    def __init__(self, addr: tuple[str, int], db: Database, key: GroupKey) -> None:
        super().__init__(addr, _Handler)
        self.db = db
        self.key = key
        self.seen: dict[str, float] = {}
        self.seen_lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.deadlines: dict[socket.socket, float] = {}
        self.deadline_lock = threading.Lock()
        self.screens: dict[str, signing.Screen] = {}  # per client, from its hello: its chains across pages
        with db.session() as s:
            self.device, self.name = device_id(s), device_name(s)

    # connections: a cap, and a deadline each (checked by serve_forever's loop every 0.5 s)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # full: closed at once, no thread, nothing read
            return
        with self.deadline_lock:
            self.deadlines[request] = time.monotonic() + PREAUTH_S
        try:
            super().process_request(request, client_address)
        except Exception:
            self._release(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def _release(self, request: Any) -> None:
        with self.deadline_lock:
            if self.deadlines.pop(request, None) is None:
                return
        self.slots.release()

    def extend(self, request: Any, seconds: float) -> None:
        with self.deadline_lock:
            if request in self.deadlines:
                self.deadlines[request] = time.monotonic() + seconds

    def service_actions(self) -> None:
        now = time.monotonic()
        with self.deadline_lock:
            late = [r for r, t in self.deadlines.items() if t < now]
        for request in late:
            try:
                request.shutdown(socket.SHUT_RDWR)  # the handler's blocked read returns; it then ends
            except OSError:
                pass

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
    timeout = IDLE_S  # every blocking read or write of the connection (StreamRequestHandler.setup)

    def setup(self) -> None:
        super().setup()
        self.rfile = _Budget(self.rfile, HEAD_BUDGET)  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("peer %s %s", self.address_string(), format % args)

    def send_response(self, code: int, message: str | None = None) -> None:
        """No Server header (it named the Python version)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self._refuse_stranger()  # a malformed request, an unknown method: the same one refusal

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True
        self._answer(status, json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"))

    def _refuse_stranger(self) -> None:
        self._refuse(403, REFUSAL)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_OPTIONS = do_PATCH = _refuse_stranger  # noqa: N815

    def _seal(self) -> tuple[dict[str, Any], int] | None:
        """The verified sealed header and the body length it declares; None for anything else."""
        if self.path != PATH:
            return None
        token = self.headers.get(SEAL_HEADER, "")
        if not token or len(token) > (MAX_SEAL * 4) // 3 + 4:
            return None
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            auth, _ = self.server.key.open(raw, AUTH)
            n = int(self.headers.get("Content-Length", "-1"))
        except (PeerRefused, ValueError, UnicodeError):
            return None
        if auth.get("n") != n or not 0 <= n <= exchange.MAX_PAGE_BYTES or not isinstance(auth.get("id"), str):
            return None
        return auth, n

    def _body(self, n: int) -> bytes | None:
        """The body in chunks (the connection's deadline bounds the whole read); None when cut short."""
        self.rfile.budget = n  # type: ignore[attr-defined]
        buf = bytearray()
        while len(buf) < n:
            part = self.rfile.read(min(CHUNK, n - len(buf)))
            if not part:
                return None
            buf += part
        return bytes(buf)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        sealed = self._seal()
        if sealed is None:
            self._refuse_stranger()
            return
        auth, n = sealed
        at = auth.get("t")
        if not exchange.is_time(at) or abs(time.time() - at) > MAX_SKEW_S:
            self._refuse(403, "Đồng hồ hai máy lệch nhau quá 15 phút, hoặc yêu cầu cũ bị gửi lại: chỉnh giờ rồi thử lại")
            return
        if not self.server.remember(auth["id"], float(at)):
            self._refuse(403, "Yêu cầu này đã được nhận một lần (bị gửi lại): đã từ chối")
            return
        self.server.extend(self.connection, TOTAL_S)
        data = self._body(n)
        if data is None:
            self.close_connection = True
            return
        try:
            header, body = self.server.key.open(data, REQ)
            if header.get("id") != auth["id"]:
                raise PeerRefused("Yêu cầu không khớp phần đầu đã niêm phong: đã từ chối",
                                  en="The request does not match its sealed header: refused")
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
                with db.session() as s:
                    clones.same_id(s, msg.get("tips"))
                raise PeerRefused("Máy kia có cùng mã máy với máy này (sao chép từ bản sao lưu?): không đồng bộ. Trên MỘT "
                                  "trong hai máy, người phụ trách chạy 'enrollpoint peer reidentify'",
                en="The other laptop has the same device id as this one (copied from a backup?): not "
                   "syncing. On ONE of the two laptops, a supervisor runs 'enrollpoint peer reidentify'")
            with db.session() as s:  # forks taken back elsewhere: dropped here first (forks.py)
                forks.merge_in(s, forks.check(msg.get("retracted")))
            with db.session() as s:
                clones.check(s, forks.as_ops(s, msg.get("tips")), for_other=True)  # nothing withheld unsaid
                stamp.stamp(s)
                signing.seal_own(s)
                exchange.note_peer(s, msg.get("device"), msg.get("name"), exchange.check_vv(msg.get("vv")), "lan")
                signing.learn(s, msg.get("roster"), str(msg.get("device")))
                vv = changes.version_vector(s)
                mine = {"tips": forks.tips(s), "retracted": forks.known(s), "roster": signing.roster(s)}
            srv.screens[str(msg.get("device"))] = signing.Screen(via=str(msg.get("device")))
            return {"device": srv.device, "name": srv.name, "vv": vv, **mine}
        if op == "push":
            ops = exchange.check_ops(msg.get("ops"))
            proof = signing.check_checkpoints(msg.get("chk"))
            screen = srv.screens.get(str(msg.get("device"))) or signing.Screen(via=str(msg.get("device")))
            with db.session() as s:
                r = apply_ops(s, ops, screen, proof)
                signing.seal_own(s)
            with db.read_session() as s:
                vv = changes.version_vector(s)
            return {"vv": vv, "received": r.received, "conflicts": r.conflicts}
        if op == "pull":
            vv = exchange.check_vv(msg.get("vv"))
            limit = exchange.check_limit(msg.get("limit", changes.PAGE_OPS), changes.PAGE_OPS)
            with db.read_session() as s:  # pages of changes: a read never holds up the GUI's writes
                raw, chk, more = signing.page(s, vv, limit)
            return {"ops": raw, "chk": chk, "more": more}
        if op == "done":
            with db.session() as s:
                exchange.note_peer(s, msg.get("device"), msg.get("name"), exchange.check_vv(msg.get("vv")), "lan")
            return {}
        raise PeerRefused("Yêu cầu không hợp lệ", en="Invalid request")


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
        raise PeerRefused(f"Địa chỉ máy '{text[:60]}' không hợp lệ: dùng dạng MÁY:CỔNG, ví dụ 192.168.1.20:8766",
                          en=f"The laptop address '{text[:60]}' is not valid: use HOST:PORT, e.g. "
                             "192.168.1.20:8766")
    return host.strip("[]"), int(port)


def seal_request(key: GroupKey, msg: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """HTTP headers (with the sealed header) and the sealed body of one request (protocol 2)."""
    body = key.seal(REQ, exchange.pack(msg))
    req_id = read_header(body)["id"]
    auth = key.seal(AUTH, b"", message_id=req_id, extra={"t": int(time.time()), "n": len(body)})
    return {"Content-Type": "application/octet-stream",
            SEAL_HEADER: base64.urlsafe_b64encode(auth).decode("ascii")}, body


class _Client:
    def __init__(self, key: GroupKey, host: str, port: int) -> None:
        self.key = key
        self.conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
        self.requests = 0

    def call(self, msg: dict[str, Any]) -> dict[str, Any]:
        headers, sealed = seal_request(self.key, msg)
        req_id = read_header(sealed)["id"]
        try:
            self.conn.request("POST", PATH, body=sealed, headers=headers)
            resp = self.conn.getresponse()
            n = int(resp.getheader("Content-Length") or "-1")
            if n < 0 or n > exchange.MAX_PAGE_BYTES:
                raise PeerRefused("Câu trả lời của máy kia quá lớn hoặc hỏng",
                                  en="The other laptop's answer is too large or damaged")
            data = resp.read(n)
        except OSError as exc:
            raise PeerRefused("Không kết nối được với máy kia: kiểm tra địa chỉ, "
                              "mạng và tường lửa của máy đang phục vụ",
            en="Cannot connect to the other laptop: check the address, the network "
               "and the firewall of the serving laptop") from exc
        self.requests += 1
        if resp.status != 200:
            try:
                reason = str(json.loads(data).get("error", ""))[:300]
            except ValueError:
                reason = ""
            # protocol 1 answers an unknown path with 404; protocol 2 with its one refusal naming protocol 2
            older = 1 if resp.status == 404 else 2 if "giao thức đồng bộ 2)" in reason else 0
            if older:
                raise PeerRefused(f"Máy kia dùng phiên bản EnrollPoint cũ hơn (giao thức đồng bộ {older}, máy này "
                                  f"{LAN_PROTOCOL}): cập nhật EnrollPoint trên máy kia rồi đồng bộ lại",
                en=f"The other laptop runs an older EnrollPoint (sync protocol {older}, this one {LAN_PROTOCOL}): "
                   "update EnrollPoint on it, then sync again")
            raise PeerRefused(f"Máy kia từ chối: {reason or resp.status}",
                              en=f"The other laptop refused: {reason or resp.status}")
        header, body = self.key.open(data, RESP)
        if header.get("re") != req_id:
            raise PeerRefused("Câu trả lời không khớp yêu cầu (có thể bị gửi lại): đã dừng",
                              en="The answer does not match the request (it may be replayed): stopped")
        return exchange.unpack(body)

    def close(self) -> None:
        self.conn.close()


def _pull(client: _Client, cursor: dict[str, int]) -> tuple[list[Any], signing.Checkpoints, bool]:
    page = client.call({"op": "pull", "vv": cursor})
    return exchange.check_ops(page.get("ops")), signing.check_checkpoints(page.get("chk")), bool(page.get("more"))


Progress = Callable[[str, int, int], None]  # phase, done, total (total 0 = unknown)


@declares(PEER_MERGE)
def sync_with(
    db: Database,
    address: str,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> SyncResult:
    """One LAN sync with a member of the group: hello, push what it lacks, pull what this laptop lacks, done."""
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
            signing.seal_own(s)
            me, name, my_vv = device_id(s), device_name(s), changes.version_vector(s)
            mine = {"tips": forks.tips(s), "retracted": forks.known(s), "roster": signing.roster(s)}
        hello = client.call({"op": "hello", "device": me, "name": name, "vv": my_vv, **mine})
        result.peer_device, result.peer_name = str(hello.get("device", "")), str(hello.get("name", ""))[:80]
        if result.peer_device == me:
            with db.session() as s:
                clones.same_id(s, hello.get("tips"))
            raise PeerRefused("Máy kia có cùng mã máy với máy này (sao chép từ bản sao lưu?): không đồng bộ. Trên MỘT "
                                  "trong hai máy, người phụ trách chạy 'enrollpoint peer reidentify'",
            en="The other laptop has the same device id as this one (copied from a backup?): not syncing. "
               "On ONE of the two laptops, a supervisor runs 'enrollpoint peer reidentify'")
        _compare(db, hello)
        with db.session() as s:
            exchange.note_peer(s, result.peer_device, result.peer_name, exchange.check_vv(hello.get("vv")), "lan")
            signing.learn(s, hello.get("roster"), result.peer_device)
        their_vv = _push(db, client, me, name, exchange.check_vv(hello.get("vv")), result, progress, check)
        _pull_all(db, client, result, progress, check)
        with db.session() as s:
            my_vv = changes.version_vector(s)
            held = {o: max(their_vv.get(o, 0), my_vv.get(o, 0)) for o in {*their_vv, *my_vv}}  # after a full run
            exchange.note_peer(s, result.peer_device, result.peer_name, held, "lan")
        client.call({"op": "done", "device": me, "name": name, "vv": my_vv})
    finally:
        client.close()
    return result


def _compare(db: Database, hello: dict[str, Any]) -> None:
    """The other laptop's forks taken back, then its highest entries compared with this laptop's: two contents
    under one (origin, seq) refuse the sync with words rather than withhold entries (forks.py)."""
    with db.session() as s:
        forks.merge_in(s, forks.check(hello.get("retracted")))
    with db.session() as s:
        clones.check(s, forks.as_ops(s, hello.get("tips")))


def _push(db: Database, client: _Client, me: str, name: str, their_vv: dict[str, int], result: SyncResult,
          progress: Progress | None, check: Callable[[], None]) -> dict[str, int]:
    """Send the peer, page by page, the entries its version vector lacks; its vector afterwards."""
    with db.read_session() as s:
        to_send = changes.count_after(s, their_vv)
    for _ in range(MAX_PAGES):
        check()
        with db.read_session() as s:
            raw, chk, more = signing.page(s, their_vv)
        if not raw:
            break
        answer = client.call({"op": "push", "device": me, "name": name, "ops": raw, "chk": chk})
        before, their_vv = their_vv, exchange.check_vv(answer.get("vv"))
        if all(their_vv.get(o, 0) <= before.get(o, 0) for o in {op[0] for op in raw}):
            # nothing of the page taken (entries their author did not sign: listed on the other laptop)
            result.refused.append(f"{len(raw)} thay đổi máy kia không nhận (chưa có chữ ký hợp lệ của máy làm ra "
                                  "chúng): xem 'enrollpoint peer status' trên máy kia")
            break
        result.sent += len(raw)
        if progress:
            progress("send", result.sent, to_send)
        if not more:
            break
    return their_vv


def _pull_all(db: Database, client: _Client, result: SyncResult, progress: Progress | None,
              check: Callable[[], None]) -> None:
    """Fetch and apply, page by page, what this laptop lacks; the next page is fetched while one is applied."""
    with db.read_session() as s:
        cursor = changes.version_vector(s)
    screen = signing.Screen(via=result.peer_device)
    with ThreadPoolExecutor(1, thread_name_prefix="peer-pull") as pool:
        fetch = pool.submit(_pull, client, dict(cursor))
        for _ in range(MAX_PAGES):
            ops, proof, more = fetch.result()
            for o in ops:  # a page holds, per origin, the entries right after the cursor
                cursor[o[0]] = max(cursor.get(o[0], 0), o[1])
            if more:
                check()
                fetch = pool.submit(_pull, client, dict(cursor))
            if ops:
                with db.session() as s:
                    r = apply_ops(s, ops, screen, proof)
                result.received += r.received
                result.conflicts += r.conflicts
                result.quarantined += r.quarantined
            if progress:
                progress("receive", result.received, 0)
            if not more:
                break
            check()
    result.refused += signing.refusal_lines(screen.refused)

"""A stranger on the village-hall Wi-Fi and the LAN peer server: a real `enrollpoint peer serve`
process on 127.0.0.1, laptops in their own data directories and keyrings, members driven by the CLI.

Eight strangers each declare a 64 MiB body and send what they can: the server refuses each before reading
its body, its memory grows by less than 50 MB, every unauthenticated request gets the same answer (no
commune code, no version header), connections that never authenticate are dropped, and a member's sync
succeeds while strangers hold connections open."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.services.peer import lan
from tests.support.import_files import HEADER, TITLES, people_rows, write_csv

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")

MIB = 1024 * 1024


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    return dict(os.environ, ENROLLPOINT_DATA_DIR=str(tmp_path / name), XDG_DATA_HOME=str(tmp_path / f"xdg-{name}"),
                PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", ENROLLPOINT_PLAIN_DB="1")


def _cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(port: int, head: bytes, body: bytes = b"") -> bytes:
    """One raw request; the whole answer (bounded)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + body)
        out = b""
        for _ in range(100):
            part = s.recv(65536)
            if not part:
                break
            out += part
        return out


def _head(path: str, length: int, seal: str | None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
    if seal is not None:
        lines.append(f"{lan.SEAL_HEADER}: {seal}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    a, b = _env(tmp_path, "a"), _env(tmp_path, "b")
    for env in (a, b):
        assert _cli(env, "init", "--commune-code", "22736").returncode == 0
    made = _cli(a, "peer", "group", "create", "--json")
    assert made.returncode == 0, made.stderr
    assert _cli(b, "peer", "group", "join", json.loads(made.stdout)["code"]).returncode == 0
    listing = write_csv(tmp_path / "list.csv", [*TITLES, HEADER, *people_rows()])
    assert _cli(a, "import", str(listing)).returncode == 0
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "desktop", "peer", "serve", "--port", str(port)], env=a,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield server, port, b
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_strangers_declaring_64_mib_cost_little_and_a_member_still_syncs(served) -> None:  # type: ignore[no-untyped-def]
    server, port, member = served
    time.sleep(0.5)
    before = _rss_kb(server.pid)
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        for _ in range(2000):  # ≤ 100 s
            if stop.is_set():
                return
            peak[0] = max(peak[0], _rss_kb(server.pid))
            time.sleep(0.05)

    forged = base64.urlsafe_b64encode(b"EPPEER" + os.urandom(400)).decode()
    heads = [_head(lan.PATH, 64 * MIB, forged if i % 2 else None) for i in range(8)]
    sent = [0] * 8

    def stranger(i: int) -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(heads[i])
                chunk = b"\0" * MIB
                for _ in range(64):  # the whole declared body, unless the server hangs up first
                    s.sendall(chunk)
                    sent[i] += 1
        except OSError:
            pass

    sampler = threading.Thread(target=sample)
    sampler.start()
    strangers = [threading.Thread(target=stranger, args=(i,)) for i in range(8)]
    for t in strangers:
        t.start()
    for t in strangers:
        t.join(timeout=60)
    time.sleep(0.5)
    stop.set()
    sampler.join(timeout=10)
    growth_mb = (peak[0] - before) / 1024
    print(f"server RSS {before / 1024:.0f} MB → peak {peak[0] / 1024:.0f} MB (+{growth_mb:.1f} MB); "
          f"MiB each stranger got to send: {sent}")
    assert growth_mb < 50
    assert max(sent) < 64  # refused before the body: nobody could push 64 MiB into it

    # Idle strangers hold connections (no request at all, or half a request line) while a member syncs.
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(6)]
    for i, s in enumerate(idle):
        if i % 2:
            s.sendall(b"POST /enrollpoint/pe")
    t0 = time.monotonic()
    r = _cli(member, "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["received"] >= 4
    # …and are dropped by the server once the pre-authentication deadline has passed.
    for s in idle:
        s.settimeout(max(1.0, lan.PREAUTH_S + 5 - (time.monotonic() - t0)))
        try:
            got = s.recv(65536)
        except TimeoutError:
            got = b"still open"
        except OSError:
            got = b""
        s.close()
        assert got == b"" or got.startswith(b"HTTP/1.0 403")


def test_every_unauthenticated_request_gets_the_same_refusal_without_versions(served) -> None:  # type: ignore[no-untyped-def]
    _server, port, _member = served
    forged = base64.urlsafe_b64encode(b"EPPEER" + os.urandom(300)).decode()
    answers = [
        _request(port, _head(lan.PATH, 64 * MIB, None)),  # no seal, a huge declared body
        _request(port, _head(lan.PATH, 64 * MIB, forged)),  # a forged seal
        _request(port, _head(lan.PATH, 10, "%%%not-base64%%%"), b"0123456789"),
        _request(port, _head("/enrollpoint/peer/v1", 100, None), b"x" * 100),  # an old laptop (protocol 1)
        _request(port, _head(lan.PATH, 10, "A" * 5000)),  # a seal far over 1 KiB
        _request(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        _request(port, b"BREW /pot HTTP/1.1\r\n" + b"X-Junk: " + b"y" * 20000 + b"\r\n\r\n"),
    ]
    bodies = set()
    for a in answers:
        head, _, body = a.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].split(" ", 1)[1].startswith("403"), lines[0]
        names = {ln.split(":", 1)[0].lower() for ln in lines[1:]}
        assert "server" not in names
        assert b"Python" not in a and b"22736" not in a and b"BaseHTTP" not in a
        bodies.add(body)
    assert len(bodies) == 1
    assert json.loads(bodies.pop())["error"] == lan.REFUSAL


def test_connections_past_the_cap_are_closed_at_once_and_freed_slots_serve_members(served) -> None:  # type: ignore[no-untyped-def]
    _server, port, member = served
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(lan.MAX_CONNECTIONS)]
    try:
        time.sleep(1.0)  # every held connection accepted and given its slot
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        extra.settimeout(3)
        t0 = time.monotonic()
        try:
            got = extra.recv(100)
        except ConnectionResetError:
            got = b""
        extra.close()
        assert got == b"" and time.monotonic() - t0 < 3  # closed at once, nothing read, no thread
    finally:
        for s in held:
            s.close()
    time.sleep(1.0)
    r = _cli(member, "peer", "sync", "--with", f"127.0.0.1:{port}", "--json")
    assert r.returncode == 0, r.stderr

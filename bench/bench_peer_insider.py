"""Peak RSS of a receiver reading pages crafted by a member of the group (the worst a page within every
limit can cost), each imported by a real process (`usbfile.import_file` in a fresh interpreter on a real
database file). Writes the table to stdout; recorded in bench/RESULTS-peer.md.

Run: PYTHONPATH=. python bench/bench_peer_insider.py [workdir]
"""

from __future__ import annotations

import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

WORK = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="peer-insider-"))
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ["XDG_DATA_HOME"] = str(WORK / "xdg")
os.environ["XDG_CONFIG_HOME"] = str(WORK / "xdg-config")
os.environ["ENROLLPOINT_PLAIN_DB"] = "1"

from desktop.services.peer import exchange, group, lan, usbfile  # noqa: E402
from desktop.services.peer.ids import device_id  # noqa: E402
from tests.support.peers import laptop  # noqa: E402

CHILD = r"""
import sys, time
from pathlib import Path
from desktop.services.peer import usbfile
from desktop.services.peer.crypto import PeerRefused
from desktop.storage.db import open_database

def hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0

db = open_database(Path(sys.argv[1]), encrypted=False)
usbfile.group_key(db)
before = hwm()
t = time.perf_counter()
try:
    r = usbfile.import_file(db, sys.argv[2])
    what = f"read: {r.received} received, {r.duplicates} duplicates"
except PeerRefused as exc:
    what = "refused: " + exc.message[:70]
print(f"{before}\t{hwm()}\t{time.perf_counter() - t:.1f}\t{what}")
"""

CHILD_LAN = r"""
import sys
from pathlib import Path
from desktop.services.peer import lan
from desktop.storage.db import open_database

def hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0

server = lan.PeerServer(open_database(Path(sys.argv[1]), encrypted=False)).start()
print(server.port, hwm(), flush=True)
sys.stdin.readline()
print(hwm(), flush=True)
server.stop()
"""

GID = "0190f000-0000-7000-8000-{:012x}"


def page_of(me: str, ops: list[list[object]]) -> dict[str, object]:
    return {"device": me, "name": "Máy gian", "vv": {me: len(ops)}, "since": {}, "ops": ops}


BASE = [0]


def fill(me: str, body_for: object) -> list[list[object]]:
    """As many entries as fit under the caps (entry count and uncompressed size); new to the receiver (each
    case its own range of sequence numbers and gids), so every entry is stored, the costliest path."""
    ops: list[list[object]] = []
    size = 200
    base = BASE[0]
    BASE[0] += exchange.MAX_OPS
    for i in range(exchange.MAX_OPS):
        text = json.dumps(body_for(i), ensure_ascii=False, separators=(",", ":"))  # type: ignore[operator]
        entry = [me, base + i + 1, f"1796515200000.00000.{me}", "citizen", GID.format(base + i), text]
        n = len(json.dumps(entry, ensure_ascii=False).encode("utf-8")) + 8
        if size + n > exchange.MAX_PLAIN_BYTES - 65536:
            break
        size += n
        ops.append(entry)
    return ops


def cases(me: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    many_fields = {f"f{k:02d}": k for k in range(exchange.MAX_FIELDS)}
    out["10,000 entries × 40 fields (most objects)"] = json.dumps(page_of(me, fill(me, lambda i: many_fields))).encode()
    wide = "😀" + "x" * 2000  # one astral char: every char of the string takes 4 bytes in memory
    out["12 MiB of 4-byte-per-char strings (bodies ≈ 2 kB)"] = json.dumps(
        page_of(me, fill(me, lambda i: {"note": wide, "full_name": wide[:200]})), ensure_ascii=False).encode()
    out["a page of empty lists (items cap)"] = (
        b'{"device":"' + me.encode() + b'","vv":{},"ops":[' + b",".join([b"[]"] * 700_000) + b"]}")
    out["a body nested 3 deep"] = json.dumps(page_of(me, [[me, 1, f"1796515200000.00000.{me}", "citizen", GID.format(1),
                                                          '{"a":{"b":{"c":1}}}']])).encode()
    out["gzip bomb (1 GiB of zeros)"] = b"0" * (1 << 30)
    return out


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    a, b = laptop(WORK, "insider"), laptop(WORK, "victim")
    info = group.create_group(a)
    assert info.code is not None
    group.join_group(b, info.code, name="Máy 2")
    key = group.group_key(a)
    with a.session() as s:
        me = device_id(s)
    print("| page | plain bytes | file | receiver RSS before → peak (MB) | time (s) | outcome |")
    print("|---|---|---|---|---|---|")
    for i, (name, plain) in enumerate(cases(me).items()):
        packed = gzip.compress(plain, 6)
        sealed = key.seal(usbfile.KIND, packed, extra={"file": f"{i:032x}", "frame": 0, "last": True})
        f = WORK / f"case{i}.epp"
        f.write_bytes(struct.pack(">I", len(sealed)) + sealed)
        got = subprocess.run([sys.executable, "-c", CHILD, str(b.path), str(f)], capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": os.getcwd()}, timeout=900, check=False)
        line = got.stdout.strip().splitlines()[-1] if got.stdout.strip() else "\t\t\t" + got.stderr.strip()[-200:]
        before, peak, secs, what = line.split("\t", 3)
        print(f"| {name} | {len(plain) / 2**20:.1f} MiB | {f.stat().st_size / 2**20:.1f} MiB | {before} → {peak} "
              f"(+{int(peak or 0) - int(before or 0)}) | {secs} | {what} |", flush=True)
    lan_push(str(b.path), key, me)


def lan_push(b_path: str, key: object, me: str) -> None:
    """The widest page pushed to a real LAN server process by a member (the server reads and merges it)."""
    import time

    from desktop.services.peer.crypto import PeerRefused

    wide = "😀" + "x" * 2000
    ops = fill(me, lambda i: {"note": wide, "full_name": wide[:200]})
    child = subprocess.Popen([sys.executable, "-c", CHILD_LAN, b_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert child.stdout is not None and child.stdin is not None
    port, before = child.stdout.readline().split()
    client = lan._Client(key, "127.0.0.1", int(port))  # type: ignore[arg-type]
    t = time.perf_counter()
    try:
        got = client.call({"op": "push", "ops": ops})
        what = f"read: {got['received']} received"
    except PeerRefused as exc:
        what = "refused: " + exc.message[:70]
    secs = time.perf_counter() - t
    client.close()
    child.stdin.write("\n")
    child.stdin.flush()
    peak = child.stdout.readline().strip()
    child.wait(timeout=60)
    plain = len(json.dumps({"op": "push", "ops": ops}, ensure_ascii=False).encode())
    print(f"| LAN push to a `PeerServer` process: {len(ops)} entries of 4-byte-per-char strings | {plain / 2**20:.1f} MiB"
          f" | — | {before} → {peak} (+{int(peak) - int(before)}) | {secs:.1f} | {what} |", flush=True)


if __name__ == "__main__":
    main()

"""Pages and requests a member of the group could shape to exhaust or crash the receiver: nesting, item
count and size bounded before json.loads; `pull` limits and request times range-checked (a negative limit,
NaN, text refused with words, nothing answered). A real LAN server on 127.0.0.1 and real database files;
the memory a page can cost is measured by bench/bench_peer_insider.py (bench/RESULTS-peer.md)."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import time
from pathlib import Path

import pytest

from desktop.services.peer import exchange, group, lan
from desktop.services.peer.crypto import PeerRefused, read_header
from desktop.services.peer.stamp import stamp
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database
from tests.support.peers import add_person, laptop


def _pair(tmp_path: Path) -> tuple[Database, Database]:
    a, b = laptop(tmp_path, "a"), laptop(tmp_path, "b")
    info = group.create_group(a)
    assert info.code is not None
    group.join_group(b, info.code, name="Máy 2")
    for i, name in enumerate(("An", "Bình", "Chi", "Dung", "Giang")):
        add_person(a, f"Nguyễn Thị {name}", f"00119001{i:04d}")
    with a.session() as s:
        stamp(s)  # `hello` would, before a pull
    return a, b


@pytest.mark.parametrize("limit", [-1, 0, float("nan"), float("inf"), "5", True, 10**9 + 0.5])
def test_pull_limit_out_of_range_is_refused(tmp_path: Path, limit: object) -> None:
    a, b = _pair(tmp_path)
    server = lan.PeerServer(a).start()
    client = lan._Client(group.group_key(b), "127.0.0.1", server.port)
    try:
        with pytest.raises(PeerRefused, match="số thay đổi mỗi trang"):
            client.call({"op": "pull", "vv": {}, "limit": limit})
        page = client.call({"op": "pull", "vv": {}, "limit": 3})  # a sound limit still works
        assert len(page["ops"]) == 3 and page["more"] is True
    finally:
        client.close()
        server.stop()


@pytest.mark.parametrize("when", [float("nan"), float("inf"), True, "now"])
def test_sealed_request_time_must_be_a_finite_number(tmp_path: Path, when: object) -> None:
    a, b = _pair(tmp_path)
    key = group.group_key(b)
    server = lan.PeerServer(a).start()
    try:
        body = key.seal(lan.REQ, exchange.pack({"op": "pull", "vv": {}}))
        auth = key.seal(lan.AUTH, b"", message_id=read_header(body)["id"], extra={"t": when, "n": len(body)})
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("POST", lan.PATH, body=body, headers={
            lan.SEAL_HEADER: base64.urlsafe_b64encode(auth).decode("ascii")})
        resp = conn.getresponse()
        answer = resp.read()
        conn.close()
        assert resp.status == 403 and "Đồng hồ" in json.loads(answer)["error"]
    finally:
        server.stop()


def _page(ops_json: bytes) -> bytes:
    return gzip.compress(b'{"device":"ab","vv":{},"ops":' + ops_json + b"}")


@pytest.mark.parametrize("case", ["deep", "items", "long_string", "trailing", "too_big"])
def test_hostile_pages_are_refused_before_parsing(case: str) -> None:
    data = {
        "deep": _page(b"[" * 50 + b"]" * 50),
        "items": _page(b"[" + b",".join([b"0"] * (exchange.MAX_PAGE_ITEMS + 10)) + b"]"),
        "long_string": _page(b'["' + b"x" * (exchange.MAX_BODY + 10) + b'"]'),
        "trailing": _page(b"[]") + b"\0" * 1000,
        "too_big": gzip.compress(b" " * (exchange.MAX_PLAIN_BYTES + 1)),
    }[case]
    started = time.perf_counter()
    with pytest.raises(PeerRefused, match="từ chối|hỏng"):
        exchange.unpack(data)
    assert time.perf_counter() - started < 10


def test_a_body_nested_or_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    gid = "0190f000-0000-7000-8000-000000000001"
    op = ["ab", 1, "1796515200000.00000.ab", "citizen", gid, '{"note":{"x":[1]}}']
    with pytest.raises(PeerRefused, match="một thay đổi"):
        exchange.check_ops([op])
    with pytest.raises(PeerRefused, match="danh sách thay đổi"):
        exchange.check_ops([op] * (exchange.MAX_OPS + 1))
    server = lan.PeerServer(a).start()  # pushed over the LAN: refused with words, nothing stored
    client = lan._Client(group.group_key(b), "127.0.0.1", server.port)
    try:
        with pytest.raises(PeerRefused, match="sai cấu trúc"):
            client.call({"op": "push", "ops": [op]})
    finally:
        client.close()
        server.stop()
    with a.session() as s:
        assert driver_connection(s).execute("SELECT count(*) FROM peer_log WHERE origin = 'ab'").fetchone()[0] == 0

"""sync.limits and its use in sync.protocol / sync.bundle: bounded gunzip, the JSON shape scan before
json.loads, date ranges and personal data in village names (shared by the laptop and the hub)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib

import pytest

from sync import limits, protocol
from sync.bundle import read_bundle


def _bomb(pieces: list[bytes], repeat: int) -> bytes:
    """gzip of pieces[0] + pieces[1] * repeat + pieces[2], compressed in a stream (never built whole)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [c.compress(pieces[0])]
    block = pieces[1] * 4096
    for _ in range(repeat // 4096):
        out.append(c.compress(block))
    out.append(c.compress(pieces[1] * (repeat % 4096) + pieces[2]))
    out.append(c.flush())
    return b"".join(out)


def test_gunzip_bounded_streams_and_caps():
    data = b"x" * 300_000
    wire = gzip.compress(data)
    chunks = [wire[i:i + 1000] for i in range(0, len(wire), 1000)]
    seen: list[int] = []
    assert limits.gunzip_bounded(chunks, 300_000, sink=lambda b: seen.append(len(b)), piece=65536) == data
    assert max(seen) <= 65536
    with pytest.raises(limits.LimitExceeded) as e:
        limits.gunzip_bounded(wire, 299_999)
    assert e.value.kind == limits.SIZE and e.value.status == 413
    with pytest.raises(limits.LimitExceeded) as e:
        limits.gunzip_bounded(wire[:-10], 10**6)
    assert e.value.kind == limits.SYNTAX and "truncated" in e.value.reason
    with pytest.raises(limits.LimitExceeded):
        limits.gunzip_bounded(b"not gzip at all", 100)


def test_gunzip_bomb_stops_at_the_cap_without_building_it():
    wire = _bomb([b"", b" ", b""], 64 * 1024 * 1024)  # 64 MiB of spaces in ~64 KB
    assert len(wire) < 200_000
    got = []
    with pytest.raises(limits.LimitExceeded):
        limits.gunzip_bounded(wire, 2 * 1024 * 1024, sink=lambda b: got.append(len(b)))
    assert sum(got) <= 2 * 1024 * 1024


def test_deep_nesting_is_refused_without_recursion():
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(limits.LimitExceeded) as e:
        limits.check_json(deep)
    assert e.value.kind == limits.SHAPE and "deeper" in e.value.reason
    # the same through the protocol: a ProtocolError with 400, never a RecursionError
    with pytest.raises(protocol.ProtocolError) as pe:
        protocol.decode_batch(deep)
    assert pe.value.status == 400
    limits.check_json(b'{"a":[[["ok"]]],"b":"[[[[[[[[[[[[[[[[[[[["}')  # brackets inside strings don't count


def test_items_and_string_length_are_bounded():
    with pytest.raises(limits.LimitExceeded):
        limits.check_json(b"[" + b"{}," * 2000 + b"{}]", max_items=1000)
    with pytest.raises(limits.LimitExceeded):
        limits.check_json(b'["' + b"a" * 5000 + b'"]', max_string=4096)
    with pytest.raises(limits.LimitExceeded):  # escapes count as items (each can become an object's worth)
        limits.check_json(b'["' + b"\\n" * 2000 + b'"]', max_items=1000)
    escaped = b'["a\\"]]]]]]]]]]]]]]]]]]", "b\\\\"]'
    limits.check_json(escaped)
    assert json.loads(escaped) == ['a"]]]]]]]]]]]]]]]]]]', "b\\"]
    with pytest.raises(limits.LimitExceeded):
        limits.check_json(b'["unterminated')
    # chunk boundaries anywhere give the same answer
    doc = json.dumps({"x": ['q"\\[', {"y": [1, 2, {"z": "]]]"}]}]}).encode()
    for cut in range(len(doc)):
        scan = limits.JsonShape(max_depth=5)
        scan.feed(doc[:cut])
        scan.feed(doc[cut:])
        scan.finish()
        assert scan.depth == 0


def test_dates_range_checked_and_never_overflow():
    now = dt.datetime(2025, 8, 4, 12, tzinfo=dt.UTC)
    assert limits.check_day(dt.date(2025, 8, 5), now) is None
    assert limits.check_day(dt.date(2025, 8, 6), now)
    assert limits.check_day(dt.date(2019, 12, 31), now)
    assert limits.parse_instant("0001-01-01T00:00:00+05:00") is None  # would overflow astimezone
    assert limits.parse_instant("9999-12-31T23:59:59-05:00") is None
    assert limits.parse_instant("2025-08-04T17:00:00+07:00") == dt.datetime(2025, 8, 4, 10, tzinfo=dt.UTC)
    assert limits.check_instant(dt.datetime(9999, 12, 31, tzinfo=dt.UTC), now)
    r = protocol.Report("1", "P1", dt.date(2025, 7, 1), 1, protocol.utc_now(), {}).to_dict()
    for field_name, value in [("day", "0001-01-01"), ("day", "9999-12-31"), ("closed_at", "0001-01-01T00:00:00+05:00"),
                              ("closed_at", "9999-12-31T00:00:00Z"), ("closed_at", "1999-01-01T00:00:00Z")]:
        with pytest.raises(protocol.ProtocolError) as e:
            protocol.Report.from_dict({**r, field_name: value})
        assert e.value.field == f"report.{field_name}" and e.value.status == 422


@pytest.mark.parametrize("name", [
    "Trần Thị Bình 0987654321", "0987 654 321", "Thôn 5 - 0912.345.678", "079123456789", "Nguyễn Văn An",
    "trần thị bình", "Lê Minh Tuấn", "sinh 12/03/1985",
])
def test_village_names_with_personal_data(name):
    assert limits.village_name_problem(name)


@pytest.mark.parametrize("name", [
    "Thôn 5", "Tổ dân phố Nguyễn Huệ", "Chưa rõ thôn/tổ", "Ấp Phú Hòa", "Khu phố 12", "Thôn Trần Phú",
    "Bản Na Hang", "Xóm Mới", "Lê Lợi", "Trường Sa Lớn", "Song Tử Tây", "Tổ 12, khu 3", "TDP Lê Văn Tám",
])
def test_village_names_that_are_places(name):
    assert limits.village_name_problem(name) is None


def test_read_bundle_refuses_bombs(tmp_path):
    p = tmp_path / "deep.epb"
    p.write_bytes(gzip.compress(b"[" * 100_000))
    with pytest.raises(protocol.ProtocolError) as e:
        read_bundle(p)
    assert e.value.status == 400
    p = tmp_path / "many.epb"
    p.write_bytes(_bomb([b'{"format":"enrollpoint-bundle","version":1,"batches":[', b"{},", b"{}]}"], 10**6))
    with pytest.raises(protocol.ProtocolError) as e:
        read_bundle(p)
    assert e.value.status == 400 and "items" in e.value.reason
    p = tmp_path / "big.epb"
    p.write_bytes(_bomb([b'{"format":"enrollpoint-bundle","version":1,"batches":[{"body":"', b"A",
                         b'"}]}'], protocol.MAX_BUNDLE_JSON_BYTES + 10))
    with pytest.raises(protocol.ProtocolError) as e:
        read_bundle(p)
    assert e.value.status in (400, 413)

"""The one format both transports carry: a page of change-log entries, gzip'd JSON, sealed for the group.

Everything read from outside is bounded before it is parsed: compressed and uncompressed size, number of
entries, the shape and size of every field (no nesting beyond one object of scalars per entry).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import re
import zlib
from typing import Any, TypeGuard

from sqlalchemy.orm import Session

from desktop.models import PeerDevice
from desktop.services.peer import hlc as hlc_rules
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.merge import Op
from desktop.services.peer.spec import BY_NAME
from sync.limits import LimitExceeded, check_json

# One page after gunzip. Senders cut pages at 5,000 entries or 6 M characters of bodies (changes.py), which
# a page of ordinary records never nears (5,000 citizens ≈ 3 MB); the caps below keep what one page can
# cost the receiver under 200 MB of peak RSS growth (bench/bench_peer_insider.py → bench/RESULTS-peer.md).
MAX_PLAIN_BYTES = 12 * 1024 * 1024
MAX_PAGE_BYTES = MAX_PLAIN_BYTES + 4 * 1024 * 1024  # sealed page, compressed (gzip never grows much)
MAX_OPS = 10_000
MAX_FIELDS = 40
MAX_TEXT = 4000
MAX_BODY = 64 * 1024  # one entry's body (JSON text)
MAX_PAGE_ITEMS = 1_500_000  # structural JSON items of a page (brackets, commas, colons, escapes) before parsing
MAX_PAGE_DEPTH = 4  # {"ops": [[…, "body"], …], "vv": {…}}
MAX_BODY_ITEMS = 4 * MAX_FIELDS + 2 * MAX_TEXT  # one body: a flat object of scalars
_HEX = re.compile(r"^[0-9a-f]{1,32}$")
_GID = re.compile(r"^[0-9a-f-]{36}$")


def pack(payload: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack(data: bytes) -> dict[str, Any]:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = d.decompress(data, MAX_PLAIN_BYTES)
    except zlib.error:
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (không giải nén được)",
                          en="The sync data is damaged (it cannot be decompressed)") from None
    if d.unconsumed_tail:
        raise PeerRefused("Dữ liệu đồng bộ quá lớn: đã từ chối", en="The sync data is too large: refused")
    if not d.eof or d.unused_data:  # bytes after the gzip stream would otherwise be carried unread
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (không giải nén được)",
                          en="The sync data is damaged (it cannot be decompressed)")
    _shape(plain, max_depth=MAX_PAGE_DEPTH, max_items=MAX_PAGE_ITEMS, max_string=MAX_BODY)
    try:
        payload = json.loads(plain)
    except ValueError:
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (không đọc được)",
                          en="The sync data is damaged (it cannot be read)") from None
    if not isinstance(payload, dict):
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (sai cấu trúc)",
                          en="The sync data is damaged (wrong structure)")
    return payload


_PARTS_EN = {"bảng phiên bản": "version table", "danh sách thay đổi": "list of changes", "một thay đổi": "a change"}


def _shape(data: bytes, **limits: int) -> None:
    """Nesting, item count and string length bounded before json.loads builds anything (sync.limits)."""
    try:
        check_json(data, **limits)
    except LimitExceeded:
        raise PeerRefused("Dữ liệu đồng bộ sai cấu trúc (quá sâu, quá nhiều phần tử hoặc chuỗi quá dài): đã từ chối, "
                          "không lưu gì",
                          en="The sync data is malformed (too deep, too many items or too long a text): refused, "
                             "nothing stored") from None


def _bad(what: str) -> PeerRefused:
    return PeerRefused(f"Dữ liệu đồng bộ sai cấu trúc ({what}): đã từ chối, không lưu gì",
                       en=f"The sync data has a wrong structure ({_PARTS_EN.get(what, what)}): refused, nothing "
                          "stored")


def is_time(value: object) -> TypeGuard[float]:
    """A sealed request time: a finite number of seconds (NaN compares false with every bound, so it is refused
    here rather than let through by `abs(now - t) > skew`)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_limit(value: Any, most: int) -> int:
    """A page size asked for by the other laptop: a whole number from 1 to `most` (not negative, NaN, text)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
        raise _bad("số thay đổi mỗi trang")
    return value


def check_vv(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > 1000:
        raise _bad("bảng phiên bản")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or not _HEX.match(k) or not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise _bad("bảng phiên bản")
        out[k] = v
    return out


def check_ops(value: Any) -> list[Op]:
    """Entries as sent ([origin, seq, hlc, entity, gid, body as JSON text]) → checked, body parsed, text kept."""
    if not isinstance(value, list) or len(value) > MAX_OPS:
        raise _bad("danh sách thay đổi")
    out: list[Op] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 6:
            raise _bad("một thay đổi")
        origin, seq, hlc, entity, gid, text = item
        if not isinstance(text, str) or len(text) > MAX_BODY:
            raise _bad("một thay đổi")
        try:
            check_json(text.encode("utf-8"), max_depth=1, max_items=MAX_BODY_ITEMS, max_string=MAX_TEXT * 4)
            body = json.loads(text)
        except (ValueError, LimitExceeded):
            raise _bad("một thay đổi") from None
        if not (isinstance(origin, str) and _HEX.match(origin) and isinstance(seq, int) and not isinstance(seq, bool)
                and 0 < seq < 2**62 and isinstance(hlc, str) and hlc_rules.WIRE.match(hlc) and entity in BY_NAME
                and isinstance(gid, str) and _GID.match(gid) and isinstance(body, dict) and len(body) <= MAX_FIELDS):
            raise _bad("một thay đổi")
        for k, v in body.items():
            if not isinstance(k, str) or len(k) > 40:
                raise _bad("tên trường")
            if v is not None and not isinstance(v, str | int | float | bool):
                raise _bad(f"giá trị trường {k[:40]}")
            if isinstance(v, str) and len(v) > MAX_TEXT:
                raise _bad(f"giá trị trường {k[:40]} quá dài")
        # Old laptops' overflowed counters and stamps past the ceiling: one canonical text everywhere (hlc.py)
        out.append((origin, seq, hlc_rules.canonical(hlc), entity, gid, body, text))
    return out


def note_peer(session: Session, device: Any, name: Any, vv: dict[str, int], via: str) -> None:
    """Remember another laptop of the group and what it held (the panel's "last synced" and "waiting")."""
    if not isinstance(device, str) or not _HEX.match(device):
        raise _bad("mã máy")
    row = session.get(PeerDevice, device)
    if row is None:
        row = PeerDevice(device_id=device, name="", last_vv="{}", via=via)
        session.add(row)
    row.name = str(name or "")[:80]
    row.last_sync_at = dt.datetime.now().replace(microsecond=0)
    row.last_vv = json.dumps(vv, sort_keys=True)
    row.via = via
    session.flush()

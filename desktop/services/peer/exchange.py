"""The one format both transports carry: a page of change-log entries, gzip'd JSON, sealed for the group.

Everything read from outside is bounded before it is parsed: compressed and uncompressed size, number of
entries, the shape and size of every field (no nesting beyond one object of scalars per entry).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from typing import Any

from sqlalchemy.orm import Session

from desktop.models import PeerDevice
from desktop.services.peer import hlc as hlc_rules
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.merge import Op
from desktop.services.peer.spec import BY_NAME

MAX_PAGE_BYTES = 64 * 1024 * 1024  # sealed page, compressed
MAX_PLAIN_BYTES = 256 * 1024 * 1024  # one page after gunzip
MAX_OPS = 20_000
MAX_FIELDS = 40
MAX_TEXT = 4000
MAX_BODY = 64 * 1024  # one entry's body (JSON text)
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


def _bad(what: str) -> PeerRefused:
    return PeerRefused(f"Dữ liệu đồng bộ sai cấu trúc ({what}): đã từ chối, không lưu gì",
                       en=f"The sync data has a wrong structure ({_PARTS_EN.get(what, what)}): refused, nothing "
                          "stored")


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
            body = json.loads(text)
        except ValueError:
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

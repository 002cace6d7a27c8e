"""The roll-up document a province hub signs and a national hub checks (pure: no database, no web).

Wire shape (JSON): {"batch": {...}, "signature": base64}. The batch: format, version, province, batch_id,
created_at and rows [{commune, day, revision, provisional, values{indicator: count}}]. The signature is the
province hub's Ed25519 signature over a domain label and the canonical JSON of the batch, so a figure
changed on the way, or a batch moved to another province, does not verify.

Version 2 adds, optionally, per row `completeness` [expected, on time by network, USB, phone, late by
network, USB, phone, missing] — eight counts of the commune's live laptops that day and how each first
reported it (a flat list: nested objects made a 5,000-row batch several times slower to parse); a row of a
commune that sent nothing has `values` {} — and per batch `targets` {commune: {indicator: value}} (the province's whole set,
replacing the one held). Rolling upgrade: a national hub reads versions 1 and 2 (a version-1 batch is stored
without completeness and shown as such); a version-2 province hub's batch is refused by a version-1
national hub with its words (unknown version) and stays pending: upgrade the national hub first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

from province.errors import HubRefusal
from sync import indicators, limits, signing
from sync.protocol import canonical_json

FORMAT = "enrollpoint-national-rollup"
VERSION = 2
READS = (1, 2)  # versions this national hub accepts
CHANNELS = ("network", "usb", "phone")  # province.models.steering.CHANNELS, as written on the wire
MAX_LAPTOPS = 1_000  # live laptops of one commune (bounds the completeness counts)
MAX_TARGETS = 20_000  # commune × indicator pairs in one batch's targets
DOMAIN = b"enrollpoint-national-rollup-v1\n"
RECEIPT_DOMAIN = b"enrollpoint-national-receipt-v1\n"
MAX_ROWS = 5_000  # rows per batch; a year of a province (≈100 communes × 365) goes in a few batches
MAX_WIRE = 4 * 1024 * 1024  # bytes of a batch as received
MAX_COUNT = 10_000_000
_CODE = re.compile(r"^[0-9]{1,8}$")
_ID = re.compile(r"^[0-9a-f]{32}$")


class RollupRefused(HubRefusal):
    """A roll-up the national hub will not take; nothing was stored."""

    title = "Không nhận số liệu tỉnh gửi lên"


@dataclass(frozen=True, slots=True)
class Row:
    commune: str
    day: dt.date
    revision: int
    provisional: bool
    values: dict[str, int]  # {} : the commune sent nothing that day (a completeness-only row)
    completeness: tuple[int, ...] | None = None  # the eight counts, see the module docstring

    def to_dict(self) -> dict[str, Any]:
        out = {"commune": self.commune, "day": self.day.isoformat(), "revision": self.revision,
               "provisional": self.provisional, "values": dict(sorted(self.values.items()))}
        if self.completeness is not None:
            out["completeness"] = list(self.completeness)
        return out


def sign_batch(private_key: str, batch: dict[str, Any]) -> dict[str, Any]:
    return {"batch": batch, "signature": signing.sign(private_key, DOMAIN + canonical_json(batch))}


def new_batch(province: str, batch_id: str, created_at: str, rows: list[Row],
              targets: dict[str, dict[str, int]] | None = None, version: int = VERSION) -> dict[str, Any]:
    out = {"format": FORMAT, "version": version, "province": province, "batch_id": batch_id,
           "created_at": created_at, "rows": [r.to_dict() for r in rows]}
    if targets is not None:
        out["targets"] = targets
    return out


def completeness(expected: int, on_time: dict[str, int], late: dict[str, int], missing: int) -> tuple[int, ...]:
    """A row's completeness: (expected, on time × CHANNELS, late × CHANNELS, missing)."""
    return (expected, *(int(on_time.get(c, 0)) for c in CHANNELS), *(int(late.get(c, 0)) for c in CHANNELS), missing)


def completeness_dict(t: tuple[int, ...] | list[int]) -> dict[str, Any]:
    """The eight counts named, as the national hub stores and shows them."""
    return {"expected": t[0], "on_time": dict(zip(CHANNELS, t[1:4], strict=True)),
            "late": dict(zip(CHANNELS, t[4:7], strict=True)), "missing": t[7]}


def _refuse(en: str, vi: str, status: int = 422, field: str | None = None) -> RollupRefused:
    return RollupRefused(en, vi=vi, status=status, field=field)


def province_of(wire: Any) -> str:
    """The claimed province, checked for shape only (the signature is checked with its pinned key next)."""
    if not isinstance(wire, dict) or not isinstance(wire.get("batch"), dict):
        raise _refuse("not a roll-up batch", "Tệp gửi lên không phải một lô số liệu tỉnh.", field="batch")
    batch = wire["batch"]
    if batch.get("format") != FORMAT or type(batch.get("version")) is not int or batch["version"] not in READS:
        raise _refuse(f"unknown roll-up format or version (this hub reads {FORMAT} versions 1 and 2)",
                      f"Lô số liệu có định dạng hoặc phiên bản lạ (máy chủ này đọc {FORMAT} phiên bản 1 và 2).",
                      field="version")
    province = batch.get("province")
    if not isinstance(province, str) or not _CODE.match(province):
        raise _refuse("province must be a province code", "Mã tỉnh trong lô không hợp lệ.", field="province")
    return province


def wire_text(wire: dict[str, Any]) -> str:
    """The wire in its canonical form, as a province hub stores and sends it: the national hub then finds the
    signed bytes inside the body instead of encoding 4 MB of JSON again (`signed_part`)."""
    return wire_bytes(wire, canonical_json(wire["batch"])).decode("utf-8")


_PREFIX = b'{"batch":'


def signed_part(raw: bytes, wire: dict[str, Any]) -> bytes | None:
    """The batch's bytes inside `raw` when `raw` is exactly {"batch":…,"signature":"…"} (wire_text), else
    None. Sound because only the signature makes them count: an honest hub signs canonical_json(batch), a
    single JSON object, so `raw` then parses to that batch; any other body is verified the slow way."""
    signature = wire.get("signature")
    if not isinstance(signature, str) or set(wire) != {"batch", "signature"}:
        return None
    suffix = b',"signature":' + canonical_json(signature) + b"}"
    if raw.startswith(_PREFIX) and raw.endswith(suffix) and len(raw) > len(_PREFIX) + len(suffix):
        return raw[len(_PREFIX):-len(suffix)]
    return None


def verify(wire: dict[str, Any], public_key: str, raw: bytes | None = None) -> bytes:
    """Check the signature; answer the canonical bytes of the batch (signed, and hashed by the intake):
    found in `raw` (the body as received) when it is in canonical form, else encoded from the parsed batch."""
    signature = wire.get("signature")
    if not isinstance(signature, str) or len(signature) > signing.MAX_SIGNATURE:
        signature = ""
    found = signed_part(raw, wire) if raw is not None and signature else None
    if found is not None and signing.verify(public_key, DOMAIN + found, signature):
        return found
    signed = canonical_json(wire["batch"])  # a body in another form (spaces, key order): encoded here
    if not signature or not signing.verify(public_key, DOMAIN + signed, signature):
        raise _refuse("the batch's signature does not verify with the province hub's pinned key (changed on "
                      "the way, or not from that hub)",
                      "Chữ ký của lô không khớp khóa đã ghi nhận của máy chủ tỉnh (lô bị sửa trên đường, hoặc "
                      "không phải do máy chủ tỉnh đó gửi): không nhận.", status=403, field="signature")
    return signed


def wire_bytes(wire: dict[str, Any], signed: bytes) -> bytes:
    """canonical_json(wire) from the batch's canonical bytes already made (a batch is up to 4 MB)."""
    if set(wire) != {"batch", "signature"}:
        return canonical_json(wire)
    return b'{"batch":' + signed + b',"signature":' + canonical_json(wire["signature"]) + b"}"


def _row(raw: Any, i: int, keys: frozenset[str], last: dt.date) -> Row:
    """One row, checked; the fast path does no formatting (a batch is 5,000 rows), the words come on failure."""
    try:
        commune, day, revision, values = raw["commune"], raw["day"], raw["revision"], raw["values"]
        when = _date(day)
    except (TypeError, KeyError, ValueError):
        _row_refused(raw, i)
    if not (type(commune) is str and 0 < len(commune) <= 8 and commune.isascii() and commune.isdigit()
            and limits.EARLIEST_DAY <= when <= last and type(revision) is int and 1 <= revision <= 1_000_000
            and type(values) is dict and values.keys() <= keys
            and all(type(v) is int and 0 <= v <= MAX_COUNT for v in values.values())):
        _row_refused(raw, i)
    found = raw.get("completeness")
    return Row(commune, when, revision, bool(raw.get("provisional")), values,
               None if found is None else _completeness(found, i, f"rows[{i}]"))


def _row_refused(raw: Any, i: int) -> NoReturn:
    """The first thing wrong with row i, named with its field."""
    where = f"rows[{i}]"
    if not isinstance(raw, dict):
        raise _refuse(f"{where} is not an object", f"Dòng {i + 1} của lô không hợp lệ.", field=where)
    commune, day, revision = raw.get("commune"), raw.get("day"), raw.get("revision")
    if type(commune) is not str or not (0 < len(commune) <= 8 and commune.isascii() and commune.isdigit()):
        raise _refuse(f"{where}.commune is not a commune code", f"Dòng {i + 1}: mã xã không hợp lệ.",
                      field=f"{where}.commune")
    try:
        when = dt.date.fromisoformat(str(day))
    except ValueError:
        raise _refuse(f"{where}.day is not a date", f"Dòng {i + 1}: ngày không hợp lệ.", field=f"{where}.day") from None
    if not limits.EARLIEST_DAY <= when <= dt.date.today() + dt.timedelta(days=2):
        raise _refuse(f"{where}.day is out of range", f"Dòng {i + 1}: ngày {when} ngoài khoảng cho phép.",
                      field=f"{where}.day")
    if type(revision) is not int or not 1 <= revision <= 1_000_000:
        raise _refuse(f"{where}.revision must be a positive integer", f"Dòng {i + 1}: số lần sửa không hợp lệ.",
                      field=f"{where}.revision")
    raise _refuse(f"{where}.values must be known indicators with counts 0..{MAX_COUNT}",
                  f"Dòng {i + 1}: chỉ tiêu lạ hoặc số đếm không hợp lệ.", field=f"{where}.values")


def _completeness(raw: Any, i: int, where: str) -> tuple[int, ...]:
    """Eight bounded counts with expected = on time + late + missing."""
    if not (type(raw) is list and len(raw) == 8 and all(type(x) is int and 0 <= x <= MAX_LAPTOPS for x in raw)
            and sum(raw[1:]) == raw[0]):
        raise _refuse(f"{where}.completeness must be [expected, on time by {', '.join(CHANNELS)}, late by the same, "
                      "missing] with expected = on time + late + missing",
                      f"Dòng {i + 1}: số máy đúng hạn, trễ, chưa báo cáo không hợp lệ.", field=f"{where}.completeness")
    return tuple(raw)


@lru_cache(maxsize=4096)
def _date(text: str) -> dt.date:
    if type(text) is not str:
        raise ValueError(text)
    return dt.date.fromisoformat(text)  # a batch names a few hundred days, thousands of times


def targets_of(batch: dict[str, Any]) -> dict[str, dict[str, int]] | None:
    """The batch's targets (version 2, optional): {commune: {indicator: value}}, bounded; None when absent."""
    raw = batch.get("targets")
    if raw is None:
        return None
    keys = frozenset(indicators.KEYS)
    ok = isinstance(raw, dict) and sum(len(v) if isinstance(v, dict) else 0 for v in raw.values()) <= MAX_TARGETS
    if not ok or not all(isinstance(c, str) and _CODE.match(c) and isinstance(v, dict) and v.keys() <= keys
                         and all(type(n) is int and 0 <= n <= MAX_COUNT for n in v.values()) for c, v in raw.items()):
        raise _refuse(f"targets must be {{commune: {{indicator: count}}}} of known indicators, at most {MAX_TARGETS}",
                      "Chỉ tiêu gửi kèm lô không hợp lệ.", field="targets")
    return {c: dict(v) for c, v in raw.items()}


def batch_id_of(batch: dict[str, Any]) -> str:
    batch_id = batch.get("batch_id")
    if not isinstance(batch_id, str) or not _ID.match(batch_id):
        raise _refuse("batch_id must be 32 hex digits", "Mã lô không hợp lệ.", field="batch_id")
    return batch_id


def rows_of(batch: dict[str, Any]) -> tuple[str, list[Row]]:
    """(batch id, rows) of a verified batch; no (commune, day) twice in one batch."""
    batch_id, rows = batch_id_of(batch), batch.get("rows")
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise _refuse(f"rows must be a list of at most {MAX_ROWS}", f"Lô có quá {MAX_ROWS} dòng.", field="rows")
    keys, last = frozenset(indicators.KEYS), dt.date.today() + dt.timedelta(days=2)
    out = [_row(r, i, keys, last) for i, r in enumerate(rows)]
    if batch.get("version") == 1 and any(r.completeness is not None for r in out):
        raise _refuse("completeness is a version 2 field", "Lô phiên bản 1 không có số máy đúng hạn.", field="rows")
    if len({(r.commune, r.day) for r in out}) != len(out):
        raise _refuse("a (commune, day) appears twice in the batch", "Một xã, một ngày xuất hiện hai lần trong lô.",
                      field="rows")
    return batch_id, out


def sign_receipt(private_key: str, receipt: dict[str, Any]) -> dict[str, Any]:
    return {"receipt": receipt, "signature": signing.sign(private_key, RECEIPT_DOMAIN + canonical_json(receipt))}


def receipt_valid(answer: Any, national_key: str, batch_id: str) -> bool:
    if not isinstance(answer, dict) or not isinstance(answer.get("receipt"), dict):
        return False
    receipt, signature = answer["receipt"], answer.get("signature")
    return (isinstance(signature, str) and receipt.get("batch_id") == batch_id
            and signing.verify(national_key, RECEIPT_DOMAIN + canonical_json(receipt), signature))

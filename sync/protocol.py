"""The report contract between the commune laptop and the province hub (version 1).

Only counts travel: a report is (commune, point, day, revision) with absolute daily totals per indicator
and a per-village breakdown. Absolute totals make re-sending harmless; revisions make corrections
explicit. A batch carries reports under a UUID; its canonical JSON (sorted keys, no spaces, UTF-8, NFC)
is what gets signed, hashed and gzip-compressed on the wire.

HTTP (all JSON; the hub's OpenAPI page documents them):
- POST /api/v1/enrol      EnrolRequest → EnrolResponse (one-time code → device id + bearer token)
- POST /api/v1/batches    gzip(canonical batch), headers below → ImportSummary
      Authorization: Bearer <token>; X-EnrollPoint-Device: <device id>;
      X-EnrollPoint-Signature: base64 Ed25519 signature of the uncompressed canonical body;
      Content-Encoding: gzip
      200 summary (also when the same batch id arrives again with the same content: the stored summary),
      400 undecodable body, 401 unknown/expired token, 403 bad signature or another commune,
      409 same batch id with different content, 413 too large, 422 schema violation.
- GET  /api/v1/targets    → {"commune_code", "commune_name", "targets": [TargetItem...]} for the token's commune

A resend after an uncertain delivery (timeout, cut connection, 5xx) must reuse the batch id AND the exact
body bytes, created_at included (the sender sets it to the latest closed_at in the batch), because the hub
recognises a repeat by (batch id, body hash) and answers 409 to the same id with other bytes.
An older revision than the one stored is a per-report conflict (nothing changes), not an "ignored".
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from sync import indicators, limits

PROTOCOL_VERSION = 1
HELLO_SERVICE = "enrollpoint-hub"  # GET /api/v1/hello names the service so: a captive portal cannot
# Enrolment contract (docs/sync.md "Enrolment protocol"): 2 = the laptop says whether its database was restored
# from a backup (`restored_from`) and understands a successor's answer (`successor_of`, `predecessor_reports`).
# A hub refuses a replacement code to a laptop below 2 (the code is not spent); older hubs ignore the fields.
ENROL_PROTOCOL = 2
MAX_PREDECESSOR_REPORTS = 20_000  # a successor is handed at most this many (day, point) reports (years of 3 points)
INDICATORS: tuple[str, ...] = indicators.KEYS  # the registry's keys, in its order (sync/indicators.py)
MAX_REPORTS_PER_BATCH = 500
MAX_BODY_BYTES = 8 * 1024 * 1024  # uncompressed canonical body
MAX_WIRE_BYTES = 2 * 1024 * 1024  # gzip body as received
MAX_COUNT = 10_000_000
MAX_VILLAGES = 500
# Before json.loads: a batch is at most 5 levels deep (batch → reports → report → by_village → counts) and
# its structural items are bounded by the body cap; strings are short (codes, village names ≤ 200 chars).
BATCH_JSON_LIMITS = {"max_depth": limits.MAX_JSON_DEPTH, "max_items": 1 << 20, "max_string": 4096}

# The point code of a commune's "không theo điểm" report: events recorded without a point (an activation on
# the citizen's own phone). A valid code under the v1 schema, so older hubs accept it as one more point;
# desktop point codes never start with "_", so it cannot clash with a real point.
COMMUNE_POINT_CODE = "_XA"
COMMUNE_POINT_LABEL_VI = "Không theo điểm"

HEADER_DEVICE = "X-EnrollPoint-Device"
HEADER_SIGNATURE = "X-EnrollPoint-Signature"

_CODE = re.compile(r"^[0-9A-Za-z_.\-]{1,32}$")


class ProtocolError(ValueError):
    """A payload that does not follow the schema; names the field. `status` is the hub's HTTP answer:
    422 schema, 400 not gzip / not JSON / unacceptable JSON shape, 413 too large."""

    def __init__(self, field_name: str, reason: str, status: int = 422) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason
        self.status = status


def _nfc(value: Any, name: str, max_len: int = 200) -> str:
    if not isinstance(value, str):
        raise ProtocolError(name, "must be a string")
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > max_len:
        raise ProtocolError(name, f"must be 1..{max_len} characters")
    return text


def _code(value: Any, name: str) -> str:
    text = _nfc(value, name, 32)
    if not _CODE.match(text):
        raise ProtocolError(name, "must be letters, digits, '-', '_' or '.'")
    return text


def _counts(value: Any, name: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ProtocolError(name, "must be an object of indicator → count")
    unknown = set(value) - set(INDICATORS)
    if unknown:
        raise ProtocolError(name, f"unknown indicators {sorted(unknown)}")
    out: dict[str, int] = {}
    for ind in INDICATORS:
        n = value.get(ind, 0)
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_COUNT:
            raise ProtocolError(f"{name}.{ind}", "must be a whole number ≥ 0")
        out[ind] = n
    return out


def _date(value: Any, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProtocolError(name, "must be an ISO date YYYY-MM-DD") from None
    problem = limits.check_day(day)
    if problem:
        raise ProtocolError(name, problem)
    return day


def _datetime(value: Any, name: str) -> dt.datetime:
    when = limits.parse_instant(value)  # never overflows (year 1 with an offset, 9999-12-31…)
    if when is None:
        raise ProtocolError(name, "must be an ISO date-time")
    problem = limits.check_instant(when)
    if problem:
        raise ProtocolError(name, problem)
    return when


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Report:
    """One revision of one closed day at one point: counts only, never personal data."""

    commune_code: str
    point_code: str
    day: dt.date
    revision: int
    closed_at: dt.datetime  # when the day was closed on the laptop (the data's capture time)
    totals: dict[str, int]
    by_village: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.commune_code, self.point_code, self.day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "commune_code": self.commune_code,
            "point_code": self.point_code,
            "day": self.day.isoformat(),
            "revision": self.revision,
            "closed_at": iso(self.closed_at),
            "totals": {k: self.totals.get(k, 0) for k in INDICATORS},
            "by_village": {
                unicodedata.normalize("NFC", v): {k: c.get(k, 0) for k in INDICATORS}
                for v, c in sorted(self.by_village.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "report") -> Report:
        if not isinstance(data, dict):
            raise ProtocolError(where, "must be an object")
        rev = data.get("revision")
        if isinstance(rev, bool) or not isinstance(rev, int) or not 1 <= rev <= 1_000_000:
            raise ProtocolError(f"{where}.revision", "must be a whole number ≥ 1")
        villages = data.get("by_village", {})
        if not isinstance(villages, dict) or len(villages) > MAX_VILLAGES:
            raise ProtocolError(f"{where}.by_village", f"must be an object of at most {MAX_VILLAGES} villages")
        return cls(
            commune_code=_code(data.get("commune_code"), f"{where}.commune_code"),
            point_code=_code(data.get("point_code"), f"{where}.point_code"),
            day=_date(data.get("day"), f"{where}.day"),
            revision=rev,
            closed_at=_datetime(data.get("closed_at"), f"{where}.closed_at"),
            totals=_counts(data.get("totals"), f"{where}.totals"),
            by_village={
                _nfc(v, f"{where}.by_village"): _counts(c, f"{where}.by_village[{v}]") for v, c in villages.items()
            },
        )

    def content_hash(self) -> str:
        """Hash of what the report says (not when it was closed): same figures → same hash."""
        d = self.to_dict()
        d.pop("closed_at")
        return hashlib.sha256(canonical_json(d)).hexdigest()


@dataclass(frozen=True, slots=True)
class Batch:
    batch_id: str
    device_id: str
    commune_code: str
    created_at: dt.datetime
    reports: tuple[Report, ...]
    protocol: int = PROTOCOL_VERSION

    @classmethod
    def new(cls, device_id: str, commune_code: str, reports: list[Report]) -> Batch:
        return cls(str(uuid.uuid4()), device_id, commune_code, utc_now(), tuple(reports))

    def to_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "batch_id": self.batch_id,
            "device_id": self.device_id,
            "commune_code": self.commune_code,
            "created_at": iso(self.created_at),
            "reports": [r.to_dict() for r in self.reports],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Batch:
        if not isinstance(data, dict):
            raise ProtocolError("batch", "must be an object")
        if data.get("protocol") != PROTOCOL_VERSION:
            raise ProtocolError("protocol", f"unsupported version {data.get('protocol')!r}")
        try:
            batch_id = str(uuid.UUID(str(data.get("batch_id"))))
        except ValueError:
            raise ProtocolError("batch_id", "must be a UUID") from None
        reports = data.get("reports")
        if not isinstance(reports, list) or not 1 <= len(reports) <= MAX_REPORTS_PER_BATCH:
            raise ProtocolError("reports", f"must be a list of 1..{MAX_REPORTS_PER_BATCH} reports")
        parsed = tuple(Report.from_dict(r, f"reports[{i}]") for i, r in enumerate(reports))
        commune = _code(data.get("commune_code"), "commune_code")
        for i, r in enumerate(parsed):
            if r.commune_code != commune:
                raise ProtocolError(f"reports[{i}].commune_code", "differs from the batch's commune")
        return cls(
            batch_id=batch_id,
            device_id=_code(data.get("device_id"), "device_id"),
            commune_code=commune,
            created_at=_datetime(data.get("created_at"), "created_at"),
            reports=parsed,
        )


def canonical_json(obj: Any) -> bytes:
    """The one byte form that is signed and hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_batch(batch: Batch) -> bytes:
    return canonical_json(batch.to_dict())


def loads_bounded(body: bytes, field_name: str = "body", **shape: int) -> Any:
    """json.loads after the shape scan (depth, item count, string length: sync.limits.JsonShape), so
    no input can recurse or build an unbounded number of objects. ProtocolError with status 400."""
    try:
        limits.check_json(body, **shape)
    except limits.LimitExceeded as exc:
        raise ProtocolError(field_name, f"not acceptable JSON: {exc.reason}", exc.status) from None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(field_name, f"not JSON: {exc}", 400) from None


def decode_batch(body: bytes) -> Batch:
    if len(body) > MAX_BODY_BYTES:
        raise ProtocolError("body", "too large", 413)
    return Batch.from_dict(loads_bounded(body, "body", **BATCH_JSON_LIMITS))


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def gzip_body(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def gunzip_body(wire: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """Decompress with a ceiling (streamed, sync.limits.gunzip_bounded), so a small gzip bomb cannot
    exhaust memory; a truncated stream is refused rather than passed on cut."""
    try:
        return limits.gunzip_bounded(wire, limit)
    except limits.LimitExceeded as exc:
        raise ProtocolError("body", exc.reason, exc.status) from None


# Outcomes per report in an import summary.
IMPORTED, UPDATED, IGNORED, CONFLICT = "imported", "updated", "ignored", "conflict"


@dataclass(slots=True)
class ReportOutcome:
    point_code: str
    day: dt.date
    revision: int
    outcome: str  # imported / updated / ignored / conflict
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "point_code": self.point_code,
            "day": self.day.isoformat(),
            "revision": self.revision,
            "outcome": self.outcome,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportOutcome:
        return cls(d["point_code"], dt.date.fromisoformat(d["day"]), int(d["revision"]), d["outcome"], d.get("reason", ""))


@dataclass(slots=True)
class ImportSummary:
    """The hub's answer to a batch. The laptop marks an outbox item sent only from this."""

    batch_id: str
    results: list[ReportOutcome]
    received_at: str = ""
    replayed: bool = False  # True when this is the stored summary of an earlier delivery

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "imported": self.count(IMPORTED),
            "updated": self.count(UPDATED),
            "ignored": self.count(IGNORED),
            "conflicts": [r.to_dict() for r in self.results if r.outcome == CONFLICT],
            "results": [r.to_dict() for r in self.results],
            "received_at": self.received_at,
            "replayed": self.replayed,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImportSummary:
        return cls(
            batch_id=d["batch_id"],
            results=[ReportOutcome.from_dict(r) for r in d.get("results", [])],
            received_at=d.get("received_at", ""),
            replayed=bool(d.get("replayed", False)),
        )


@dataclass(slots=True)
class EnrolRequest:
    code: str
    device_name: str
    public_key: str  # base64 raw Ed25519 public key (32 bytes)


@dataclass(slots=True)
class EnrolResponse:
    device_id: str
    token: str
    commune_code: str
    commune_name: str
    province_code: str
    token_expires_at: str
    hub_public_key: str = ""  # the hub's Ed25519 key: checks receipts, targets files (sync.offline)
    hub_key_binding: str = ""  # enrolment contract 2 (sync.hubkey): the key bound to the one-time code
    # Enrolment protocol 2: a replacement code made this laptop the successor of `successor_of`
    # (the same device id); `predecessor_reports` are that device's latest reports per (day, point) as the
    # hub holds them, so this laptop's revisions continue above them. `held`: the hub holds this new device
    # for the admin (a restored database enrolled with an ordinary code), its reports not summed.
    successor_of: str = ""
    replaced_name: str = ""
    predecessor_reports: list[dict[str, Any]] = field(default_factory=list)
    held: str = ""


@dataclass(slots=True)
class TargetItem:
    indicator: str
    value: int
    deadline: str | None  # ISO date


# Offline bundle (a file on a USB stick): gzip of canonical JSON
# {"format": BUNDLE_FORMAT, "version": 1, "device_id", "commune_code", "created_at",
#  "batches": [{"body": base64(canonical batch bytes), "signature": base64 Ed25519}]}
BUNDLE_FORMAT = "enrollpoint-bundle"
BUNDLE_VERSION = 1
MAX_BUNDLE_FILE_BYTES = 64 * 1024 * 1024  # gzip file as given
MAX_BUNDLE_JSON_BYTES = 64 * 1024 * 1024  # once decompressed (a year of 3 points with 500 villages ≈ 20 MiB)
MAX_BUNDLE_BATCHES = 5_000
# Before json.loads: depth 3 (document → batches → entry); ≤ 8 items per batch entry and a few for the
# document; a string is at most a base64 batch body.
BUNDLE_JSON_LIMITS = {"max_depth": limits.MAX_JSON_DEPTH, "max_items": 8 * MAX_BUNDLE_BATCHES + 64,
                      "max_string": (MAX_BODY_BYTES * 4) // 3 + 8}


def load_bundle(chunks: Any) -> dict[str, Any]:
    """Bounded read of a bundle file given as bytes or an iterable of chunks: streamed gunzip (≤
    MAX_BUNDLE_JSON_BYTES) with the JSON shape scanned while decompressing (a nesting or item bomb stops
    at once), then json.loads, then the document's structure and batch count — before any batch is
    decoded. Raises ProtocolError with the hub's status (413 size, 400 not gzip/JSON, 422 structure)."""
    scan = limits.JsonShape(**BUNDLE_JSON_LIMITS)
    try:
        raw = limits.gunzip_bounded(chunks, MAX_BUNDLE_JSON_BYTES, sink=scan.feed)
        scan.finish()
    except limits.LimitExceeded as exc:
        raise ProtocolError("bundle", exc.reason, exc.status) from None
    doc = loads_bounded(raw, "bundle", **BUNDLE_JSON_LIMITS)
    del raw
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        raise ProtocolError("format", "not an EnrollPoint bundle")
    if doc.get("version") != BUNDLE_VERSION:
        raise ProtocolError("version", f"unsupported bundle version {doc.get('version')!r}")
    if not isinstance(doc.get("device_id"), str) or not isinstance(doc.get("commune_code"), str):
        raise ProtocolError("device_id", "device_id and commune_code must be strings")
    batches = doc.get("batches")
    if not isinstance(batches, list) or not 1 <= len(batches) <= MAX_BUNDLE_BATCHES:
        raise ProtocolError("batches", f"must be a list of 1..{MAX_BUNDLE_BATCHES} batches")
    for i, entry in enumerate(batches):
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str) \
                or not isinstance(entry.get("signature"), str):
            raise ProtocolError(f"batches[{i}]", "must be an object with body and signature strings")
        if len(entry["body"]) > BUNDLE_JSON_LIMITS["max_string"] or len(entry["signature"]) > 200:
            raise ProtocolError(f"batches[{i}]", "body or signature too long", 413)
    return doc

"""Read an offline bundle (a file carried on a USB stick) and feed its batches to the same intake as HTTP.

Format (sync.protocol): gzip of canonical JSON {"format": "enrollpoint-bundle", "version": 1, "device_id",
"commune_code", "created_at", "batches": [{"body": base64(canonical batch), "signature": base64}]}.
The whole file is checked first (device known and not revoked, every signature, schema, commune, no batch id
clashing with a different stored body); only then are batches imported, each in its own transaction and
idempotent by batch id, so importing the same file twice, or receiving the same batches over HTTP later,
changes nothing.

Bounded throughout (sync.protocol.load_bundle): the file is streamed into a capped gunzip whose output is
scanned for nesting depth and item counts while it is decompressed, the document's structure and batch count
are checked before any batch is decoded, and each batch is decoded through the same bounded JSON reader.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Iterable
from typing import Any

from province import device_keys, held, logs, replacement
from province.db import HubDB
from province.errors import HubRefusal
from province.intake import IntakeRefused, Sender, check_sender, check_villages, intake, stored_batch
from province.models import Device
from sync import protocol, signing

log = logging.getLogger(__name__)

MAX_BUNDLE_FILE = protocol.MAX_BUNDLE_FILE_BYTES  # gzip file as given
MAX_BUNDLE_JSON = protocol.MAX_BUNDLE_JSON_BYTES  # once decompressed


# A batch this hub had already received (same id, same bytes): its reports were stored then, nothing now.
ALREADY_RECEIVED_VI = "đã nhận trước đó, không lưu gì thêm"
ALREADY_RECEIVED_EN = "already received, nothing more stored"


def stored_now(batches: list[dict[str, Any]]) -> dict[str, int]:
    """What this import stored (batches already received count nothing), for the CLI and the dashboard."""
    fresh = [b for b in batches if not b.get("replayed")]
    return {"imported": sum(b["imported"] for b in fresh), "updated": sum(b["updated"] for b in fresh),
            "ignored": sum(b["ignored"] for b in fresh), "conflicts": sum(len(b["conflicts"]) for b in fresh),
            "already_batches": len(batches) - len(fresh),
            "already_reports": sum(len(b.get("results", [])) for b in batches if b.get("replayed"))}


class BundleError(HubRefusal, ValueError):
    """A bundle that cannot be imported; nothing from it was stored. `status` follows the HTTP contract."""

    title = "Không nhập được tệp"

    def __init__(self, status: int, reason: str, vi: str | None = None) -> None:
        plain = _VI_BY_STATUS.get(status, _VI_BY_STATUS[422])
        # The bracketed reason names the batch/field for support; for an unreadable or oversized file it would
        # only be the decompressor's words, so the sentence stands alone.
        super().__init__(reason, vi=vi or (plain if status in (400, 413) else f"{plain} ({reason})"),
                         status=status, field="file")
        self.reason = reason


# The officer's sentence for each kind of refusal; the technical reason follows in brackets for support.
_VI_BY_STATUS = {
    400: "Tệp không phải tệp dữ liệu EnrollPoint đọc được (không giải nén hoặc không đọc được). Không lưu gì.",
    403: "Tệp dữ liệu không được nhận: máy không có trong danh sách, đã bị thu hồi, hoặc chữ ký không đúng (tệp bị "
         "sửa). Không lưu gì.",
    409: "Tệp dữ liệu có một lô đã nhận trước đó với nội dung khác. Không lưu gì.",
    413: "Tệp dữ liệu quá lớn. Không lưu gì.",
    422: "Tệp dữ liệu sai cấu trúc. Không lưu gì.",
}


def _b64(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(422, f"{where}: must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(422, f"{where}: not base64") from None


def _capped(chunks: Iterable[bytes], limit: int) -> Iterable[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BundleError(413, "bundle file too large")
        yield chunk


def parse_bundle(data: bytes | Iterable[bytes]) -> dict[str, Any]:
    """The bundle document from the file's bytes or chunks (bounded; see the module docstring)."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_BUNDLE_FILE:
            raise BundleError(413, "bundle file too large")
        data = (bytes(data),)
    try:
        return protocol.load_bundle(_capped(data, MAX_BUNDLE_FILE))
    except protocol.ProtocolError as exc:
        if exc.field in ("format", "version"):
            raise BundleError(422, f"not an EnrollPoint bundle ({exc.field}): {exc.reason}") from None
        prefix = "not a bundle file: " if exc.status == 400 else ""
        raise BundleError(exc.status, f"{prefix}{exc}") from None


def verify_bundle(db: HubDB, doc: dict[str, Any]) -> tuple[Sender, list[tuple[protocol.Batch, str]]]:
    device_id = doc.get("device_id")
    with db.session() as s:
        device = s.get(Device, device_id) if isinstance(device_id, str) and len(device_id) <= 32 else None
    if device is None:
        raise BundleError(403, "unknown device")  # never echo what the file says
    if device.revoked:
        raise BundleError(403, f"device {device.id} is revoked")
    sender = Sender(device.id, device.commune_code)
    with db.session() as s:
        earlier = device_keys.earlier_keys(s, device.id)
    now = protocol.utc_now()
    out: list[tuple[protocol.Batch, str]] = []
    for i, item in enumerate(doc["batches"]):
        if not isinstance(item, dict):
            raise BundleError(422, f"batches[{i}]: must be an object")
        body = _b64(item.get("body"), f"batches[{i}].body")
        sig = item.get("signature")
        if not isinstance(sig, str) or len(sig) > 200:
            raise BundleError(403, f"batches[{i}]: signature does not verify with the device's key")
        if not signing.verify(device.public_key, body, sig):
            old = device_keys.signed_by(earlier, body, sig)  # written before the laptop was re-enrolled?
            if old is None:
                raise BundleError(403, f"batches[{i}]: signature does not verify with the device's key")
            if now > old.accepted_until:
                raise BundleError(403, f"batches[{i}]: {old.describe()}; accepted for {device_keys.PREVIOUS_KEY_DAYS} "
                                       "days after that, no longer. Export a new bundle on the laptop "
                                       "(enrollpoint sync --bundle): it carries every unconfirmed day again")
        try:
            batch = protocol.decode_batch(body)
        except protocol.ProtocolError as exc:
            raise BundleError(exc.status, f"batches[{i}].{exc.field}: {exc.reason}") from None
        try:
            check_sender(batch, sender)
            check_villages(batch)
        except IntakeRefused as exc:
            raise BundleError(exc.status, f"batches[{i}].{exc.field}: {exc.detail}") from None
        bhash = protocol.body_hash(body)
        known = stored_batch(db, sender.device_id, batch.batch_id)
        if known is not None and known.body_hash != bhash:
            raise BundleError(409, f"batches[{i}]: batch {batch.batch_id} already received with different content")
        out.append((batch, bhash))
    return sender, out


def _replaced(db: HubDB, doc: dict[str, Any]) -> str | None:
    """Words when the bundle is signed with the key of a laptop since replaced by its successor."""
    items = doc.get("batches") or []
    first = items[0] if items and isinstance(items[0], dict) else {}
    try:
        body, sig = _b64(first.get("body"), "batches[0].body"), first.get("signature")
    except BundleError:
        return None
    if not isinstance(sig, str) or not isinstance(doc.get("device_id"), str):
        return None
    with db.session() as s:
        return replacement.replaced_key_message(s, doc["device_id"], lambda pk: signing.verify(pk, body, sig))


def _check_held(db: HubDB, sender: Sender, batches: list[protocol.Batch]) -> None:
    """A laptop held for the admin (province/held.py): the whole bundle is refused, nothing stored."""
    for batch in batches:
        with db.session(write=True) as s:
            dev = s.get(Device, sender.device_id)
            words = held.check_batch(s, dev, batch) if dev is not None else None
        if words:
            raise BundleError(403, words)


def _import(db: HubDB, data: bytes | Iterable[bytes], source: str, allow: Callable[[str], None] | None = None
            ) -> tuple[Sender, list[tuple[protocol.Batch, dict[str, Any]]]]:
    doc = parse_bundle(data)
    try:
        sender, batches = verify_bundle(db, doc)
    except BundleError as exc:
        words = _replaced(db, doc) if exc.status == 403 else None
        if words:  # the laptop a successor replaced: say so, not "signature does not verify"
            raise BundleError(403, words) from None
        raise
    if allow is not None:  # the uploading account's scope: refuses another province's commune before any write
        allow(sender.commune_code)
    _check_held(db, sender, [b for b, _h in batches])
    done = []
    for batch, bhash in batches:
        try:
            summary = intake(db, batch, bhash, sender, source)
            logs.batch_outcome(log, summary, sender.device_id, sender.commune_code, source)
            if summary.get("replayed"):  # the stored summary of an earlier delivery: nothing stored now
                summary = {**summary, "already_received": True, "note": ALREADY_RECEIVED_VI}
            done.append((batch, summary))
        except IntakeRefused as exc:  # only a race with a conflicting delivery can get here
            raise BundleError(exc.status, f"batch {batch.batch_id}: {exc.detail}") from None
    return sender, done


def import_bundle(db: HubDB, data: bytes | Iterable[bytes], source: str = "bundle") -> dict[str, Any]:
    """Verify the whole bundle, then import each batch once. Returns device, commune and the summaries."""
    sender, done = _import(db, data, source)
    return {"device_id": sender.device_id, "commune_code": sender.commune_code, "batches": [s for _, s in done]}


def import_bundle_with_receipt(db: HubDB, data: bytes | Iterable[bytes], source: str = "bundle",
                               allow: Callable[[str], None] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """import_bundle, plus the signed receipt for the laptop (province.offline): what was stored per report
    (and the conflicts), kept on the hub for the dashboard's download link."""
    from province.offline import receipt_payload, sign_receipt

    sender, done = _import(db, data, source, allow)
    payload = receipt_payload(sender.device_id, sender.commune_code, done)
    with db.session(write=True) as s:
        receipt = sign_receipt(s, payload)
    result = {"device_id": sender.device_id, "commune_code": sender.commune_code, "batches": [s for _, s in done],
              "receipt_id": payload["receipt_id"]}
    return result, receipt

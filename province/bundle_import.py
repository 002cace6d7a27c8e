"""Read an offline bundle (a file carried on a USB stick) and feed its batches to the same intake as HTTP.

Format (sync.protocol): gzip of canonical JSON {"format": "enrollpoint-bundle", "version": 1, "device_id",
"commune_code", "created_at", "batches": [{"body": base64(canonical batch), "signature": base64}]}.
The whole file is checked first (device known and not revoked, every signature, schema, commune, no batch id
clashing with a different stored body); only then are batches imported, each in its own transaction and
idempotent by batch id, so importing the same file twice, or receiving the same batches over HTTP later,
changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from province.db import HubDB
from province.intake import IntakeRefused, Sender, check_sender, intake, stored_batch
from province.models import Device
from sync import protocol, signing

MAX_BUNDLE_FILE = 64 * 1024 * 1024  # gzip file as given
MAX_BUNDLE_JSON = 512 * 1024 * 1024  # once decompressed


class BundleError(ValueError):
    """A bundle that cannot be imported; nothing from it was stored. `status` follows the HTTP contract."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _b64(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise BundleError(422, f"{where}: must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(422, f"{where}: not base64") from None


def parse_bundle(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BUNDLE_FILE:
        raise BundleError(413, "bundle file too large")
    try:
        raw = protocol.gunzip_body(data, MAX_BUNDLE_JSON)
    except protocol.ProtocolError as exc:
        raise BundleError(413 if "too large" in exc.reason else 400, f"not a bundle file: {exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(400, f"not a bundle file: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != protocol.BUNDLE_FORMAT:
        raise BundleError(422, "not an EnrollPoint bundle (format)")
    if doc.get("version") != protocol.BUNDLE_VERSION:
        raise BundleError(422, f"unsupported bundle version {doc.get('version')!r}")
    if not isinstance(doc.get("batches"), list):
        raise BundleError(422, "batches: must be a list")
    return doc


def verify_bundle(db: HubDB, doc: dict[str, Any]) -> tuple[Sender, list[tuple[protocol.Batch, str]]]:
    device_id = doc.get("device_id")
    with db.session() as s:
        device = s.get(Device, device_id) if isinstance(device_id, str) else None
    if device is None:
        raise BundleError(403, f"unknown device {device_id!r}")
    if device.revoked:
        raise BundleError(403, f"device {device.id} is revoked")
    sender = Sender(device.id, device.commune_code)
    out: list[tuple[protocol.Batch, str]] = []
    for i, item in enumerate(doc["batches"]):
        if not isinstance(item, dict):
            raise BundleError(422, f"batches[{i}]: must be an object")
        body = _b64(item.get("body"), f"batches[{i}].body")
        sig = item.get("signature")
        if not isinstance(sig, str) or not signing.verify(device.public_key, body, sig):
            raise BundleError(403, f"batches[{i}]: signature does not verify with the device's key")
        try:
            batch = protocol.decode_batch(body)
        except protocol.ProtocolError as exc:
            raise BundleError(422, f"batches[{i}].{exc.field}: {exc.reason}") from None
        try:
            check_sender(batch, sender)
        except IntakeRefused as exc:
            raise BundleError(403, f"batches[{i}]: {exc.detail}") from None
        bhash = protocol.body_hash(body)
        known = stored_batch(db, batch.batch_id)
        if known is not None and known.body_hash != bhash:
            raise BundleError(409, f"batches[{i}]: batch {batch.batch_id} already received with different content")
        out.append((batch, bhash))
    return sender, out


def import_bundle(db: HubDB, data: bytes, source: str = "bundle") -> dict[str, Any]:
    """Verify the whole bundle, then import each batch once. Returns device, commune and the summaries."""
    doc = parse_bundle(data)
    sender, batches = verify_bundle(db, doc)
    summaries = []
    for batch, bhash in batches:
        try:
            summaries.append(intake(db, batch, bhash, sender, source))
        except IntakeRefused as exc:  # only a race with a conflicting delivery can get here
            raise BundleError(exc.status, f"batch {batch.batch_id}: {exc.detail}") from None
    return {"device_id": sender.device_id, "commune_code": sender.commune_code, "batches": summaries}

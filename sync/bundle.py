"""The offline bundle: signed batches in one file for a USB stick, when the laptop never gets a link.

Format (end of sync/protocol.py): gzip of canonical JSON
{"format": "enrollpoint-bundle", "version": 1, "device_id", "commune_code", "created_at",
 "batches": [{"body": base64(canonical batch bytes), "signature": base64 Ed25519}]}.
Each batch is exactly what the network sender would POST (same builder, same batch id), so the hub
treats a bundle import and a later network sync of the same items as one delivery. Writing a bundle
marks nothing sent: only the hub's summary (from a later network sync) confirms.
"""

from __future__ import annotations

import base64
import binascii
import os
import uuid
from collections.abc import Sequence
from typing import Any

from common.files import atomic_write
from sync.client import build_batch, signed_body
from sync.limits import read_chunks
from sync.protocol import (  # noqa: F401 - the MAX_BUNDLE_* limits are re-exported for the laptop side
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    MAX_BODY_BYTES,
    MAX_BUNDLE_BATCHES,
    MAX_BUNDLE_FILE_BYTES,
    MAX_BUNDLE_JSON_BYTES,
    MAX_REPORTS_PER_BATCH,
    ProtocolError,
    Report,
    canonical_json,
    decode_batch,
    gzip_body,
    iso,
    load_bundle,
    utc_now,
)

Grouped = Sequence[tuple[str, Sequence[Report]]]


def _groups(reports: Sequence[Report] | Grouped) -> list[tuple[str, list[Report]]]:
    items: list[Any] = list(reports)
    if items and isinstance(items[0], Report):
        flat: list[Report] = items
        return [(str(uuid.uuid4()), flat[i : i + MAX_REPORTS_PER_BATCH])
                for i in range(0, len(flat), MAX_REPORTS_PER_BATCH)]
    groups: list[tuple[str, Sequence[Report]]] = items
    return [(bid, list(rs)) for bid, rs in groups if rs]


def write_bundle(
    path: str | os.PathLike[str],
    device_id: str,
    commune_code: str,
    private_key: str,
    reports: Sequence[Report] | Grouped,
) -> list[str]:
    """Write signed batches atomically (temp file + rename); returns the batch ids used.

    `reports` is either plain reports (new batch ids, ≤ MAX_REPORTS_PER_BATCH each) or
    (batch_id, reports) groups whose ids the outbox keeps for the later network sync.
    """
    groups = _groups(reports)
    if not groups:
        raise ProtocolError("reports", "nothing to write")
    entries = []
    for bid, rs in groups:
        body, sig = signed_body(build_batch(bid, device_id, commune_code, rs), private_key)
        entries.append({"body": base64.b64encode(body).decode("ascii"), "signature": sig})
    doc = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "device_id": device_id,
        "commune_code": commune_code,
        "created_at": iso(utc_now()),
        "batches": entries,
    }
    data = gzip_body(canonical_json(doc))
    atomic_write(path, data)
    return [bid for bid, _ in groups]


def _b64(value: object, name: str, max_bytes: int) -> bytes:
    if not isinstance(value, str) or len(value) > (max_bytes * 4) // 3 + 8:
        raise ProtocolError(name, "must be base64 text of bounded size")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(name, "not valid base64") from None


def read_bundle(path: str | os.PathLike[str]) -> list[tuple[bytes, str]]:
    """Validate a bundle file and return its (canonical batch body, base64 signature) pairs.

    Checks format, version, sizes, base64, and that each body is a valid batch of the bundle's device
    and commune. Signatures are checked by the hub (it has the public key).
    """
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size > MAX_BUNDLE_FILE_BYTES:
            raise ProtocolError("bundle", "file too large", 413)
        doc = load_bundle(read_chunks(f))  # bounded: size, nesting, item count, batch count
    device, commune = doc["device_id"], doc["commune_code"]
    batches = doc["batches"]
    out = []
    for i, entry in enumerate(batches):
        if not isinstance(entry, dict):
            raise ProtocolError(f"batches[{i}]", "must be an object")
        body = _b64(entry.get("body"), f"batches[{i}].body", MAX_BODY_BYTES)
        if len(body) > MAX_BODY_BYTES:
            raise ProtocolError(f"batches[{i}].body", "too large")
        sig = entry.get("signature")
        if len(_b64(sig, f"batches[{i}].signature", 64)) != 64:
            raise ProtocolError(f"batches[{i}].signature", "must be a 64-byte Ed25519 signature")
        batch = decode_batch(body)
        if batch.device_id != device or batch.commune_code != commune:
            raise ProtocolError(f"batches[{i}]", "device or commune differs from the bundle's")
        out.append((body, str(sig)))
    return out

"""Files that replace the network for a commune with no link at all (both sides use this module).

Four small JSON files travel on a USB stick (or by any other hand):

- **enrolment request** (laptop → province), `kind: "enrol-request"`: the device's new Ed25519 public key,
  the commune, the device name, a random request id, signed with the new private key, and a *proof of the
  one-time code*: HMAC-SHA256 over the request with K = SHA-256(normalised code) — the hub stores exactly
  that hash for each code, so it can check the proof, and the code itself is never written anywhere.
- **enrolment response** (province → laptop), `kind: "enrol-response"`: device id, commune, the commune's
  targets, the hub's public key, and the device's bearer token wrapped with AES-256-GCM under a key derived
  from K (only the laptop that knows the code can unwrap it; a stick found on the way yields nothing).
- **receipt** (province → laptop), `kind: "receipt"`: what a bundle import stored, per report (point, day,
  revision, content hash, outcome), for one device.
- **targets file** (province → laptop), `kind: "targets"`: a commune's targets and settings.

Everything from the hub is signed with the hub's own Ed25519 key (`hub_sign`); the laptop checks it with the
key it pinned at enrolment (`hub_verify`). The enrolment response binds that key to the one-time code
(`sync.hubkey`, enrolment contract 2), so the key a response carries is trusted only when the binding verifies. Reading is bounded (size, JSON shape) before anything is parsed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from typing import Any

from sync import signing
from sync.protocol import ENROL_PROTOCOL, ProtocolError, canonical_json, loads_bounded

FORMAT = "enrollpoint-file"
VERSION = 1
KINDS = ("enrol-request", "enrol-response", "receipt", "targets")
MAX_FILE_BYTES = 16 * 1024 * 1024  # a receipt for 5,000 batches × 500 reports fits easily
MAX_SMALL_FILE_BYTES = 64 * 1024  # requests, responses, targets
# An enrolment response may carry a replaced laptop's reports (its size limit: a year of 3 points with villages).
MAX_ENROL_RESPONSE_BYTES = 4 * 1024 * 1024
FILE_JSON_LIMITS = {"max_depth": 6, "max_items": 1 << 20, "max_string": 4096}
# An enrolment response to a re-enrolment request also carries `previous_device_id` (the id asked for) and
# `same_device` (bool); when false, `new_device_reason` says why the hub enrolled a new device instead:
NEW_DEVICE_UNKNOWN = "previous_device_unknown"  # this hub has no such device (another or a new hub)


class OfflineFileError(ValueError):
    """A file that cannot be used; `message` is Vietnamese (the laptop shows it, the hub prints it)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def code_key(code: str) -> str:
    """Codes are read out and typed: ignore case, spaces and dashes (same rule as the hub's admin)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """SHA-256 hex of the normalised code: what the hub stores, and the proof key K."""
    return hashlib.sha256(code_key(code).encode("utf-8")).hexdigest()


def proof(code_hash_hex: str, payload: dict[str, Any]) -> str:
    return base64.b64encode(hmac.new(bytes.fromhex(code_hash_hex), b"enrol-request:" + canonical_json(payload),
                                     hashlib.sha256).digest()).decode("ascii")


def _wrap_key(code_hash_hex: str, request_id: str) -> bytes:
    return hmac.new(bytes.fromhex(code_hash_hex), b"token-wrap:" + request_id.encode("ascii"),
                    hashlib.sha256).digest()


def wrap_secret(code_hash_hex: str, request_id: str, secret: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_wrap_key(code_hash_hex, request_id)).encrypt(nonce, secret.encode("utf-8"),
                                                                  request_id.encode("ascii"))
    return base64.b64encode(nonce + sealed).decode("ascii")


def unwrap_secret(code_hash_hex: str, request_id: str, wrapped: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.b64decode(wrapped, validate=True)
        plain = AESGCM(_wrap_key(code_hash_hex, request_id)).decrypt(raw[:12], raw[12:], request_id.encode("ascii"))
        return plain.decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error):
        raise OfflineFileError("Tệp trả lời không dành cho yêu cầu kết nối của máy này (không mở được mã truy "
                               "cập).", 403) from None


# -- documents ----------------------------------------------------------------------------------------

def document(kind: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "kind": kind, "payload": payload, **extra}


def _signed_bytes(kind: str, payload: dict[str, Any]) -> bytes:
    return canonical_json({"kind": kind, "payload": payload})


def hub_sign(private_key: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A document signed with the hub's key; `key_fingerprint` (beside the payload, not signed: a hint for the
    officer's message when the laptop refuses a file signed by another key) names that key."""
    from sync.hubkey import fingerprint

    return document(kind, payload, signature=signing.sign(private_key, _signed_bytes(kind, payload)),
                    key_fingerprint=fingerprint(signing.public_key_of(private_key)))


def hub_verify(doc: dict[str, Any], public_key: str, kind: str) -> dict[str, Any]:
    """The payload of a hub document of this kind, or OfflineFileError (forged, altered, wrong kind)."""
    if doc.get("kind") != kind:
        raise OfflineFileError(f"Tệp này là loại '{doc.get('kind')}', không phải '{kind}'.")
    payload, sig = doc.get("payload"), doc.get("signature")
    if not isinstance(payload, dict) or not isinstance(sig, str) or len(sig) > 200:
        raise OfflineFileError("Tệp thiếu nội dung hoặc chữ ký của máy chủ tỉnh.")
    if not public_key or not signing.verify(public_key, _signed_bytes(kind, payload), sig):
        raise OfflineFileError("Chữ ký của máy chủ tỉnh trên tệp không đúng: tệp bị sửa, bị hỏng hoặc không do "
                               "máy chủ tỉnh của máy này cấp. Không có gì được thay đổi.", 403)
    return payload


def dumps(doc: dict[str, Any]) -> bytes:
    return canonical_json(doc) + b"\n"


def loads(data: bytes, limit: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """Bounded parse of an offline file (size, JSON shape before json.loads, format and version)."""
    if len(data) > limit:
        raise OfflineFileError("Tệp quá lớn.", 413)
    try:
        doc = loads_bounded(data.strip(), "file", **FILE_JSON_LIMITS)
    except ProtocolError:
        raise OfflineFileError("Tệp bị hỏng hoặc bị cắt (không đọc được nội dung).", 400) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("kind") not in KINDS:
        raise OfflineFileError("Đây không phải tệp trao đổi của EnrollPoint.")
    if doc.get("version") != VERSION:
        raise OfflineFileError(f"Phiên bản tệp {doc.get('version')!r} chưa được hỗ trợ.")
    return doc


def read_file(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise OfflineFileError(f"Không đọc được tệp {os.fspath(path)}: {exc.strerror or exc}.", 400) from None
    return loads(data, limit)


def write_file(path: str | os.PathLike[str], doc: dict[str, Any]) -> None:
    """Atomic write (temp file + rename), so a pulled stick never holds half a file under the real name."""
    from common.files import atomic_write

    atomic_write(path, dumps(doc))


# -- the enrolment request ----------------------------------------------------------------------------

def make_request(code: str, commune_code: str, device_name: str, private_key: str, previous_device_id: str = "",
                 previous_proofs: list[str] | None = None, restored_from: str = "") -> dict[str, Any]:
    """The request the laptop writes; the code itself is not in it (only an HMAC keyed by its hash).

    A laptop enrolled before adds `previous_device_id` and `previous_proofs` (1–2 `signing.reenrol_proof`s:
    with its current key, and with a key an unanswered earlier request introduced) so that the hub keeps its
    device id. They sit beside the payload, not in it: a hub older than this ignores them and enrols a new
    device as before; each proof is signed by the previous key over the new public key, so it needs no
    other protection."""
    payload = {"commune_code": commune_code, "device_name": device_name,
               "public_key": signing.public_key_of(private_key), "request_id": secrets.token_hex(16)}
    extra: dict[str, Any] = {"enrol_protocol": ENROL_PROTOCOL}  # beside the payload, as previous_*: old hubs ignore
    if previous_device_id and previous_proofs:
        extra.update(previous_device_id=previous_device_id, previous_proofs=list(previous_proofs[:2]))
    if restored_from:
        extra["restored_from"] = restored_from
    return document("enrol-request", payload, proof=proof(code_hash(code), payload),
                    signature=signing.sign(private_key, _signed_bytes("enrol-request", payload)), **extra)


def check_request(doc: dict[str, Any]) -> dict[str, Any]:
    """Structure and the device's own signature (possession of the private key); the proof is the hub's."""
    if doc.get("kind") != "enrol-request":
        raise OfflineFileError("Tệp này không phải yêu cầu kết nối.")
    p = doc.get("payload")
    if not isinstance(p, dict) or set(p) != {"commune_code", "device_name", "public_key", "request_id"} \
            or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in p.values()):
        raise OfflineFileError("Yêu cầu kết nối thiếu thông tin.")
    if not signing.valid_public_key(p["public_key"]) or not isinstance(doc.get("signature"), str) \
            or not signing.verify(p["public_key"], _signed_bytes("enrol-request", p), doc["signature"]):
        raise OfflineFileError("Yêu cầu kết nối bị sửa hoặc hỏng (chữ ký của máy không đúng).", 403)
    if not isinstance(doc.get("proof"), str) or len(doc["proof"]) > 100:
        raise OfflineFileError("Yêu cầu kết nối thiếu bằng chứng mã một lần.", 403)
    if not all(c in "0123456789abcdef" for c in p["request_id"]) or len(p["request_id"]) != 32:
        raise OfflineFileError("Yêu cầu kết nối không đúng dạng.")
    return p


def proof_matches(doc: dict[str, Any], code_hash_hex: str) -> bool:
    return hmac.compare_digest(proof(code_hash_hex, doc["payload"]).encode(), str(doc.get("proof", "")).encode())


def check_restore(doc: dict[str, Any]) -> tuple[int, str | None]:
    """(enrolment protocol, the device whose backup the laptop's database is) of a request; bounded. Absent in
    requests of laptops older than enrolment protocol 2: (1, None)."""
    version, origin = doc.get("enrol_protocol", 1), doc.get("restored_from")
    if not isinstance(version, int) or not 1 <= version <= 1000:
        raise OfflineFileError("Yêu cầu kết nối không đúng dạng (enrol_protocol).")
    if origin is not None and not (isinstance(origin, str) and 0 < len(origin) <= signing.MAX_DEVICE_ID
                                   and all(c.isascii() and (c.isalnum() or c in "-_.") for c in origin)):
        raise OfflineFileError("Yêu cầu kết nối không đúng dạng (restored_from).")
    return version, origin


def check_reenrol(doc: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(previous device id, proofs) of a re-enrolment request, None for a first enrolment; bounded."""
    if "previous_device_id" not in doc and "previous_proofs" not in doc:
        return None
    device, proofs = doc.get("previous_device_id"), doc.get("previous_proofs")
    if not (isinstance(device, str) and 0 < len(device) <= signing.MAX_DEVICE_ID
            and all(c.isascii() and (c.isalnum() or c in "-_.") for c in device)
            and isinstance(proofs, list) and 1 <= len(proofs) <= 2
            and all(isinstance(p, str) and 0 < len(p) <= signing.MAX_SIGNATURE for p in proofs)):
        raise OfflineFileError("Yêu cầu kết nối lại không đúng dạng (mã máy cũ hoặc chữ ký bằng khóa cũ).")
    return device, list(proofs)

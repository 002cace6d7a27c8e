"""The province hub's signing key as the laptop learns it: its short fingerprint, and the binding of the key
to the one-time code that enrolled the laptop. Both sides use this module.

Why a binding: the key travels in the enrolment answer (online, or in a file carried by hand). Signed only by
itself, it proves nothing — whoever carries the stick could re-sign the answer with a key of their own and
then write receipts and targets files the laptop would believe. The binding is an HMAC keyed from the
one-time code (only the province's hub and the officer holding the code know it; the request file carries
an HMAC proof, never the code) over the hub key, the device id, the commune and the device's own public key.
A stranger cannot make one for their key.

Enrolment contract 2 (`ENROL_CONTRACT`): the answer carries `hub_key_binding` and `enrol_contract: 2`. A hub
before it sends neither; see docs/sync.md for what each mix of versions does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from sync.protocol import ENROL_PROTOCOL, canonical_json

# 1: the hub key is taken on its own word; 2: it is bound to the one-time code. One enrolment version with the
# successor fields of sync.protocol (ENROL_PROTOCOL): both shipped in one release.
ENROL_CONTRACT = ENROL_PROTOCOL
BINDING_FIELD = "hub_key_binding"
CONTRACT_FIELD = "enrol_contract"
_LABEL = b"enrollpoint hub-key-binding v2"


def fingerprint(public_key: str) -> str:
    """First 16 hex digits of SHA-256 of the raw 32-byte key, in groups of four ("3F2A 91C0 …"): short
    enough to read over the phone, long enough that no one can make a key to match it. "" for no key."""
    if not public_key:
        return ""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = public_key.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()[:16].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def _binding_key(code_hash_hex: str) -> bytes:
    return hmac.new(bytes.fromhex(code_hash_hex), _LABEL, hashlib.sha256).digest()


def binding(code_hash_hex: str, hub_public_key: str, device_id: str, commune_code: str,
            device_public_key: str) -> str:
    """base64 HMAC-SHA256 (key derived from SHA-256 of the normalised one-time code) over the hub key and the
    enrolment it belongs to."""
    msg = canonical_json({"hub_public_key": hub_public_key, "device_id": device_id,
                          "commune_code": commune_code, "device_public_key": device_public_key})
    return base64.b64encode(hmac.new(_binding_key(code_hash_hex), msg, hashlib.sha256).digest()).decode("ascii")


def binding_valid(code_hash_hex: str, given: object, hub_public_key: str, device_id: str, commune_code: str,
                  device_public_key: str) -> bool:
    if not isinstance(given, str) or not given or len(given) > 100:
        return False
    want = binding(code_hash_hex, hub_public_key, device_id, commune_code, device_public_key)
    return hmac.compare_digest(want.encode("ascii"), given.encode("utf-8", "replace"))

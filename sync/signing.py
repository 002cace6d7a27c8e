"""Device keys and batch signatures (Ed25519).

The laptop makes its key pair at enrolment and keeps the private key in the OS keyring; the hub stores
only the public key, so nothing on the hub can forge a commune's reports. Keys travel as base64 of the
raw 32 bytes (short enough for Windows Credential Manager's 2,560-byte limit).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_RAW = serialization.Encoding.Raw


def generate_keypair() -> tuple[str, str]:
    """(private key, public key), each base64 of the raw 32 bytes."""
    private = Ed25519PrivateKey.generate()
    priv = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    pub = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return base64.b64encode(priv).decode(), base64.b64encode(pub).decode()


def public_key_of(private_b64: str) -> str:
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    return base64.b64encode(private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)).decode()


def sign(private_b64: str, data: bytes) -> str:
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64))
    return base64.b64encode(private.sign(data)).decode()


def verify(public_b64: str, data: bytes, signature_b64: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        key.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def valid_public_key(public_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
    except (ValueError, binascii.Error):
        return False
    return True


# -- re-enrolment: a laptop keeps its device id across a new one-time code -------------------------------

REENROL_DOMAIN = b"enrollpoint-reenrol-v1\n"
MAX_DEVICE_ID = 32  # the hub's device ids: uuid4 hex
MAX_SIGNATURE = 100  # base64 of a 64-byte Ed25519 signature is 88 characters


def reenrol_message(previous_device_id: str, new_public_key: str, commune_code: str, code_hash: str) -> bytes:
    """What the device's previous private key signs to keep its id when it enrols again: the device id, the
    NEW public key, the commune and the SHA-256 (hex) of the normalised one-time code — so a proof is good for
    exactly one key change, one commune and one code. Domain-separated, and a JSON array (unambiguous)."""
    fields = [previous_device_id, new_public_key, commune_code, code_hash]
    return REENROL_DOMAIN + json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def reenrol_proof(previous_private_key: str, previous_device_id: str, new_public_key: str, commune_code: str,
                  code_hash: str) -> str:
    return sign(previous_private_key, reenrol_message(previous_device_id, new_public_key, commune_code, code_hash))


def reenrol_proof_valid(stored_public_key: str, proof: str, previous_device_id: str, new_public_key: str,
                        commune_code: str, code_hash: str) -> bool:
    """True when `proof` was made with the private key of `stored_public_key` (what the hub holds for the
    device) over exactly this device, new key, commune and code."""
    if not proof or len(proof) > MAX_SIGNATURE:
        return False
    return verify(stored_public_key, reenrol_message(previous_device_id, new_public_key, commune_code, code_hash),
                  proof)


def new_token() -> str:
    """A bearer token for a device (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the hub stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)


def new_enrolment_code() -> str:
    """A one-time code an admin reads out or prints: 12 characters, grouped, no ambiguous letters."""
    alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))

"""Hashing of short secrets people type (an operator's PIN, a hub user's password) with scrypt.

One format for both programs: `scrypt$n$r$p$salt$hash`, salt and hash in base64. Both alphabets are
read (the laptop wrote standard base64, the hub URL-safe without padding), so stored hashes of either
stay valid. The secret is NFC-normalised first, so a password typed on another keyboard still matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAXMEM = 64 * 1024 * 1024
_MAX_N = 2**20  # a stored hash asking for more is refused, not computed (memory and time are bounded)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    std = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(std + "=" * (-len(std) % 4), validate=True)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, dklen: int = 32) -> bytes:
    data = unicodedata.normalize("NFC", secret).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_MAXMEM)


def hash_secret(secret: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """A new salted hash of `secret` to store."""
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_scrypt(secret, salt, n, r, p))}"


def verify_secret(secret: str, stored: str) -> bool:
    """True when `secret` matches `stored`; False for a wrong secret or a malformed stored value."""
    try:
        scheme, n_s, r_s, p_s, salt, digest = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        if scheme != "scrypt" or not (1 < n <= _MAX_N and 0 < r <= 32 and 0 < p <= 16):
            return False
        expected = _unb64(digest)
        got = _scrypt(secret, _unb64(salt), n, r, p, dklen=len(expected) or 32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"
"""Verified against when the account is unknown or locked, so every refusal costs the same time."""

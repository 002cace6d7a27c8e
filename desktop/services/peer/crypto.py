"""The commune group's secret, its code, and the sealed messages every peer exchange is made of.

- The group secret is 20 random bytes (160 bits). Its code is those bytes in Crockford base32 (32 symbols)
  plus 4 check symbols, in 9 groups of 4: typed or scanned once on each laptop, then kept in the OS keyring.
- Keys are derived with HKDF-SHA256 from the secret, bound to the commune code and the protocol version:
  the same code typed on another commune's laptop gives other keys and nothing opens.
- A sealed message: a clear header (magic, version, commune, group id, message id, kind) and a body
  encrypted with ChaCha20-Poly1305 under a key derived per message from a random 16-byte salt (so a
  nonce never repeats under one key), the whole header bound as associated data: changing a byte of
  either is refused. The message id is random; receivers remember ids (peer_seen) to refuse a replay.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from common import base32
from desktop.errors import ServiceError

PROTOCOL = 1
MAGIC = b"EPPEER"
SECRET_BYTES = 20
MAX_HEADER = 1024


class PeerRefused(ServiceError):
    """A file or message that is not from this commune's group (or was altered, or replayed)."""


# --- the group code ---------------------------------------------------------------------------------------


def _check(secret: bytes) -> str:
    return base32.encode(hashlib.sha256(b"enrollpoint-group-code" + secret).digest()[:3])[:4]


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def code_of(secret: bytes) -> str:
    return base32.group(base32.encode(secret) + _check(secret))


def secret_of(code: str) -> bytes:
    """The secret inside a typed code; a mistyped code is refused (its check symbols do not match)."""
    clean = base32.read(code or "").replace("U", "V")  # U is no symbol: read as the V it stands for
    if len(clean) != 36 or any(ch not in base32.ALPHABET for ch in clean):
        raise PeerRefused("Mã nhóm phải có 36 ký tự (9 nhóm 4 ký tự), ví dụ ABCD-EFGH-…: kiểm tra lại mã đã gõ",
                          en="The group code must have 36 characters (9 groups of 4), e.g. ABCD-EFGH-…: "
                             "check the code you typed")
    secret = base32.decode(clean[:32], SECRET_BYTES)
    if _check(secret) != clean[32:]:
        raise PeerRefused("Mã nhóm không đúng (sai ký tự kiểm tra): kiểm tra lại mã đã gõ",
                          en="The group code is wrong (check characters do not match): check the code you "
                             "typed")
    return secret


# --- keys and sealed messages -----------------------------------------------------------------------------


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


@dataclass(frozen=True)
class GroupKey:
    secret: bytes
    commune: str

    @property
    def group_id(self) -> str:
        """A public name of the group (reveals nothing of the secret): refuses another group early."""
        return _hkdf(self.secret, f"enrollpoint-peer/v{PROTOCOL}/group-id/{self.commune}".encode(), length=8).hex()

    def _master(self) -> bytes:
        return _hkdf(self.secret, f"enrollpoint-peer/v{PROTOCOL}/master/{self.commune}".encode())

    def seal(self, kind: str, body: bytes, message_id: str | None = None, extra: dict[str, Any] | None = None) -> bytes:
        header = {"v": PROTOCOL, "commune": self.commune, "group": self.group_id,
                  "id": message_id or secrets.token_hex(16), "kind": kind, **(extra or {})}
        head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
        salt, nonce = os.urandom(16), os.urandom(12)
        key = _hkdf(self._master(), b"msg|" + kind.encode(), salt=salt)
        ct = ChaCha20Poly1305(key).encrypt(nonce, body, MAGIC + head)
        return MAGIC + struct.pack(">H", len(head)) + head + salt + nonce + ct

    def open(self, data: bytes, kind: str) -> tuple[dict[str, Any], bytes]:
        header = read_header(data)
        check_header(header, self.commune, self.group_id)
        if header.get("kind") != kind:
            raise PeerRefused("Dữ liệu nhận được không đúng loại (có thể bị gửi lại hoặc giả mạo): đã từ chối",
                              en="The received data is of the wrong kind (it may be replayed or forged): "
                                 "refused")
        n = struct.unpack(">H", data[len(MAGIC) : len(MAGIC) + 2])[0]
        head = data[len(MAGIC) + 2 : len(MAGIC) + 2 + n]
        rest = data[len(MAGIC) + 2 + n :]
        salt, nonce, ct = rest[:16], rest[16:28], rest[28:]
        key = _hkdf(self._master(), b"msg|" + kind.encode(), salt=salt)
        try:
            body = ChaCha20Poly1305(key).decrypt(nonce, ct, MAGIC + head)
        except InvalidTag:
            raise PeerRefused("Dữ liệu đã bị thay đổi hoặc không do nhóm máy của xã tạo ra: đã từ chối, "
                              "không lưu gì",
            en="The data was altered or was not made by the commune's group of laptops: refused, nothing "
               "stored") from None
        return header, body


def read_header(data: bytes) -> dict[str, Any]:
    """The clear header, bounded; anything malformed is refused in Vietnamese."""
    if len(data) < len(MAGIC) + 2 or not data.startswith(MAGIC):
        raise PeerRefused("Không phải dữ liệu đồng bộ giữa các máy trong xã EnrollPoint",
                          en="This is not EnrollPoint sync data between the commune's laptops")
    n = struct.unpack(">H", data[len(MAGIC) : len(MAGIC) + 2])[0]
    if n > MAX_HEADER or len(data) < len(MAGIC) + 2 + n + 28 + 16:
        raise PeerRefused("Dữ liệu đồng bộ bị cắt cụt hoặc hỏng", en="The sync data is truncated or damaged")
    try:
        header = json.loads(data[len(MAGIC) + 2 : len(MAGIC) + 2 + n])
    except ValueError:
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (phần đầu không đọc được)",
                          en="The sync data is damaged (its header cannot be read)") from None
    if not isinstance(header, dict):
        raise PeerRefused("Dữ liệu đồng bộ bị hỏng (phần đầu không đọc được)",
                          en="The sync data is damaged (its header cannot be read)")
    return header


def check_header(header: dict[str, Any], commune: str, group_id: str) -> None:
    if header.get("v") != PROTOCOL:
        raise PeerRefused(f"Dữ liệu theo phiên bản giao thức {header.get('v')!s:.8}, máy này dùng phiên bản "
                          f"{PROTOCOL}: cập nhật EnrollPoint trên cả hai máy",
        en=f"The data uses sync protocol version {header.get('v')!s:.8}, this laptop uses version "
           f"{PROTOCOL}: update EnrollPoint on both laptops")
    if str(header.get("commune")) != commune:
        raise PeerRefused(f"Dữ liệu của xã {str(header.get('commune'))[:8]}, không phải xã {commune} của máy này: "
                          "đã từ chối, không lưu gì",
        en=f"The data belongs to commune {str(header.get('commune'))[:8]}, not to this laptop's commune "
           f"{commune}: refused, nothing stored")
    if header.get("group") != group_id:
        raise PeerRefused("Dữ liệu từ một máy không thuộc nhóm máy của xã (khác mã nhóm): đã từ chối, không lưu gì",
                          en="The data comes from a laptop outside the commune's group (different group "
                             "code): refused, nothing stored")

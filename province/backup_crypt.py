"""The hub backup file: a passphrase-encrypted, authenticated stream.

Why encrypt the whole file rather than leave the secrets out: the hub's signing key must come back unchanged
(laptops pin it, and a new key would make every commune re-enrol), and the file also names every device and
account. So everything is encrypted: scrypt (n=2^15, r=8, p=1) turns the passphrase into an AES-256-GCM key;
the compressed dump is cut into chunks of at most 1 MiB, each sealed with the header, its number and a
last-chunk flag as associated data. A changed byte, a swapped or missing chunk, a cut-off file or a wrong
passphrase all fail the tag check, and nothing is read past it.

Layout: MAGIC, a 4-byte header length, the header (JSON: format, kdf parameters, salt, nonce prefix), then per
chunk a 4-byte length and the ciphertext.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"EPHUBBK1"
CHUNK = 1 << 20
MAX_HEADER = 4096
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}


class BadBackup(Exception):
    """The file is not a hub backup, was changed or cut short, or the passphrase is wrong (one cannot tell
    the last two apart: that is the point of the tag)."""


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


class Sealer:
    """Writes the encrypted stream to `out`: `write` any amount of plaintext, then `finish` exactly once."""

    def __init__(self, out: BinaryIO, passphrase: str) -> None:
        salt, self.prefix = os.urandom(16), os.urandom(4)
        self.header = json.dumps({"format": 1, "kdf": "scrypt", **SCRYPT, "salt": salt.hex(),
                                  "nonce_prefix": self.prefix.hex(), "cipher": "AES-256-GCM"}).encode()
        self.aead = AESGCM(_key(passphrase, salt, **SCRYPT))
        self.out, self.buf, self.index = out, bytearray(), 0
        out.write(MAGIC + struct.pack(">I", len(self.header)) + self.header)

    def _seal(self, data: bytes, last: bool) -> None:
        nonce = self.prefix + struct.pack(">Q", self.index)
        sealed = self.aead.encrypt(nonce, data, _aad(self.header, self.index, last))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def write(self, data: bytes) -> None:
        self.buf += data
        while len(self.buf) > CHUNK:
            self._seal(bytes(self.buf[:CHUNK]), False)
            del self.buf[:CHUNK]

    def finish(self) -> None:
        self._seal(bytes(self.buf), True)
        self.buf.clear()


def _exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise BadBackup("cut short")
    return data


def open_chunks(f: BinaryIO, passphrase: str) -> Iterator[bytes]:
    """The plaintext chunks, each checked before it is given out; BadBackup at the first fault (including a
    file that ends before its last chunk or goes on after it)."""
    if f.read(len(MAGIC)) != MAGIC:
        raise BadBackup("not a hub backup")
    (size,) = struct.unpack(">I", _exact(f, 4))
    if size > MAX_HEADER:
        raise BadBackup("bad header")
    header = _exact(f, size)
    try:
        h = json.loads(header)
        n, r, p = int(h["n"]), int(h["r"]), int(h["p"])
        salt, prefix = bytes.fromhex(h["salt"]), bytes.fromhex(h["nonce_prefix"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadBackup("bad header") from exc
    if h.get("format") != 1 or not (2 <= n <= 1 << 20 and r <= 32 and p <= 16 and len(prefix) == 4):
        raise BadBackup("bad header")
    aead = AESGCM(_key(passphrase, salt, n, r, p))
    index = 0
    while True:
        raw = f.read(4)
        if len(raw) != 4:
            raise BadBackup("cut short")
        (length,) = struct.unpack(">I", raw)
        if length > CHUNK + 16:
            raise BadBackup("bad chunk")
        sealed = _exact(f, length)
        nonce = prefix + struct.pack(">Q", index)
        for last in (False, True):
            try:
                data = aead.decrypt(nonce, sealed, _aad(header, index, last))
                break
            except InvalidTag:
                continue
        else:
            raise BadBackup("tag")
        yield data
        index += 1
        if last:
            if f.read(1):
                raise BadBackup("data after the end")
            return

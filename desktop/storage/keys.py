"""The database encryption key: made at set-up, kept in the OS keyring, recoverable from a written key.

Why this shape: a laptop at a mobile point can be lost, so the database file (and its backups) are
SQLCipher-encrypted with a random 256-bit key. The key lives in the OS keyring (Windows Credential
Manager, macOS Keychain, Secret Service), never on disk next to the data. It is a *raw* key
(`PRAGMA key = "x'…'"`), so no slow passphrase derivation runs on every connection.

The recovery key is the same 32 bytes written for a human: base32 with a 3-byte checksum, 14 groups of
4 characters. It is shown once when the key is created; a supervisor writes it down and keeps it away
from the laptop. With it, `unlock_with_recovery()` puts the key back into a new laptop's keyring.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.errors import DatabaseError
from desktop.paths import make_private
from desktop.storage.connect import connect_keyed, create_private_file

SERVICE = "EnrollPoint"
KEY_BYTES = 32
PLAIN_HEADER = b"SQLite format 3\x00"
_CHECK_BYTES = 3


class KeyStoreUnavailable(DatabaseError):
    """No usable OS keyring (headless Linux without Secret Service, a locked store, a policy)."""


class KeyMissing(DatabaseError):
    """The database is encrypted but this computer's keyring has no key for it."""


class BadRecoveryKey(DatabaseError):
    """The recovery key was mistyped or belongs to another database."""


@dataclass(frozen=True)
class KeyInfo:
    key: bytes = field(repr=False)
    created: bool = False
    recovery_key: str | None = field(default=None, repr=False)  # only when newly created: show it once


# --- file state -------------------------------------------------------------------------------------


def file_state(db_path: str | os.PathLike[str]) -> str:
    """'new' (missing or empty), 'plain' (an ordinary SQLite file) or 'encrypted' (anything else)."""
    p = Path(db_path)
    try:
        with p.open("rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return "new"
    if not head:
        return "new"
    return "plain" if head == PLAIN_HEADER else "encrypted"


# --- keyring ------------------------------------------------------------------------------------------


def keyring_username(db_path: str | os.PathLike[str]) -> str:
    """One keyring entry per database file (by the hash of its absolute path: no path in the store)."""
    resolved = str(Path(db_path).expanduser().resolve())
    return "db-" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:24]


def _keyring() -> Any:
    try:
        import keyring
    except Exception as exc:  # pragma: no cover - a broken install
        raise KeyStoreUnavailable(_no_store_message(exc), en=_no_store_message_en(exc)) from exc
    if not secure_store_available(keyring.get_keyring()):
        raise KeyStoreUnavailable(_no_store_message(RuntimeError("no secure keyring")),
                                  en=_no_store_message_en(RuntimeError("no secure keyring")))
    return keyring


# Backends that do not protect a secret: keyring picks keyrings.alt's plaintext file on a Linux machine
# without Secret Service, which would leave the database key in a file beside the data it protects.
_INSECURE_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def secure_store_available(backend: Any) -> bool:
    """True for a real OS store; an insecure backend counts only when named in PYTHON_KEYRING_BACKEND
    (tests, or an administrator who chose it knowingly)."""
    module = type(backend).__module__
    if not module.startswith(_INSECURE_MODULES):
        return True
    chosen = os.environ.get("PYTHON_KEYRING_BACKEND", "")
    return bool(chosen) and chosen.startswith(module) and not module.startswith(_INSECURE_MODULES[1:])


def _no_store_message(exc: BaseException) -> str:
    """The officer's words: what to do, never the exception's class (that goes to the log)."""
    logging.getLogger(__name__).warning("no usable OS keyring: %s", type(exc).__name__)
    return (
        "Không dùng được kho khóa bảo mật của hệ điều hành (keyring) để giữ khóa mã hoá cơ sở dữ liệu. "
        "Trên Windows hãy đăng nhập bằng tài khoản người dùng thường; trên Linux cần dịch vụ Secret Service "
        "(GNOME Keyring hoặc KWallet)."
    )


def _no_store_message_en(exc: BaseException) -> str:
    return (
        "The operating system's secure keyring cannot be used to keep the database encryption key. On Windows "
        "log in with an ordinary user account; on Linux the Secret Service is needed (GNOME Keyring or KWallet)."
    )


def _store_errors() -> tuple[type[BaseException], ...]:
    from keyring.errors import KeyringError

    return (KeyringError, RuntimeError, OSError)


def load_key(db_path: str | os.PathLike[str]) -> bytes | None:
    kr = _keyring()
    try:
        value = kr.get_password(SERVICE, keyring_username(db_path))
    except _store_errors() as exc:
        raise KeyStoreUnavailable(_no_store_message(exc), en=_no_store_message_en(exc)) from exc
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def store_key(db_path: str | os.PathLike[str], key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError("key must be 32 bytes")
    kr = _keyring()
    try:
        kr.set_password(SERVICE, keyring_username(db_path), key.hex())  # 64 chars: far below 2,560 bytes
    except _store_errors() as exc:
        raise KeyStoreUnavailable(_no_store_message(exc), en=_no_store_message_en(exc)) from exc


def forget_key(db_path: str | os.PathLike[str]) -> None:
    """Remove the key from the keyring (tests, and a laptop being handed over)."""
    kr = _keyring()
    with contextlib.suppress(Exception):
        kr.delete_password(SERVICE, keyring_username(db_path))


# --- recovery key ------------------------------------------------------------------------------------


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"EnrollPoint recovery\x00" + key).digest()[:_CHECK_BYTES]


def recovery_key_for(key: bytes) -> str:
    """32 key bytes + 3 checksum bytes = 56 base32 characters, in 14 groups of 4."""
    text = base64.b32encode(key + _checksum(key)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Accept what a person types: any case, spaces or dashes, 0/1/8 for O/I/B."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    try:
        raw = base64.b32decode(cleaned)
    except (ValueError, TypeError) as exc:
        raise BadRecoveryKey("Khóa khôi phục không đúng định dạng (56 ký tự, 14 nhóm 4 ký tự).",
                             en="The recovery key is not in the right format (56 characters, 14 groups of "
                                "4).") from exc
    if len(raw) != KEY_BYTES + _CHECK_BYTES or _checksum(raw[:KEY_BYTES]) != raw[KEY_BYTES:]:
        raise BadRecoveryKey("Khóa khôi phục bị gõ sai (mã kiểm tra không khớp). Hãy kiểm tra từng nhóm ký tự.",
                             en="The recovery key was mistyped (the check characters do not match). Check "
                                "each group of characters.")
    return raw[:KEY_BYTES]


# --- the key of one database ---------------------------------------------------------------------------


def ensure_key(db_path: str | os.PathLike[str]) -> KeyInfo:
    """The key for this database, creating (and storing) one for a new or still-plain database.

    Raises KeyMissing when the file is already encrypted and the keyring has nothing for it, and
    KeyStoreUnavailable when there is no usable keyring.
    """
    existing = load_key(db_path)
    state = file_state(db_path)
    if existing is not None:
        # A brand-new database at a path whose key survived (the old file was deleted): the key is reused
        # (old backups stay readable) and its recovery key shown again for the new first run.
        return KeyInfo(existing, created=False, recovery_key=recovery_key_for(existing) if state == "new" else None)
    if state == "encrypted":
        raise KeyMissing(
            "Cơ sở dữ liệu đã được mã hoá nhưng máy này không có khóa giải mã trong kho khóa. "
            "Người phụ trách hãy nhập khóa khôi phục đã ghi lại khi cài đặt "
            "(lệnh: enrollpoint recovery-key --unlock).",
            en="The database is encrypted but this computer's keyring has no key for it. A supervisor must "
               "enter the recovery key written down at installation (command: enrollpoint recovery-key "
               "--unlock).",
        )
    key = secrets.token_bytes(KEY_BYTES)
    store_key(db_path, key)
    if load_key(db_path) != key:  # a store that silently drops secrets would lose the database
        raise KeyStoreUnavailable(_no_store_message(RuntimeError("key not kept")),
                                  en=_no_store_message_en(RuntimeError("key not kept")))
    return KeyInfo(key, created=True, recovery_key=recovery_key_for(key))


def key_opens(db_path: str | os.PathLike[str], key: bytes) -> bool:
    """True when `key` decrypts the file (reads the schema; a wrong key fails on the first page)."""

    try:
        conn = connect_keyed(str(db_path), key)
    except Exception:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Exception:
        return False
    finally:
        conn.close()


def unlock_with_recovery(db_path: str | os.PathLike[str], recovery_key: str) -> KeyInfo:
    """Check the written recovery key against the database file, then store it in this keyring."""
    key = parse_recovery_key(recovery_key)
    if file_state(db_path) == "encrypted" and not key_opens(db_path, key):
        raise BadRecoveryKey("Khóa khôi phục không mở được cơ sở dữ liệu này (khóa của cơ sở dữ liệu khác?).",
                             en="The recovery key does not open this database (the key of another "
                                "database?).")
    store_key(db_path, key)
    return KeyInfo(key, created=False, recovery_key=None)


# --- plain -> encrypted --------------------------------------------------------------------------------


def encrypt_copy(src_plain: Path, dst: Path, key: bytes) -> None:
    """Write an encrypted copy of a plain SQLite file with sqlcipher_export (schema, data, user_version)."""
    import sqlcipher3


    dst.unlink(missing_ok=True)
    create_private_file(dst)
    conn = sqlcipher3.connect(str(src_plain))
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ATTACH DATABASE ? AS enc KEY ?", (str(dst), f"x'{key.hex()}'"))
        conn.execute("SELECT sqlcipher_export('enc')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA enc.user_version = {int(version)}")
        conn.execute("DETACH DATABASE enc")
    finally:
        conn.close()


def _counts(conn: Any) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def convert_to_encrypted(db_path: Path, key: bytes, keep_encrypted_copy: Path | None = None) -> None:
    """Encrypt a plain database in place; never leaves a plaintext copy behind.

    The encrypted copy is checked (integrity, same row counts) before it atomically replaces the plain
    file; `keep_encrypted_copy` also keeps it as the backup taken before the conversion.
    """
    import sqlcipher3


    tmp = db_path.with_name(db_path.name + ".encrypting")
    encrypt_copy(db_path, tmp, key)
    plain = sqlcipher3.connect(str(db_path))
    enc = connect_keyed(str(tmp), key)
    try:
        ok = enc.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok" or _counts(plain) != _counts(enc):
            raise DatabaseError("Mã hoá cơ sở dữ liệu thất bại: bản sao mã hoá không khớp; tệp gốc được giữ nguyên.",
                                en="Encrypting the database failed: the encrypted copy does not match; the "
                                   "original file is unchanged.")
    finally:
        enc.close()
        plain.close()
    if keep_encrypted_copy is not None:
        import shutil

        keep_encrypted_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp, keep_encrypted_copy)
        make_private(keep_encrypted_copy)
    for suffix in ("-wal", "-shm"):  # checkpointed (TRUNCATE) by encrypt_copy: nothing left in them
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)
    make_private(db_path)


def encrypt_plain_backups(folder: Path, key: bytes) -> int:
    """Encrypt, in place, every plain SQLite file in a backup folder (copies made before encryption)."""
    done = 0
    if not folder.is_dir():
        return 0
    for f in sorted(folder.glob("*.db")):
        if file_state(f) != "plain":
            continue
        tmp = f.with_name(f.name + ".encrypting")
        encrypt_copy(f, tmp, key)
        for suffix in ("-wal", "-shm"):
            Path(str(f) + suffix).unlink(missing_ok=True)
        os.replace(tmp, f)
        done += 1
    return done

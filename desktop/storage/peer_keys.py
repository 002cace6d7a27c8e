"""The commune group's secret for peer sync, kept in the OS keyring beside the database key.

Also this laptop's peer signing key (Ed25519, services/peer/signing.py), one per device id: the device id is
itself drawn per database, and a copy of the database on the same computer then signs as the same laptop
(a clone, which clones.py detects) rather than as a laptop that lost its key.

Same rules as keys.py: one entry per database file (a second data directory on the same computer has
its own group membership), never keyring's plaintext fallback unless explicitly chosen (tests).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from desktop.storage import keys

USER_PREFIX = "peer-group-"
MSG_NO_STORE = (
    "Không dùng được kho khóa bảo mật của hệ điều hành (keyring) để giữ mã nhóm máy của xã. Trên Windows hãy "
    "đăng nhập bằng tài khoản người dùng thường; trên Linux cần dịch vụ Secret Service (GNOME Keyring hoặc KWallet)."
)
MSG_NO_STORE_EN = (
    "The operating system's secure keyring cannot be used to keep the commune group's code. On Windows log in "
    "with an ordinary user account; on Linux the Secret Service is needed (GNOME Keyring or KWallet)."
)
SIGN_PREFIX = "peer-sign-"


def _user(db_path: str | os.PathLike[str]) -> str:
    return USER_PREFIX + keys.keyring_username(db_path)


def _group_keyring() -> Any:
    """The OS keyring, or KeyStoreUnavailable in words about the group code (not the database key)."""
    try:
        return keys._keyring()
    except keys.KeyStoreUnavailable as exc:
        raise keys.KeyStoreUnavailable(MSG_NO_STORE, en=MSG_NO_STORE_EN) from exc


def check_group_store() -> None:
    """Raise KeyStoreUnavailable when the group code could not be kept: checked before the officer is asked."""
    _group_keyring()


def load_group_secret(db_path: str | os.PathLike[str]) -> bytes | None:
    kr = _group_keyring()
    try:
        value = kr.get_password(keys.SERVICE, _user(db_path))
    except keys._store_errors() as exc:
        keys._no_store_message(exc)  # logs the class
        raise keys.KeyStoreUnavailable(MSG_NO_STORE, en=MSG_NO_STORE_EN) from exc
    if not value:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def store_group_secret(db_path: str | os.PathLike[str], secret: bytes) -> None:
    kr = _group_keyring()
    try:
        kr.set_password(keys.SERVICE, _user(db_path), secret.hex())
    except keys._store_errors() as exc:
        keys._no_store_message(exc)  # logs the class
        raise keys.KeyStoreUnavailable(MSG_NO_STORE, en=MSG_NO_STORE_EN) from exc


def forget_group_secret(db_path: str | os.PathLike[str]) -> None:
    kr = keys._keyring()
    with contextlib.suppress(Exception):
        kr.delete_password(keys.SERVICE, _user(db_path))


def load_signing_key(device: str) -> bytes | None:
    """The private signing key (32 raw bytes) of this laptop's peer device id, or None."""
    kr = keys._keyring()
    try:
        value = kr.get_password(keys.SERVICE, SIGN_PREFIX + device)
    except keys._store_errors() as exc:
        raise keys.KeyStoreUnavailable(keys._no_store_message(exc),
                                       en=keys._no_store_message_en(exc)) from exc
    try:
        return bytes.fromhex(value) if value else None
    except ValueError:
        return None


def store_signing_key(device: str, raw: bytes) -> None:
    kr = keys._keyring()
    try:
        kr.set_password(keys.SERVICE, SIGN_PREFIX + device, raw.hex())
    except keys._store_errors() as exc:
        raise keys.KeyStoreUnavailable(keys._no_store_message(exc),
                                       en=keys._no_store_message_en(exc)) from exc

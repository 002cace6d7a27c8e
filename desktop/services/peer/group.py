"""The commune's group of laptops: create it on the first laptop, join it on the others (no network).

The secret goes to the OS keyring (storage/peer_keys.py); the database keeps only the public group id
(settings `peer.group_id`) so the app can say "in a group" without opening the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ServiceError
from desktop.services.peer.crypto import GroupKey, PeerRefused, code_of, new_secret, secret_of
from desktop.services.peer.ids import device_id
from desktop.settings_keys import KEY_DEVICE_NAME, KEY_GROUP_ID
from desktop.storage import peer_keys
from desktop.storage.db import Database


@dataclass(frozen=True)
class GroupInfo:
    group_id: str
    device_id: str
    commune: str
    code: str | None = None  # only when just created: show it once


def _commune(db: Database) -> str:
    with db.session() as s:
        c = config.commune(s)
    if c is None:
        raise ServiceError("Chưa cấu hình xã trên máy này: chạy thiết lập ban đầu trước khi lập nhóm máy",
                           en="The commune is not set up on this laptop: complete the first-run setup "
                              "before creating a group")
    return c.code


@declares(Changes(settings=True))
def create_group(db: Database, *, replace: bool = False, name: str | None = None) -> GroupInfo:
    commune = _commune(db)
    with db.session() as s:
        if config.get(s, KEY_GROUP_ID) and not replace:
            raise ServiceError("Máy này đã ở trong một nhóm máy của xã; lập nhóm mới sẽ tách máy khỏi nhóm cũ "
                               "(dùng --replace nếu thật sự muốn)",
            en="This laptop is already in a commune group; a new group would take it out of the old one "
               "(use --replace if you really mean it)")
    secret = new_secret()
    key = GroupKey(secret, commune)
    peer_keys.store_group_secret(db.path, secret)
    with db.session() as s:
        config.put(s, KEY_GROUP_ID, key.group_id)
        if name:
            config.put(s, KEY_DEVICE_NAME, name)
        dev = device_id(s)
    return GroupInfo(key.group_id, dev, commune, code_of(secret))


@declares(Changes(settings=True))
def join_group(db: Database, code: str, name: str | None = None) -> GroupInfo:
    commune = _commune(db)
    secret = secret_of(code)
    key = GroupKey(secret, commune)
    peer_keys.store_group_secret(db.path, secret)
    with db.session() as s:
        config.put(s, KEY_GROUP_ID, key.group_id)
        if name:
            config.put(s, KEY_DEVICE_NAME, name)
        dev = device_id(s)
    return GroupInfo(key.group_id, dev, commune)


MSG_SECRET_MISSING = ("Máy này thuộc nhóm máy của xã nhưng mã nhóm không có trong kho khóa của máy (bản sao lưu không "
                      "mang mã nhóm: máy khôi phục từ bản sao lưu, hoặc kho khóa đã mất). Hãy nhập lại mã nhóm: "
                      "enrollpoint peer group join MÃ (xin mã từ máy khác trong nhóm).")
MSG_SECRET_MISSING_EN = ("This laptop belongs to the commune's group but the group code is not in its keyring (a "
                         "backup does not carry the group code: the laptop was restored from a backup, or the keyring "
                         "was lost). Enter the group code again: enrollpoint peer group join CODE (ask another "
                         "laptop of the group for it).")


def secret_present(db: Database) -> bool:
    """Whether the group secret is in this machine's keyring (a restored backup has the group id, not it)."""
    return peer_keys.load_group_secret(db.path) is not None


def group_key(db: Database) -> GroupKey:
    """This laptop's group key, or a Vietnamese refusal when it is in no group."""
    commune = _commune(db)
    secret = peer_keys.load_group_secret(db.path)
    with db.session() as s:
        gid = config.get(s, KEY_GROUP_ID)
    if secret is None and gid:
        raise PeerRefused(MSG_SECRET_MISSING, en=MSG_SECRET_MISSING_EN)
    if secret is None or not gid:
        raise PeerRefused("Máy này chưa ở trong nhóm máy của xã: lập nhóm (peer group create) hoặc "
                          "nhập mã nhóm (peer group join MÃ) trước",
        en="This laptop is not in the commune's group yet: create a group (peer group create) or enter the "
           "group code (peer group join CODE) first")
    key = GroupKey(secret, commune)
    if key.group_id != gid:
        raise PeerRefused("Khóa nhóm trong kho khóa không khớp với cơ sở dữ liệu: nhập lại mã nhóm",
                          en="The group key in the keyring does not match the database: enter the group "
                             "code again")
    return key

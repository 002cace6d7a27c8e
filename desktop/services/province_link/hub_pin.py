"""The laptop's rules for the province hub's signing key: what may be pinned, when a pinned key
may change, and how files signed by another key are refused.

- An enrolment answer (online or by file) is trusted only when its `hub_key_binding` verifies with the
  one-time code this laptop used (`sync.hubkey`): a courier who re-signs a response with a key of their own
  cannot make one. By file the binding is required; online, a hub before enrolment contract 2 sends none,
  and its key is taken as before (TLS authenticated the hub) — but never to replace a different pinned key.
- A pinned key (`hub_link.KEY_HUB_PUBLIC_KEY`) is replaced only by an enrolment whose binding verifies (the
  province reinstalled its hub and gave a new one-time code); the officer is told, with the old and the new
  fingerprint. Anything else presenting another key is refused, nothing changed.
- Receipts and targets files are checked against the pinned key only; a refusal names the fingerprints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from desktop import config
from desktop.errors import ServiceError
from desktop.settings_keys import KEY_HUB_PUBLIC_KEY
from desktop.storage.db import Database
from sync import hubkey, offline, signing

log = logging.getLogger(__name__)

NOTHING_CHANGED = "Không có gì được thay đổi."


@dataclass(frozen=True, slots=True)
class KeyDecision:
    """What an accepted enrolment answer does to the pinned key."""

    key: str  # the key to pin ("" when the hub sent none: a hub older than its signing key)
    previous: str  # the key pinned before ("" for none)
    note: str  # Vietnamese, for the officer: "" unless the key changed

    @property
    def changed(self) -> bool:
        return bool(self.previous and self.key and self.previous != self.key)

    @property
    def fingerprint(self) -> str:
        return hubkey.fingerprint(self.key)

    @property
    def line(self) -> str:
        """The officer's line: the fingerprint to compare with the one printed beside the one-time code."""
        return (f"Dấu khóa máy chủ tỉnh: {self.fingerprint} (đối chiếu với dấu in cạnh mã kết nối)."
                if self.key else "")


def pinned(db: Database) -> str:
    with db.session() as s:
        return config.get(s, KEY_HUB_PUBLIC_KEY)


def pinned_fingerprint(db: Database) -> str:
    return hubkey.fingerprint(pinned(db))


def _refuse(sentence: str, en: str) -> ServiceError:
    """The refusal in both languages, each ending in "nothing was changed"."""
    return ServiceError(f"{sentence} {NOTHING_CHANGED}", en=f"{en} Nothing was changed.")


def check_enrolment_key(db: Database, hub_key: str, binding: str, code_hash: str, device_id: str,
                        commune_code: str, device_public_key: str, *, by_file: bool) -> KeyDecision:
    """Decide on the hub key of an enrolment answer before anything is stored; ServiceError (Vietnamese,
    naming fingerprints) when it cannot be trusted."""
    current = pinned(db)
    if not hub_key:  # a hub without a signing key yet (online only: a file answer always carries a key)
        if by_file:
            raise _refuse("Tệp trả lời kết nối không có khóa của máy chủ tỉnh.",
                          "The connection answer file has no key of the province server.")
        return KeyDecision("", current, "")
    if not signing.valid_public_key(hub_key):
        raise _refuse("Khóa của máy chủ tỉnh trong câu trả lời kết nối không đúng dạng.",
                      "The province server's key in the connection answer is not in the right format.")
    fp = hubkey.fingerprint(hub_key)
    bound = hubkey.binding_valid(code_hash, binding, hub_key, device_id, commune_code, device_public_key)
    if not bound and binding:
        raise _refuse(f"Khóa ký trong câu trả lời kết nối (dấu khóa {fp}) không khớp với mã kết nối một lần của "
                      "máy này: câu trả lời đã bị thay khóa trên đường đi hoặc không do máy chủ tỉnh cấp. Hãy đối "
                      "chiếu dấu khóa với công an tỉnh.",
                      f"The signing key in the connection answer (fingerprint {fp}) does not match this laptop's "
                      "one-time connection code: the key was swapped on the way or the answer was not issued by "
                      "the province server. Compare the fingerprint with the province police.")
    if not bound and by_file:
        raise _refuse(f"Tệp trả lời kết nối không có dấu xác nhận khóa của máy chủ tỉnh theo mã kết nối (dấu khóa "
                      f"trong tệp: {fp}): máy chủ tỉnh đang chạy phiên bản cũ, hoặc tệp đã bị sửa. Hãy nhờ công "
                      "an tỉnh nâng cấp máy chủ rồi cấp mã mới.",
                      f"The connection answer file has no confirmation of the province server's key by the "
                      f"connection code (key fingerprint in the file: {fp}): the province server runs an old "
                      "version, or the file was altered. Ask the province police to upgrade the server and issue "
                      "a new code.")
    if not bound and current and current != hub_key:  # an old hub online: its word is not enough to change
        raise _refuse(f"Máy chủ tỉnh trả lời bằng một khóa khác (dấu khóa {fp}) với khóa máy này đã ghi nhận "
                      f"({hubkey.fingerprint(current)}), và không xác nhận khóa mới bằng mã kết nối (máy chủ "
                      "phiên bản cũ). Hãy báo công an tỉnh.",
                      f"The province server answered with a different key (fingerprint {fp}) from the one this "
                      f"laptop has recorded ({hubkey.fingerprint(current)}) and did not confirm the new key by "
                      "the connection code (an old server version). Tell the province police.")
    note = ""
    if current and current != hub_key:
        note = (f"Khóa của máy chủ tỉnh đã đổi: khóa cũ {hubkey.fingerprint(current)}, khóa mới {fp} (được xác "
                "nhận bằng mã kết nối một lần mới). Hãy đối chiếu dấu khóa mới với công an tỉnh.")
        log.warning("hub key changed by a bound enrolment: %s -> %s", hubkey.fingerprint(current), fp)
    return KeyDecision(hub_key, current, note)


def note_served_key(db: Database, public_key: str) -> None:
    """A key the hub sent with its targets: pinned when none is (laptops enrolled before hubs had a signing key, over TLS);
    a different key never replaces the pinned one (only a bound enrolment does) — it is logged."""
    if not public_key or not signing.valid_public_key(public_key):
        return
    with db.session() as s:
        current = config.get(s, KEY_HUB_PUBLIC_KEY)
        if not current:
            config.put(s, KEY_HUB_PUBLIC_KEY, public_key)
            return
    if current != public_key:
        log.warning("the hub served key %s, pinned is %s: kept the pinned key (connect with a new code to change)",
                    hubkey.fingerprint(public_key), hubkey.fingerprint(current))


def verify_file(doc: dict[str, Any], pinned_key: str, kind: str) -> dict[str, Any]:
    """The payload of a hub file of this kind, checked against the pinned key only; a signature by any other
    key is refused naming the province's fingerprint (and the one the file claims, if any)."""
    try:
        return offline.hub_verify(doc, pinned_key, kind)
    except offline.OfflineFileError as exc:
        if exc.status != 403:
            raise ServiceError(exc.message, en=f"The file cannot be used: {exc.message}") from None
    claimed = doc.get("key_fingerprint")
    other = (f" (tệp ghi khóa ký {claimed})" if isinstance(claimed, str) and claimed
             and len(claimed) <= 40 and claimed != hubkey.fingerprint(pinned_key) else "")
    other_en = (f" (the file names signing key {claimed})" if other else "")
    raise _refuse(f"Chữ ký trên tệp không phải của máy chủ tỉnh mà máy này đã kết nối (dấu khóa của tỉnh: "
                  f"{hubkey.fingerprint(pinned_key)}){other}: tệp bị sửa, bị hỏng hoặc do người khác làm.",
                  f"The signature on the file is not that of the province server this laptop is connected to "
                  f"(the province's key fingerprint: {hubkey.fingerprint(pinned_key)}){other_en}: the file was "
                  "altered, damaged or made by someone else.")

"""The laptop's link to the province hub: connect (enrol), sync now, offline bundle, targets.

Secrets (bearer token, Ed25519 private key) live only in the OS keyring, service "EnrollPoint-hub",
one username per *device* and secret (`device-<device id>:token`, `…:private_key`, `…:device_id`: the device
id the hub gave this database at enrolment), never in files, settings or logs. Two data directories on one
computer (two databases, even of one commune) thus keep two sets of secrets. Entries written by older
versions under the commune code (`<commune>:token`) are moved to the device's name on first use, but only
when they belong to this database's device. The hub URL and the device id are not secret and sit in the
settings table (the device id is also in the keyring, with its key).

Connecting again (a new code: token expired, new hub address, connect re-run) keeps the device's identity:
when this database's device still has its private key in the keyring, the enrolment carries the device id and
a proof signed with that key (`signing.reenrol_proof`), and the hub re-keys that device instead of making a
new one — otherwise its outbox re-sending days already delivered would be counted twice at the province. The
new private key waits in `…:next_private_key` until the hub's answer is stored, so an answer lost after the
hub committed is recovered by the next attempt (it proves itself with that key).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ServiceError, ValidationError
from desktop.models import Target
from desktop.services.province_link import hub_ca, hub_pin, outbox, restored, succession
from desktop.settings_keys import (
    KEY_CONNECTED_AT,
    KEY_HUB_COMMUNE,
    KEY_HUB_DEVICE_ID,
    KEY_HUB_PUBLIC_KEY,
    KEY_HUB_URL,
    KEY_LAST_ERROR,
    KEY_TARGETS_AT,
    KEY_TOKEN_EXPIRES,
)
from desktop.storage.db import Database
from desktop.storage.keys import secure_store_available
from sync import hubkey, offline, signing
from sync.bundle import write_bundle
from sync.client import HubClient, RetryPolicy, insecure_hub_url
from sync.failures import MSG_NOT_CONNECTED, EnrolRejected, SyncError
from sync.outbox_port import SyncResult
from sync.protocol import INDICATORS, MAX_REPORTS_PER_BATCH, EnrolResponse, TargetItem

log = logging.getLogger(__name__)

SERVICE = "EnrollPoint-hub"
INFO_FINGERPRINT = "hub.key_fingerprint"  # not stored: hub_info's short fingerprint of the pinned key

MSG_KEYRING = (
    "Không dùng được kho khoá bảo mật của hệ điều hành (Windows Credential Manager / Keychain / "
    "Secret Service) để {what}. Hãy đăng nhập lại Windows hoặc báo cán bộ kỹ thuật."
)


MSG_KEYRING_EN = (
    "The operating system's secure keyring (Windows Credential Manager / Keychain / Secret Service) cannot be "
    "used to {what}. Log in to Windows again or tell the technical officer."
)
MSG_NOT_CONNECTED_EN = "This laptop is not connected to the province server. Run the connection step (enrollpoint connect)."
MSG_NO_HUB_URL_EN = (
    "The laptop was connected by file and has no province server address: send by USB file, or import the "
    "province's targets file that names the server address (enrollpoint targets --file …)."
)
MSG_NO_HUB_URL = (
    "Máy được kết nối bằng tệp và chưa có địa chỉ máy chủ tỉnh: hãy gửi bằng tệp USB, hoặc nhập tệp chỉ tiêu "
    "của tỉnh có ghi địa chỉ máy chủ (enrollpoint targets --file …)."
)


class NotConnected(ServiceError):
    """The laptop has no hub credentials yet (or they were lost)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    hub_url: str
    device_id: str
    commune_code: str
    token: str
    private_key: str
    ca_file: str = ""  # the province's CA pinned for this hub, as a file (hub_ca), or "": the system's


def keyring_name(device_id: str) -> str:
    """The keyring entries of one enrolled device (one database): `device-<id>:<secret>`."""
    return f"device-{device_id}"


def _user(name: str, what: str) -> str:
    return f"{name}:{what}"


_SECRETS = ("token", "private_key", "device_id", "next_private_key")


# The same rule as the database key (desktop/storage/keys.py): never keyring's plaintext-file fallback.
MSG_NO_SECURE_KEYRING = (
    "Máy này không có kho khóa bảo mật của hệ điều hành (Windows Credential Manager / Keychain / Secret "
    "Service), nên không thể giữ an toàn mã truy cập máy chủ tỉnh và khóa ký của máy: chưa kết nối. "
    "Trên Linux hãy dùng GNOME Keyring hoặc KWallet; trên Windows hãy đăng nhập bằng tài khoản người dùng "
    "thường; rồi kết nối lại."
)
MSG_NO_SECURE_KEYRING_EN = (
    "This laptop has no secure keyring of the operating system (Windows Credential Manager / Keychain / Secret "
    "Service), so it cannot keep the province server access token and the laptop's signing key safe: not "
    "connected. On Linux use GNOME Keyring or KWallet; on Windows log in with an ordinary user account; then "
    "connect again."
)


def _secure_keyring() -> ModuleType:
    """The keyring module when its backend is a real OS store (or chosen explicitly, as in tests)."""
    import keyring  # lazy: the OS keyring backends load only when a hub credential is needed

    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring config: same answer as no store
        raise ServiceError(MSG_NO_SECURE_KEYRING, en=MSG_NO_SECURE_KEYRING_EN) from None
    if not secure_store_available(backend):
        raise ServiceError(MSG_NO_SECURE_KEYRING, en=MSG_NO_SECURE_KEYRING_EN)
    return keyring


def _keyring_set(name: str, values: dict[str, str]) -> None:
    from keyring.errors import KeyringError

    keyring = _secure_keyring()
    try:
        for what, value in values.items():
            keyring.set_password(SERVICE, _user(name, what), value)
    except (KeyringError, RuntimeError, OSError) as exc:
        log.warning("keyring failed: %s", type(exc).__name__)  # the class for the log, not for the officer
        raise ServiceError(MSG_KEYRING.format(what="lưu mã truy cập"),
                           en=MSG_KEYRING_EN.format(what="store the access token")) from None


def _keyring_get(name: str, what: str) -> str:
    from keyring.errors import KeyringError

    keyring = _secure_keyring()
    try:
        return keyring.get_password(SERVICE, _user(name, what)) or ""
    except (KeyringError, RuntimeError, OSError) as exc:
        log.warning("keyring failed: %s", type(exc).__name__)  # the class for the log, not for the officer
        raise ServiceError(MSG_KEYRING.format(what="đọc mã truy cập"),
                           en=MSG_KEYRING_EN.format(what="read the access token")) from None


def _keyring_forget(name: str) -> None:
    """Remove one device's entries (a missing entry is fine)."""
    for what in _SECRETS:
        _keyring_delete(name, what)


def _keyring_delete(name: str, what: str) -> None:
    from keyring.errors import KeyringError

    try:
        _secure_keyring().delete_password(SERVICE, _user(name, what))
    except (KeyringError, RuntimeError, OSError):
        pass  # not there, or the store refused: a stale entry is harmless


def _adopt_commune_entry(commune: str, device: str) -> tuple[str, str]:
    """Move the entries an older version kept under the commune code to this device's name — only when the
    commune entry holds *this* device's secrets (another database of the commune may have overwritten it;
    then they are left alone and this database is simply not connected). Returns (token, private key)."""
    if _keyring_get(commune, "device_id") != device:
        return "", ""
    token, key = _keyring_get(commune, "token"), _keyring_get(commune, "private_key")
    if not (token and key):
        return "", ""
    name = keyring_name(device)
    _keyring_set(name, {"token": token, "private_key": key, "device_id": device})
    if (_keyring_get(name, "token"), _keyring_get(name, "private_key")) == (token, key):
        _keyring_forget(commune)  # only once the new entries are known to hold
        log.info("hub credentials of device %s moved to their per-device keyring entry", device)
    return token, key


def credentials(db: Database, *, need_url: bool = True) -> Credentials:
    """The hub URL, device id and secrets, or NotConnected (Vietnamese message). A laptop enrolled by file
    has no hub URL: `need_url=False` for what only needs the device's identity (bundles, codes)."""
    with db.session() as s:
        url, commune = config.get(s, KEY_HUB_URL), config.get(s, KEY_HUB_COMMUNE)
        device = config.get(s, KEY_HUB_DEVICE_ID)
    if need_url and not url and commune and device:  # enrolled by file, never given the hub's address
        raise NotConnected(MSG_NO_HUB_URL, en=MSG_NO_HUB_URL_EN)
    if not ((url or not need_url) and commune and device):
        raise NotConnected(MSG_NOT_CONNECTED, en=MSG_NOT_CONNECTED_EN)
    name = keyring_name(device)
    token, key = _keyring_get(name, "token"), _keyring_get(name, "private_key")
    if not (token and key):
        token, key = _adopt_commune_entry(commune, device)
    if not (token and key):
        raise NotConnected(MSG_NOT_CONNECTED, en=MSG_NOT_CONNECTED_EN)
    return Credentials(url, device, commune, token, key, hub_ca.file_for(db, url) if url else "")


@dataclass(frozen=True, slots=True)
class PreviousDevice:
    """This database's device as the hub knows it, for a re-enrolment that keeps its id."""

    device_id: str
    commune_code: str  # the hub's code, as stored at enrolment (the proof binds it)
    keys: tuple[str, ...]  # private keys the hub may hold for it: the current one, then an unanswered attempt's
    next_key: str  # the key pair this enrolment introduces (kept in the keyring before the hub sees it)

    def proofs(self, code: str) -> list[str]:
        """One proof per candidate key, for this one-time code."""
        public, code_hash = signing.public_key_of(self.next_key), offline.code_hash(code)
        return [signing.reenrol_proof(k, self.device_id, public, self.commune_code, code_hash) for k in self.keys]


def _usable_key(private_key: str) -> bool:
    try:
        signing.public_key_of(private_key)
    except (ValueError, TypeError):
        return False
    return bool(private_key)


def previous_device(db: Database) -> PreviousDevice | None:
    """The device this database was enrolled as, if its private key is still in the keyring (None: connect as
    a new device, as before). Reuses — or makes and keeps — the key pair to introduce (`next_private_key`)."""
    with db.session() as s:
        device, commune = config.get(s, KEY_HUB_DEVICE_ID), config.get(s, KEY_HUB_COMMUNE)
    if not (device and commune):
        return None
    name = keyring_name(device)
    key = _keyring_get(name, "private_key") or _adopt_commune_entry(commune, device)[1]
    if not _usable_key(key):
        return None
    pending = _keyring_get(name, "next_private_key")
    if _usable_key(pending) and pending != key:  # an earlier attempt's answer never came: the hub may hold it
        return PreviousDevice(device, commune, (key, pending), pending)
    fresh, _pub = signing.generate_keypair()
    _keyring_set(name, {"next_private_key": fresh})
    return PreviousDevice(device, commune, (key,), fresh)


def _enrol(http: HubClient, code: str, name: str, public_key: str, prev: PreviousDevice | None,
           restored_from: str = "") -> EnrolResponse:
    """Enrol; a re-enrolment tries its candidate proofs in turn. A hub that never knew the device (another or
    a new hub: 404) enrols it as a new device; other refusals are the officer's to read (the code is unspent).
    `restored_from`: the device whose backup this database is (desktop/services/province_link/restored.py)."""
    kw = {"restored_from": restored_from} if restored_from else {}
    if prev is None:
        return http.enrol(code, name, public_key, **kw)
    proofs = prev.proofs(code)
    for i, proof in enumerate(proofs):
        try:
            return http.enrol(code, name, public_key, previous_device_id=prev.device_id, previous_proof=proof,
                              **kw)
        except EnrolRejected as exc:
            if exc.field == "previous_proof" and i + 1 < len(proofs):
                continue
            if exc.field == "previous_device_id" and exc.status == 404:
                log.info("the hub does not know device %s: enrolling as a new device", prev.device_id)
                return http.enrol(code, name, public_key, **kw)
            raise
    raise AssertionError("unreachable")  # pragma: no cover  (proofs is never empty)


def connect(
    db: Database,
    hub_url: str,
    code: str,
    device_name: str | None = None,
    *,
    client: HubClient | None = None,
    new_device: bool = False,
    ca_file: str | os.PathLike[str] | None = None,
) -> dict[str, str]:
    """Enrol this laptop with a one-time code: new key pair, token and key into the keyring. A database that
    was enrolled before keeps its device id (see the module's docstring) unless `new_device`. `ca_file`: the
    province's CA certificate, pinned for this hub once the enrolment succeeds (`hub_ca`); without it a CA
    pinned earlier for this hub is used."""
    hub_url = hub_url.strip().rstrip("/")
    if problem := insecure_hub_url(hub_url):
        raise ValidationError("hub", hub_url, problem,
                              en=f"The province server address {hub_url} cannot be used: it must start with "
                                 "https:// and name a host (http:// only for this computer, 127.0.0.1/localhost)")
    code = nfc(code).upper()
    if not code:
        raise ValidationError("code", code, "Thiếu mã kết nối", en="The connection code is missing")
    _secure_keyring()  # before the hub spends the one-time code: no safe place for the secrets, no enrolment
    pem = hub_ca.read_ca_file(ca_file) if ca_file else hub_ca.pinned_for(db, hub_url)
    http = client or HubClient(hub_url, ca_file=hub_ca.write_pem(pem) if pem else "")
    resp, private_key, public_key = _ask_hub(db, code, device_name, new_device, http, own=client is None)
    previous = _previous_of_same_commune(db, resp)
    key = hub_pin.check_enrolment_key(db, resp.hub_public_key, resp.hub_key_binding, offline.code_hash(code),
                                      resp.device_id, resp.commune_code, public_key, by_file=False)
    _keyring_set(keyring_name(resp.device_id),
                 {"token": resp.token, "private_key": private_key, "device_id": resp.device_id})
    if previous == resp.device_id:  # re-enrolled: same device, its new key is now the key
        _keyring_delete(keyring_name(previous), "next_private_key")
    took = _store_enrolment(db, hub_url, resp, key.key)
    if ca_file:
        hub_ca.pin(db, pem, hub_url)
    if previous and previous != resp.device_id:  # reconnected: this database's old device is gone
        _keyring_forget(keyring_name(previous))
        if _keyring_get(resp.commune_code, "device_id") == previous:
            _keyring_forget(resp.commune_code)
    kept = bool(previous) and previous == resp.device_id
    log.info("connected to hub %s as device %s%s", hub_url, resp.device_id, " (same device)" if kept else "")
    return {"hub_url": hub_url, "device_id": resp.device_id, "commune_code": resp.commune_code,
            "commune_name": resp.commune_name, "token_expires_at": resp.token_expires_at,
            "same_device": "yes" if kept else "no", "hub_key_fingerprint": key.fingerprint,
            "hub_key_note": key.note, "successor_of": resp.successor_of,
            "replaced_name": resp.replaced_name, "predecessor_reports": str(took["predecessor_reports"]),
            "held": resp.held, "new_after_restore": "yes" if took["new_after_restore"] else "no",
            "set_aside": str(took["set_aside"])}


def _ask_hub(db: Database, code: str, device_name: str | None, new_device: bool,
             http: HubClient, *, own: bool) -> tuple[EnrolResponse, str, str]:
    """The hub's enrolment answer and this laptop's (private, public) key: the key waiting from an earlier
    attempt when this database's device re-enrols, else a new pair."""
    prev = None if new_device else previous_device(db)
    if prev is not None:
        private_key = prev.next_key
        public_key = signing.public_key_of(private_key)
    else:
        private_key, public_key = signing.generate_keypair()
    name = nfc(device_name or f"Máy {secrets.token_hex(2).upper()}")[:100]  # never the hostname: a person's name
    with db.session() as s:
        origin = restored.restored_from(s)
    try:
        return _enrol(http, code, name, public_key, prev, origin), private_key, public_key
    except SyncError as exc:
        en = getattr(exc, "en", "") or f"The province server refused: {exc.message}"
        raise ServiceError(exc.message, en=en) from None
    finally:
        if own:
            http.close()


def _previous_of_same_commune(db: Database, resp: EnrolResponse) -> str | None:
    """This database's earlier hub device id; refuses a code of another commune than the one set up here."""
    with db.session() as s:
        current = config.commune(s)
        if current is not None and current.code != resp.commune_code:
            raise ServiceError(
                f"Mã kết nối thuộc xã {resp.commune_code} ({resp.commune_name}), "
                f"nhưng máy này được cấu hình cho xã {current.code}. Hãy xin mã đúng xã.",
                en=f"The connection code belongs to commune {resp.commune_code} ({resp.commune_name}), but "
                   f"this laptop is set up for commune {current.code}. Ask for a code for the right commune.",
            )
        return config.get(s, KEY_HUB_DEVICE_ID)


def _store_enrolment(db: Database, hub_url: str, resp: EnrolResponse, pinned_key: str | None) -> dict[str, Any]:
    """The enrolment's settings in one transaction, with what a successor takes over (`succession`)."""
    with db.session() as s:
        if config.commune(s) is None:
            config.set_commune(s, config.Commune(resp.commune_code, resp.commune_name, resp.province_code))
        config.put(s, KEY_HUB_URL, hub_url)
        config.put(s, KEY_HUB_DEVICE_ID, resp.device_id)
        config.put(s, KEY_HUB_COMMUNE, resp.commune_code)
        config.put(s, KEY_TOKEN_EXPIRES, resp.token_expires_at)
        config.put(s, KEY_CONNECTED_AT, dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
        if pinned_key:
            config.put(s, KEY_HUB_PUBLIC_KEY, pinned_key)  # pinned: bound to the code (hub_pin's rules)
        took = succession.apply_enrolment(s, resp)
        config.put(s, KEY_LAST_ERROR, "")  # connected now: an older sending error is no longer true
    return took


def make_client(creds: Credentials, **kw: object) -> HubClient:
    return HubClient(creds.hub_url, token=creds.token, device_id=creds.device_id,
                     commune_code=creds.commune_code, private_key=creds.private_key, ca_file=creds.ca_file,
                     **kw)  # type: ignore[arg-type]


def store_targets(db: Database, items: list[TargetItem]) -> int:
    """Replace the stored targets with the hub's current set (kept for offline progress and reports)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    wanted = {t.indicator: t for t in items if t.indicator in INDICATORS}
    with db.session() as s:
        existing = {t.indicator: t for t in s.query(Target).all()}
        for ind, old in existing.items():
            if ind not in wanted:
                s.delete(old)
        for ind, t in wanted.items():
            deadline = dt.date.fromisoformat(t.deadline[:10]) if t.deadline else None
            row = existing.get(ind)
            if row is None:
                s.add(Target(indicator=ind, value=int(t.value), deadline=deadline, updated_at=now))
            else:
                row.value, row.deadline, row.updated_at = int(t.value), deadline, now
        config.put(s, KEY_TARGETS_AT, now.isoformat())
    return len(wanted)


@declares(Changes(reports=True))
def sync_now(
    db: Database,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    fetch: bool = True,
) -> SyncResult:
    """Drain the outbox to the hub, then refresh targets. Safe to run from a worker thread."""
    box = outbox.DesktopOutbox(db)
    try:
        creds = credentials(db)
    except ServiceError as exc:
        result = SyncResult(error=exc.message)
        box.finished(result)
        return result
    kw: dict[str, object] = {"policy": policy} if policy else {}
    if sleep is not None:
        kw["sleep"] = sleep
    client = make_client(creds, **kw)
    try:
        result = client.drain(box)
        if fetch and not result.error:
            try:
                store_targets(db, client.fetch_targets())
                pin_hub_key(db, client.hub_public_key)
            except SyncError as exc:
                log.info("targets not refreshed: %s", exc.message)
    finally:
        client.close()
    return result


@dataclass(frozen=True, slots=True)
class BundleResult:
    path: str
    batch_ids: list[str]
    reports: int


def pin_hub_key(db: Database, public_key: str) -> None:
    """Keep the hub's public key if none is pinned yet (laptops enrolled before hubs had a signing key learn it from an
    authenticated targets answer over TLS); a pinned key is never replaced silently."""
    hub_pin.note_served_key(db, public_key)


@declares(Changes(reports=True))
def export_bundle(db: Database, path: str | os.PathLike[str]) -> BundleResult:
    """Write every unconfirmed report to one signed file (a lost stick costs nothing: the next bundle carries
    them again); the items keep the batch ids and become "đã xuất, chờ xác nhận" until a receipt or a
    network sync confirms them."""
    creds = credentials(db, need_url=False)
    with db.session() as s:
        batches = outbox.take_batches(s, creds.commune_code, MAX_REPORTS_PER_BATCH)
    if not batches:
        raise ServiceError("Không có báo cáo nào đang chờ gửi.", en="No report is waiting to be sent.")
    groups = [(b.batch_id, list(b.reports)) for b in batches]
    ids = write_bundle(Path(path), creds.device_id, creds.commune_code, creds.private_key, groups)
    with db.session() as s:
        outbox.mark_exported(s, [i for b in batches for i in b.item_ids])
    return BundleResult(str(path), ids, sum(len(b.reports) for b in batches))


def hub_info(db: Database) -> dict[str, str]:
    """The hub settings the UI and the CLI show; `hub_key_fingerprint` is the pinned key's short fingerprint
    (the officer compares it with the one the province reads out beside the one-time code)."""
    with db.session() as s:
        info = {k: config.get(s, k) for k in (KEY_HUB_URL, KEY_HUB_DEVICE_ID, KEY_HUB_COMMUNE, KEY_CONNECTED_AT,
                                               KEY_TOKEN_EXPIRES, KEY_TARGETS_AT)}
        info[INFO_FINGERPRINT] = hubkey.fingerprint(config.get(s, KEY_HUB_PUBLIC_KEY))
    return info


LINK_NONE, LINK_ONLINE, LINK_FILE, LINK_LOST = "none", "online", "file", "lost"
LINK_LABELS = {
    LINK_NONE: "(chưa kết nối)",
    LINK_ONLINE: "{url}",
    LINK_FILE: "(kết nối bằng tệp — gửi bằng tệp USB)",
    LINK_LOST: ("(chưa kết nối trên máy này: không có mã truy cập trong kho khóa — ví dụ máy khôi phục từ bản sao "
                "lưu; hãy xin tỉnh mã kết nối, hoặc mã thay thế nếu máy này thay cho máy hỏng)"),
}


def is_enrolled(session: Session) -> bool:
    """Whether this database was ever enrolled with the hub (online or by file): what the offline functions
    (USB bundle, day code) need first. Cheap, settings only; lost keyring credentials still fail later."""
    return bool(config.get(session, KEY_HUB_DEVICE_ID) and config.get(session, KEY_HUB_COMMUNE))


def link_state(db: Database) -> str:
    """How this database is linked to the hub, for status lines that must agree with `sync`:
    none, online (hub URL and credentials), file (credentials, no URL) or lost (settings say enrolled, the
    keyring has no credentials: a restored backup or another Windows account)."""
    with db.session() as s:
        device, commune, url = (config.get(s, KEY_HUB_DEVICE_ID), config.get(s, KEY_HUB_COMMUNE),
                                config.get(s, KEY_HUB_URL))
    if not (device and commune):
        return LINK_NONE
    try:
        credentials(db, need_url=False)
    except ServiceError:
        return LINK_LOST
    return LINK_ONLINE if url else LINK_FILE

"""A commune with no link at all: enrol by file, confirm bundles by receipt, targets by file, and
the day's totals as a short code for a phone call or an SMS.

The files and the day-code codec are the contract in `sync.offline` / `sync.daycode` (the hub uses the same
modules). Every file from the hub is checked against the hub's public key pinned at enrolment
(`hub_link.KEY_HUB_PUBLIC_KEY`) before anything is stored; a refusal changes nothing.

Secrets stay in the OS keyring: between writing the enrolment request and reading the response, the new
private key and the proof key (SHA-256 of the one-time code, never the code) wait in the keyring entry
`pending-enrol:<commune>`; the token and the private key then go where an online enrolment puts them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from common.vietnamese import nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ServiceError, ValidationError
from desktop.models import DayReport
from desktop.services.province_link import hub_ca, hub_link, hub_pin, outbox, restored, succession
from desktop.settings_keys import (
    KEY_CONNECTED_AT,
    KEY_HUB_COMMUNE,
    KEY_HUB_DEVICE_ID,
    KEY_HUB_PUBLIC_KEY,
    KEY_HUB_URL,
    KEY_LAST_ERROR,
    KEY_TARGETS_FILE_ISSUED,
    KEY_TOKEN_EXPIRES,
)
from desktop.storage.db import Database
from sync import daycode, hubkey, offline, signing
from sync.client import insecure_hub_url
from sync.outbox_port import SyncResult
from sync.protocol import INDICATORS, MAX_PREDECESSOR_REPORTS, EnrolResponse, TargetItem

PENDING = "pending-enrol"


def _refuse(exc: offline.OfflineFileError) -> ServiceError:
    return ServiceError(exc.message, en=f"The file cannot be used: {exc.message}")


def _read(path: str | os.PathLike[str], limit: int = offline.MAX_FILE_BYTES) -> dict[str, Any]:
    try:
        return offline.read_file(path, limit)
    except offline.OfflineFileError as exc:
        raise _refuse(exc) from None


# -- enrolment by file ---------------------------------------------------------------------------------

def connect_request(db: Database, code: str, path: str | os.PathLike[str], device_name: str | None = None,
                    commune_code: str | None = None, *, new_device: bool = False) -> dict[str, str]:
    """Write the enrolment request file (no network). The one-time code itself is not written anywhere.
    A database enrolled before asks to keep its device id (`hub_link.previous_device`: the request carries the
    device id and proofs signed with its key) unless `new_device`."""
    code = nfc(code).upper()
    if len(offline.code_key(code)) < 8:
        raise ValidationError("code", "", "Mã kết nối không đúng (cần đủ 12 ký tự do công an tỉnh cấp).",
                              en="The connection code is wrong (it needs all 12 characters given by the "
                                 "province police).")
    with db.session() as s:
        current = config.commune(s)
    commune = nfc(commune_code or (current.code if current else ""))
    if not commune:
        raise ValidationError("commune", "", "Chưa cấu hình xã cho máy này: hãy hoàn tất bước thiết lập ban đầu "
                                             "(hoặc ghi --commune MÃ_XÃ).",
        en="No commune is set up on this laptop: finish the first-run setup (or give --commune CODE).")
    if current is not None and commune != current.code:
        raise ValidationError("commune", commune, f"Máy này được cấu hình cho xã {current.code}.",
                              en=f"This laptop is set up for commune {current.code}.")
    hub_link._secure_keyring()  # no safe place for the key: no request
    prev = None if new_device else hub_link.previous_device(db)
    private_key = prev.next_key if prev is not None else signing.generate_keypair()[0]
    name = nfc(device_name or f"Máy {secrets.token_hex(2).upper()}")[:100]  # not the hostname: it often names the officer
    with db.session() as s:
        origin = restored.restored_from(s)  # a restored backup says so: successor or held new device
    if prev is not None:
        doc = offline.make_request(code, commune, name, private_key, prev.device_id, prev.proofs(code),
                                   restored_from=origin)
    else:
        doc = offline.make_request(code, commune, name, private_key, restored_from=origin)
    try:
        offline.write_file(path, doc)
    except OSError as exc:
        raise ServiceError(f"Không ghi được tệp {os.fspath(path)}: {exc.strerror or exc}.",
                           en=f"The file {os.fspath(path)} could not be written: {exc.strerror or exc}.") from None
    pending = {"private_key": private_key, "request_id": doc["payload"]["request_id"],
               "code_hash": offline.code_hash(code), "commune_code": commune, "device_name": name,
               "request_file": os.fspath(path), "written_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
               "previous_device_id": prev.device_id if prev is not None else ""}
    hub_link._keyring_set(PENDING, {commune: json.dumps(pending)})
    return {"request": os.fspath(path), "commune_code": commune, "device_name": name,
            "request_id": doc["payload"]["request_id"], "previous_device_id": pending["previous_device_id"]}


@declares(Changes(reports=True, settings=True))
def connect_response(db: Database, path: str | os.PathLike[str]) -> dict[str, str]:
    """Complete a file enrolment: the response must answer *this* laptop's pending request (same request id
    and public key), carry a valid hub signature, and unwrap the token with this request's code key (which
    proves the hub held the code). Then the secrets go to the keyring and the hub key is pinned.

    The answer says whether the laptop kept its device (`same_device`) or became a new one, and why
    (`new_device_reason`: the hub's, e.g. `sync.offline.NEW_DEVICE_UNKNOWN`, or HUB_IGNORED when the hub
    answered a re-enrolment request without a word on it), with `device_note`, the officer's sentence."""
    p, pending, token, commune = _verified_answer(db, path)
    key = hub_pin.check_enrolment_key(db, p["hub_public_key"], str(p.get(hubkey.BINDING_FIELD) or ""),
                                      pending["code_hash"], p["device_id"], p["commune_code"], p["public_key"],
                                      by_file=True)  # bound to the code, or refused before anything is stored
    device = p["device_id"]
    targets = _targets(p.get("targets"))
    hub_link._keyring_set(hub_link.keyring_name(device), {"token": token, "private_key": pending["private_key"],
                                                          "device_id": device})
    previous, took = _store_file_enrolment(db, p, device)
    hub_link.store_targets(db, targets)
    carried_ca = hub_ca.pin_carried(db, p)  # the province's TLS CA, signed with the response (if any)
    _forget_pending(commune)
    if previous and previous != device:  # a new device: this database's old device is gone (as online)
        hub_link._keyring_forget(hub_link.keyring_name(previous))
    asked = str(pending.get("previous_device_id") or "")
    reason = ""
    if asked and device != asked:  # the request asked to keep a device; a hub older than this ignores that
        said = p.get("new_device_reason")
        reason = said if isinstance(said, str) and said else HUB_IGNORED
    res = {"device_id": device, "commune_code": p["commune_code"], "commune_name": p["commune_name"],
           "targets": str(len(targets)), "same_device": "yes" if previous == device else "no",
           "previous_device_id": asked or previous, "new_device_reason": reason,
           "hub_key_fingerprint": key.fingerprint, "hub_key_note": key.note, "hub_key_line": key.line,
           "successor_of": str(p.get("successor_of") or ""), "replaced_name": str(p.get("replaced_name") or ""),
           "predecessor_reports": str(took["predecessor_reports"]), "held": str(p.get("held") or ""),
           "new_after_restore": "yes" if took["new_after_restore"] else "no", "set_aside": str(took["set_aside"]),
           "certificates": str(carried_ca.count("BEGIN CERT")) if carried_ca else ""}
    note = "\n".join(x for x in (device_note(res), succession.connect_note(res)) if x)
    return {**res, "device_note": note}


def _verified_answer(db: Database, path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """(payload, this laptop's pending request, the unwrapped token, the commune) of a response file that
    answers this laptop's request, is signed by the key it carries and unwraps with the request's code key;
    refused with words, nothing stored, otherwise."""
    doc = _read(path, offline.MAX_ENROL_RESPONSE_BYTES)
    if doc.get("kind") != "enrol-response":
        raise ServiceError("Tệp này không phải tệp trả lời kết nối của máy chủ tỉnh.",
                           en="This file is not a connection answer from the province server.")
    p = doc.get("payload")
    if not isinstance(p, dict) or not all(isinstance(p.get(k), str) for k in (
            "device_id", "request_id", "public_key", "commune_code", "commune_name", "province_code",
            "hub_public_key", "token_wrapped", "token_expires_at")):
        raise ServiceError("Tệp trả lời kết nối thiếu thông tin.",
                           en="The connection answer file is missing information.")
    with db.session() as s:
        current = config.commune(s)
    commune = current.code if current else p["commune_code"]
    if p["commune_code"] != commune:
        raise ServiceError(f"Tệp trả lời dành cho xã {p['commune_code']}, máy này thuộc xã {commune}. "
                           "Không có gì được thay đổi.",
        en=f"The answer file is for commune {p['commune_code']}, this laptop belongs to commune {commune}. "
           "Nothing was changed.")
    raw = hub_link._keyring_get(PENDING, commune)
    if not raw:
        raise ServiceError("Máy này không có yêu cầu kết nối nào đang chờ (hoặc đã kết nối bằng tệp này rồi). "
                           "Hãy tạo yêu cầu mới: enrollpoint connect --code … --request-file ….",
        en="This laptop has no connection request waiting (or it already connected with this file). Make a "
           "new request: enrollpoint connect --code … --request-file ….")
    pending = json.loads(raw)
    if p["request_id"] != pending["request_id"] or p["public_key"] != signing.public_key_of(pending["private_key"]):
        raise ServiceError("Tệp trả lời này dành cho một máy khác (hoặc một yêu cầu cũ hơn) của xã. Không có gì "
                           "được thay đổi.",
        en="This answer file is for another laptop (or an older request) of the commune. Nothing was "
           "changed.")
    try:
        offline.hub_verify(doc, p["hub_public_key"], "enrol-response")
        token = offline.unwrap_secret(pending["code_hash"], pending["request_id"], p["token_wrapped"])
    except offline.OfflineFileError as exc:
        raise _refuse(exc) from None
    if not signing.valid_public_key(p["hub_public_key"]) or len(p["device_id"]) > 32:
        raise ServiceError("Tệp trả lời kết nối không đúng dạng.",
                           en="The connection answer file is not in the right format.")
    return p, pending, token, commune


def _store_file_enrolment(db: Database, p: dict[str, Any], device: str) -> tuple[str | None, dict[str, Any]]:
    """(this database's earlier hub device id, what a successor took over): the settings in one transaction."""
    with db.session() as s:
        previous = config.get(s, KEY_HUB_DEVICE_ID)
    if previous == device:  # re-enrolled: the same device, its new key is now the key (the outbox goes on)
        hub_link._keyring_delete(hub_link.keyring_name(device), "next_private_key")
    with db.session() as s:
        if config.commune(s) is None:
            config.set_commune(s, config.Commune(p["commune_code"], p["commune_name"], p["province_code"]))
        config.put(s, KEY_HUB_DEVICE_ID, device)
        config.put(s, KEY_HUB_COMMUNE, p["commune_code"])
        config.put(s, KEY_TOKEN_EXPIRES, p["token_expires_at"])
        config.put(s, KEY_HUB_PUBLIC_KEY, p["hub_public_key"])
        config.put(s, KEY_CONNECTED_AT, dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
        took = succession.apply_enrolment(s, _as_response(p, device))
        config.put(s, KEY_LAST_ERROR, "")
    return previous, took


def _as_response(p: dict[str, Any], device: str) -> EnrolResponse:
    """The parts of a file answer the succession reads (province_link/succession.py)."""
    reports = p.get("predecessor_reports")
    return EnrolResponse(device_id=device, token="", commune_code=p["commune_code"], commune_name=p["commune_name"],
                         province_code=p["province_code"], token_expires_at=p["token_expires_at"],
                         successor_of=str(p.get("successor_of") or ""),
                         predecessor_reports=[r for r in reports[:MAX_PREDECESSOR_REPORTS] if isinstance(r, dict)]
                         if isinstance(reports, list)
                         else [], held=str(p.get("held") or ""))


HUB_IGNORED = "hub_ignored"  # new_device_reason: the response says nothing of the device asked for (older hub)


def device_note(res: dict[str, str]) -> str:
    """Vietnamese: whether a connection kept the device the province knows, or made a new one and why (the
    CLI and the app show it); "" for a first connection."""
    device, old = res.get("device_id", ""), res.get("previous_device_id", "")
    if res.get("same_device") == "yes":
        return (f"Máy này vẫn là máy cũ trên trạm tỉnh (mã máy {device}): các ngày đã gửi trước đây không bị tính "
                "hai lần.")
    if not old:
        return ""
    reason = res.get("new_device_reason", "")
    if reason == offline.NEW_DEVICE_UNKNOWN:
        why = (f"máy chủ tỉnh không biết mã máy cũ {old} của máy này (có thể là máy chủ khác hoặc máy chủ mới), "
               "nên đã kết nối máy như một máy mới")
    elif reason == HUB_IGNORED:
        why = (f"máy chủ tỉnh chưa hỗ trợ giữ mã máy cũ {old} (phiên bản cũ), nên đã kết nối máy như một máy mới. "
               "Hãy báo cán bộ kỹ thuật: các ngày đã gửi bằng mã máy cũ có thể bị tỉnh tính thêm một lần")
    elif reason:
        why = f"máy chủ tỉnh đã kết nối máy như một máy mới, không giữ mã máy cũ {old}"
    else:
        why = f"máy được kết nối như một máy mới theo yêu cầu, không giữ mã máy cũ {old}"
    return f"Máy này trở thành MÁY MỚI trên trạm tỉnh (mã máy {device}): {why}."


def pending_request(db: Database) -> dict[str, str] | None:
    """The file enrolment waiting for the province's response (step 1 done, step 2 not yet), without its
    secrets: request id, commune, device name, where the request was written and when; None if none."""
    with db.session() as s:
        current = config.commune(s)
    if current is None:
        return None
    raw = hub_link._keyring_get(PENDING, current.code)
    if not raw:
        return None
    try:
        pending = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(pending, dict):
        return None
    return {k: str(pending.get(k, "")) for k in ("request_id", "commune_code", "device_name", "request_file",
                                                 "written_at")}


def _forget_pending(commune: str) -> None:
    from keyring.errors import KeyringError

    try:
        hub_link._secure_keyring().delete_password(hub_link.SERVICE, f"{PENDING}:{commune}")
    except (KeyringError, RuntimeError, OSError):
        pass  # already gone


def _targets(items: Any) -> list[TargetItem]:
    out = []
    for t in items if isinstance(items, list) else []:
        try:
            if t["indicator"] in INDICATORS and 0 <= int(t["value"]) <= 100_000_000:
                deadline = t.get("deadline")
                if deadline:
                    dt.date.fromisoformat(str(deadline))
                out.append(TargetItem(str(t["indicator"]), int(t["value"]), str(deadline) if deadline else None))
        except (KeyError, TypeError, ValueError):
            raise ServiceError("Tệp có chỉ tiêu không đúng dạng. Không có gì được thay đổi.",
                               en="The file has targets in the wrong format. Nothing was changed.") from None
    return out


# -- files from the hub after enrolment ----------------------------------------------------------------

def _pinned(db: Database) -> tuple[hub_link.Credentials, str]:
    creds = hub_link.credentials(db, need_url=False)
    with db.session() as s:
        key = config.get(s, KEY_HUB_PUBLIC_KEY)
    if not key:
        raise ServiceError("Máy chưa có khóa của máy chủ tỉnh để kiểm tra tệp (máy kết nối trước phiên bản này): "
                           "hãy gửi qua mạng một lần hoặc kết nối lại.",
        en="This laptop does not have the province server's key to check the file yet (it connected before "
           "this version): send over the network once or connect again.")
    return creds, key


@dataclass(frozen=True, slots=True)
class ReceiptImport:
    confirmed: int
    already: int
    conflicts: int
    not_matching: int
    issued_at: str
    already_received: int = 0  # reports the hub had received before this bundle: confirmed, stored once


@declares(Changes(reports=True))
def import_receipt(db: Database, path: str | os.PathLike[str]) -> ReceiptImport:
    """Mark exactly the reports a signed receipt of this device lists as stored. Refused with nothing changed:
    a forged or altered file, a receipt for another device or commune."""
    creds, key = _pinned(db)
    doc = _read(path)
    p = hub_pin.verify_file(doc, key, "receipt")  # the pinned key only
    if p.get("device_id") != creds.device_id:
        raise ServiceError("Biên nhận này của một máy khác, không phải máy này. Không có gì được thay đổi.",
                           en="This receipt belongs to another laptop, not this one. Nothing was changed.")
    if p.get("commune_code") != creds.commune_code:
        raise ServiceError("Biên nhận này của xã khác. Không có gì được thay đổi.",
                           en="This receipt belongs to another commune. Nothing was changed.")
    entries = p.get("reports")
    if not isinstance(entries, list):
        raise ServiceError("Biên nhận không đúng dạng.", en="The receipt is not in the right format.")
    with db.session() as s:
        r = outbox.confirm_from_receipt(s, entries)
        if r.confirmed:
            outbox.record_run(s, SyncResult(sent=r.confirmed))
    earlier = sum(1 for e in entries if isinstance(e, dict) and e.get("already_received") is True)
    return ReceiptImport(r.confirmed, r.already, r.conflicts, r.not_matching, str(p.get("issued_at", "")), earlier)


@declares(Changes(reports=True, settings=True))
def import_targets_file(db: Database, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Targets (and the hub's address, if given) from a signed file of the province."""
    creds, key = _pinned(db)
    doc = _read(path, offline.MAX_SMALL_FILE_BYTES)
    p = hub_pin.verify_file(doc, key, "targets")  # the pinned key only: an address from anyone else is refused
    if p.get("commune_code") != creds.commune_code:
        raise ServiceError(f"Tệp chỉ tiêu dành cho xã {p.get('commune_code')}, không phải xã của máy này. "
                           "Không có gì được thay đổi.",
        en=f"The targets file is for commune {p.get('commune_code')}, not this laptop's commune. Nothing "
           "was changed.")
    issued = str(p.get("issued_at", ""))
    raw_settings = p.get("settings")
    settings: dict[str, Any] = raw_settings if isinstance(raw_settings, dict) else {}
    hub_url = str(settings.get("hub_url", "") or "")
    if hub_url and insecure_hub_url(hub_url):
        hub_url = ""
    targets = _targets(p.get("targets"))
    with db.session() as s:
        last = config.get(s, KEY_TARGETS_FILE_ISSUED)
    if last and issued < last:
        raise ServiceError(f"Tệp chỉ tiêu này cũ hơn tệp đã nhập ({last}). Không có gì được thay đổi.",
                           en=f"This targets file is older than the one already imported ({last}). Nothing "
                              "was changed.")
    n = hub_link.store_targets(db, targets)
    with db.session() as s:
        config.put(s, KEY_TARGETS_FILE_ISSUED, issued)
        if hub_url:
            config.put(s, KEY_HUB_URL, hub_url)
    return {"targets": n, "issued_at": issued, "hub_url": hub_url}


# -- day codes ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DayCode:
    point_code: str
    day: dt.date
    revision: int
    totals: dict[str, int]
    code: str


def day_codes(db: Database, day: dt.date, point_code: str | None = None) -> list[DayCode]:
    """One code per point closed that day (the latest revision), authenticated with this device's key."""
    creds = hub_link.credentials(db, need_url=False)
    key = daycode.daycode_key_from_token(creds.token)
    with db.session() as s:
        q = select(DayReport.point_code, func.max(DayReport.revision)).where(DayReport.day == day)
        if point_code:
            q = q.where(DayReport.point_code == point_code)
        latest = s.execute(q.group_by(DayReport.point_code).order_by(DayReport.point_code)).all()
        rows = [s.scalar(select(DayReport).where(DayReport.day == day, DayReport.point_code == p,
                                                 DayReport.revision == rev)) for p, rev in latest]
        from desktop.services.province_link.day_reports import report_of

        reports = [report_of(r, creds.commune_code) for r in rows if r is not None]
    if not reports:
        where = f" ở điểm {point_code}" if point_code else ""
        where_en = f" at point {point_code}" if point_code else ""
        raise ServiceError(f"Ngày {day.strftime('%d/%m/%Y')}{where} chưa được chốt: hãy chốt ngày trước.",
                           en=f"The day {day.strftime('%d/%m/%Y')}{where_en} has not been closed: close the "
                              "day first.")
    out = []
    for r in reports:
        t = daycode.DayTotals(creds.commune_code, r.point_code, r.day, r.revision, dict(r.totals))
        try:
            code = daycode.encode(t, key)
        except ValueError as exc:
            raise ServiceError(f"Không tạo được mã ngày cho điểm {r.point_code}: {exc}",
                               en=f"No day code could be made for point {r.point_code}: {exc}") from None
        out.append(DayCode(r.point_code, r.day, r.revision, dict(r.totals), code))
    return out


def connect_by_file(db: Database, response: str | os.PathLike[str], ca_file: str | os.PathLike[str] | None) -> dict[str, str]:
    """`connect_response` and, when given, the province's CA pinned with it (`hub_ca`, for the hub the laptop
    is or will be given): a bad CA file is refused before the response is used, so nothing is half-done."""
    if ca_file:
        hub_ca.read_ca_file(ca_file)
    res = connect_response(db, response)
    return {**res, **hub_ca.pin_file(db, ca_file)} if ca_file else res

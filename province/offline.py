"""The hub's side of communes with no link: its own signing key, enrolment by file, receipts for
imported bundles, signed targets files and day codes read over the phone.

The hub signs what it gives a laptop on a stick with an Ed25519 key of its own (`hub_signing_key` in
`hub_settings`, made at `init` or at the first start, like the session secret: the hub is a server, the
database is its keystore; back it up with the database and never copy it to a file or a log). Its public key
goes to every laptop at enrolment (online: in the /enrol answer and with the targets; by file: in the signed
response), and the laptop pins it.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from province import admin, held, replacement, target_sets
from province.errors import HubRefusal
from province.models import (
    Arrival,
    BundleReceipt,
    Commune,
    Device,
    EnrolmentCode,
    HubSetting,
    PhoneReport,
    ReportVillage,
)
from province.models.steering import PHONE
from sync import daycode, hubkey, offline, protocol, signing

HUB_KEY = "hub_signing_key"
RECEIPT_KEEP = 200  # receipts kept per device for the dashboard's download link


class OfflineRefused(HubRefusal, ValueError):
    """Refused input; `message` is Vietnamese (printed by the CLI, shown on the dashboard): the file and day-code
    checks of sync.offline/daycode have Vietnamese words only, so English mode shows them too."""

    title = "Không nhận được"

    def __init__(self, message: str, status: int = 422, en: str | None = None) -> None:
        super().__init__(en or message, vi=message, status=status)
        self.message = message


# -- the hub's key ------------------------------------------------------------------------------------

def ensure_hub_key(s: Session) -> tuple[str, str]:
    """(private, public) base64; created the first time. The private key never leaves the database."""
    row = s.get(HubSetting, HUB_KEY)
    if row is None:
        private, _pub = signing.generate_keypair()
        row = HubSetting(key=HUB_KEY, value=private)
        s.add(row)
        s.flush()
    return row.value, signing.public_key_of(row.value)


def hub_public_key(s: Session) -> str:
    row = s.get(HubSetting, HUB_KEY)
    return signing.public_key_of(row.value) if row is not None else ""


def _targets(s: Session, commune: str) -> list[dict[str, Any]]:
    # one per indicator, the nearest open deadline of the target sets (province.target_sets): older laptops read it
    return [{"indicator": ind, "value": value, "deadline": deadline.isoformat() if deadline else None}
            for ind, value, deadline in target_sets.for_laptop(s, commune, target_sets.vn_today())]


# -- enrolment by file --------------------------------------------------------------------------------

def enrol_from_file(s: Session, data: bytes) -> tuple[dict[str, Any], Device]:
    """Check a request file and spend its one-time code; the signed response document and the device.

    Refused (nothing stored): not a request, altered (the device's signature), no unspent code of that
    commune matching the proof (wrong, used — the same request twice — or expired), a re-enrolment whose
    device is of another commune or whose proof does not verify. A re-enrolment naming a device this hub never
    knew (another or a new hub) enrols a NEW device, as the laptop does by itself online after a 404 — by file
    a refusal would cost the commune another boat trip — and the response says so (`same_device: false`,
    `new_device_reason`, in the signed payload; a laptop reads only the keys it needs, so older ones ignore
    them)."""
    try:
        doc = offline.loads(data, offline.MAX_SMALL_FILE_BYTES)
        req = offline.check_request(doc)
    except offline.OfflineFileError as exc:
        raise OfflineRefused(exc.message, exc.status) from None
    commune = s.get(Commune, admin.nfc(req["commune_code"]).lstrip("0") or "0")
    if commune is None:
        raise OfflineRefused("Yêu cầu kết nối ghi một xã không có trong danh sách của tỉnh.", 404)
    at = admin.now()
    codes = list(s.scalars(select(EnrolmentCode).where(EnrolmentCode.commune_code == commune.code)))
    match = next((c for c in codes if offline.proof_matches(doc, c.code_hash)), None)
    if match is None:
        raise OfflineRefused("Mã kết nối trong yêu cầu không đúng với mã nào của xã này.", 403)
    if match.used_at is not None:
        raise OfflineRefused("Mã kết nối của yêu cầu này đã được dùng. Mỗi mã chỉ dùng một lần: hãy cấp mã mới "
                             "và làm lại yêu cầu trên máy xã.", 403)
    if match.expires_at <= at:
        raise OfflineRefused("Mã kết nối của yêu cầu này đã hết hạn. Hãy cấp mã mới.", 403)
    try:
        version, restored_from = offline.check_restore(doc)
    except offline.OfflineFileError as exc:
        raise OfflineRefused(exc.message, exc.status) from None
    if match.replaces_device_id:  # a replacement code: the laptop becomes that device's successor
        return _successor_response(s, doc, req, match, version, restored_from, at)
    previous, asked = _previous_device(s, doc, req, commune.code, match.code_hash)
    device_id = previous.id if previous is not None else uuid.uuid4().hex
    spent = s.execute(update(EnrolmentCode).where(EnrolmentCode.id == match.id, EnrolmentCode.used_at.is_(None))
                      .values(used_at=at, device_id=device_id))
    if spent.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        raise OfflineRefused("Mã kết nối của yêu cầu này đã được dùng.", 403)
    if previous is not None:  # the same device, new key and token: its reports are not counted twice
        device = previous
        token = admin.rekey_device(s, device, req["device_name"], req["public_key"], at, "file")
    else:
        token = signing.new_token()
        device = Device(id=device_id, commune_code=commune.code, name=admin.nfc(req["device_name"])[:200] or "?",
                        public_key=req["public_key"], token_hash=signing.token_hash(token),
                        token_expires_at=at + dt.timedelta(days=admin.TOKEN_DAYS), enrolled_at=at, revoked=False,
                        held_reason="", enrol_protocol=version)
        held.hold_on_enrol(device, restored_from)
        s.add(device)
    private, public = ensure_hub_key(s)
    payload = {
        "device_id": device_id, "request_id": req["request_id"], "public_key": req["public_key"],
        "commune_code": commune.code, "commune_name": commune.name, "province_code": commune.province_code,
        "hub_public_key": public, "token_wrapped": offline.wrap_secret(match.code_hash, req["request_id"], token),
        "token_expires_at": protocol.iso(device.token_expires_at), "targets": _targets(s, commune.code),
        "issued_at": protocol.iso(at),
        # contract 2: the hub key bound to the one-time code (a courier cannot re-sign this answer)
        hubkey.BINDING_FIELD: hubkey.binding(match.code_hash, public, device_id, commune.code, req["public_key"]),
        hubkey.CONTRACT_FIELD: hubkey.ENROL_CONTRACT,
    }
    if device.held_reason:
        payload["held"] = device.held_reason
    if previous is not None and restored_from == previous.id:  # a restored database of this very device
        payload["predecessor_reports"] = replacement.latest_reports(s, previous.id)
    if asked:  # a re-enrolment: kept, or a new device because this hub never knew the one it named
        payload.update({"previous_device_id": asked, "same_device": previous is not None})
        if previous is None:
            payload["new_device_reason"] = offline.NEW_DEVICE_UNKNOWN
    if previous is None:
        extra = {"previous_device_id": asked, "new_device_reason": offline.NEW_DEVICE_UNKNOWN} if asked else {}
        admin.audit(s, f"device:{device_id}", "device.enrol_file", commune.code, name=device.name, **extra)
    return offline.hub_sign(private, "enrol-response", payload), device


def _successor_response(s: Session, doc: dict[str, Any], req: dict[str, Any], match: EnrolmentCode, version: int,
                        restored_from: str | None, at: dt.datetime) -> tuple[dict[str, Any], Device]:
    """A request answered with a replacement code: the same device id, its reports handed back (as online)."""
    asked = offline.check_reenrol(doc)
    try:
        dev = replacement.check_successor(s, match, version, restored_from, asked[0] if asked else None)
    except admin.EnrolRefused as exc:
        raise OfflineRefused(str(exc), exc.status) from None
    spent = s.execute(update(EnrolmentCode).where(EnrolmentCode.id == match.id, EnrolmentCode.used_at.is_(None))
                      .values(used_at=at, device_id=dev.id))
    if spent.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        raise OfflineRefused("Mã kết nối của yêu cầu này đã được dùng.", 403)
    old_name = dev.name
    token = replacement.succeed(s, dev, req["device_name"], req["public_key"], at, "file")
    commune = s.get(Commune, dev.commune_code)
    assert commune is not None
    private, public = ensure_hub_key(s)
    payload = {
        "device_id": dev.id, "request_id": req["request_id"], "public_key": req["public_key"],
        "commune_code": commune.code, "commune_name": commune.name, "province_code": commune.province_code,
        "hub_public_key": public, "token_wrapped": offline.wrap_secret(match.code_hash, req["request_id"], token),
        "token_expires_at": protocol.iso(dev.token_expires_at), "targets": _targets(s, commune.code),
        "issued_at": protocol.iso(at), "same_device": True, "successor_of": dev.id, "replaced_name": old_name,
        "predecessor_reports": replacement.latest_reports(s, dev.id),
        hubkey.BINDING_FIELD: hubkey.binding(match.code_hash, public, dev.id, commune.code, req["public_key"]),
        hubkey.CONTRACT_FIELD: hubkey.ENROL_CONTRACT,
    }
    return offline.hub_sign(private, "enrol-response", payload), dev


def enrolment_note(payload: dict[str, Any]) -> str:
    """One Vietnamese line on the device an enrolment response (its payload) made, for the dashboard; "" for a
    first enrolment."""
    if "same_device" not in payload:
        return ""
    if payload["same_device"]:
        return (f"Kết nối lại: vẫn là máy cũ {payload['device_id']} (các ngày máy gửi lại không bị cộng hai "
                "lần).")
    return (f"Máy được kết nối như MÁY MỚI (mã máy {payload['device_id']}): yêu cầu xin giữ mã máy cũ "
            f"{payload.get('previous_device_id', '?')}, nhưng máy chủ tỉnh này không biết mã máy đó (máy chủ khác "
            "hoặc máy chủ mới). Các ngày máy gửi tới đây sẽ được lưu theo mã máy mới.")


_REENROL_REFUSED = {
    "commune": "Máy của yêu cầu kết nối lại thuộc một xã khác với mã kết nối. Mã kết nối chưa bị dùng: hãy cấp mã "
               "đúng xã của máy.",
    "previous_proof": "Không xác nhận được yêu cầu kết nối lại: chữ ký bằng khóa cũ của máy không đúng (tệp bị sửa "
                      "hoặc không do máy đó tạo). Mã kết nối chưa bị dùng.",
}


def _previous_device(s: Session, doc: dict[str, Any], req: dict[str, Any], commune: str,
                     code_hash: str) -> tuple[Device | None, str]:
    """(the device a re-enrolment request proves it is — admin.previous_device — or None, the device id the
    request named or ""). None with an id: this hub has no such device (a new device is enrolled). Any other
    refusal is OfflineRefused and spends nothing."""
    try:
        previous = offline.check_reenrol(doc)
    except offline.OfflineFileError as exc:
        raise OfflineRefused(exc.message, exc.status) from None
    if previous is None:
        return None, ""
    try:
        return admin.previous_device(s, previous[0], previous[1], req["public_key"], commune, code_hash), previous[0]
    except admin.EnrolRefused as exc:
        if exc.field == "previous_device_id" and exc.status == 404:
            return None, previous[0]
        raise OfflineRefused(_REENROL_REFUSED.get(exc.field or "", exc.words("vi")), exc.status,
                             en=None if exc.field in _REENROL_REFUSED else exc.words("en")) from None


# -- receipts -----------------------------------------------------------------------------------------

def receipt_payload(device_id: str, commune_code: str, batches: list[tuple[protocol.Batch, dict[str, Any]]]
                    ) -> dict[str, Any]:
    """Per report of the bundle: (point, day, revision, content hash, outcome, reason)."""
    entries = []
    for batch, summary in batches:
        outcome = {(r["point_code"], r["day"], int(r["revision"])): r for r in summary.get("results", [])}
        for rep in batch.reports:
            o = outcome.get((rep.point_code, rep.day.isoformat(), rep.revision))
            if o is None:
                continue
            entry = {"point_code": rep.point_code, "day": rep.day.isoformat(), "revision": rep.revision,
                     "content_hash": rep.content_hash(), "outcome": o["outcome"], "reason": o.get("reason", "")}
            if summary.get("replayed"):  # received before: still proof of receipt (older laptops ignore this)
                entry["already_received"] = True
            entries.append(entry)
    entries.sort(key=lambda e: (e["day"], e["point_code"], e["revision"]))
    return {"device_id": device_id, "commune_code": commune_code, "receipt_id": secrets.token_hex(16),
            "issued_at": protocol.iso(protocol.utc_now()), "reports": entries}


def sign_receipt(s: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Sign and keep the receipt (the dashboard offers it for download by its random id)."""
    private, _ = ensure_hub_key(s)
    doc = offline.hub_sign(private, "receipt", payload)
    s.add(BundleReceipt(id=payload["receipt_id"], device_id=payload["device_id"],
                        commune_code=payload["commune_code"], created_at=protocol.utc_now(),
                        document=offline.dumps(doc).decode("utf-8")))
    old = list(s.scalars(select(BundleReceipt.id).where(BundleReceipt.device_id == payload["device_id"])
                        .order_by(BundleReceipt.created_at.desc()).offset(RECEIPT_KEEP)))
    for rid in old:
        row = s.get(BundleReceipt, rid)
        if row is not None:
            s.delete(row)
    return doc


def stored_receipt(s: Session, receipt_id: str) -> str | None:
    row = stored_receipt_row(s, receipt_id)
    return row.document if row is not None else None


def stored_receipt_row(s: Session, receipt_id: str) -> BundleReceipt | None:
    """The kept receipt with its commune (the dashboard checks the account's scope before handing it out)."""
    if not (len(receipt_id) == 32 and all(c in "0123456789abcdef" for c in receipt_id)):
        return None
    return s.get(BundleReceipt, receipt_id)


# -- targets and settings by file ---------------------------------------------------------------------

def targets_file(s: Session, commune: str, hub_url: str | None = None) -> dict[str, Any]:
    c = admin.get_commune(s, commune)
    private, _ = ensure_hub_key(s)
    settings: dict[str, str] = {}
    if hub_url:
        settings["hub_url"] = hub_url.strip().rstrip("/")
    payload = {"commune_code": c.code, "commune_name": c.name, "province_code": c.province_code,
               "targets": _targets(s, c.code), "settings": settings, "issued_at": protocol.iso(admin.now())}
    admin.audit(s, "admin", "targets.file", c.code)
    return offline.hub_sign(private, "targets", payload)


# -- day codes ----------------------------------------------------------------------------------------

@dataclass
class DayCodeResult:
    status: str  # provisional (stored or updated) / duplicate (same code again)
    commune_code: str
    point_code: str
    day: str
    revision: int
    device_id: str
    totals: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "commune_code": self.commune_code, "point_code": self.point_code,
                "day": self.day, "revision": self.revision, "device_id": self.device_id, "totals": self.totals}


def accept_day_code(s: Session, code: str, actor: str = "admin") -> DayCodeResult:
    """Check a typed day code (typo check, then the authenticator against the commune's live devices) and
    store it as provisional figures. Refused: a typo, a code no device of that commune made, an older
    revision than one already received (stale replay), or a day whose signed report already arrived."""
    try:
        fields, _mac, _bits = daycode.decode(code)
    except daycode.DayCodeError as exc:
        raise OfflineRefused(exc.message, 422) from None
    commune = s.get(Commune, fields.commune_code)
    if commune is None:
        raise OfflineRefused("Mã ngày ghi một xã không có trong danh sách của tỉnh.", 404)
    device = None
    for dev in s.scalars(select(Device).where(Device.commune_code == commune.code, Device.revoked.is_(False))):
        try:
            daycode.verify(code, daycode.daycode_key(dev.token_hash))
        except daycode.DayCodeError:
            continue
        device = dev
        break
    if device is None:
        raise OfflineRefused("Mã ngày không do máy nào đã kết nối của xã này tạo ra (hoặc đã bị sửa). "
                             "Không lưu.", 403)
    signed = s.scalar(select(ReportVillage.revision).where(
        ReportVillage.commune_code == commune.code, ReportVillage.point_code == fields.point_code,
        ReportVillage.day == fields.day, ReportVillage.device_id == device.id))
    if signed is not None and signed >= fields.revision:
        raise OfflineRefused(f"Cũ: báo cáo ký số lần {signed} của ngày này đã về, mã ngày (lần {fields.revision}) "
                             "không còn dùng.", 409)
    row = s.scalar(select(PhoneReport).where(
        PhoneReport.commune_code == commune.code, PhoneReport.point_code == fields.point_code,
        PhoneReport.day == fields.day, PhoneReport.device_id == device.id))
    totals = dict(fields.totals)
    status = "provisional"
    if row is not None:
        if row.revision > fields.revision:
            raise OfflineRefused(f"Cũ: đã nhận mã ngày lần {row.revision} cho ngày này; mã lần {fields.revision} "
                                 "bị bỏ qua.", 409)
        if row.revision == fields.revision:
            if json.loads(row.totals_json) != totals:
                raise OfflineRefused("Mã ngày cùng lần chốt nhưng khác số liệu với mã đã nhận. Không lưu.", 409)
            status = "duplicate"
    canonical = daycode.canonical(code)
    if status != "duplicate":
        if row is None:
            row = PhoneReport(commune_code=commune.code, point_code=fields.point_code, day=fields.day,
                              device_id=device.id, revision=fields.revision, totals_json="", code="",
                              received_at=admin.now(), entered_by=actor[:64])
            s.add(row)
        row.revision, row.totals_json, row.code = fields.revision, json.dumps(totals), canonical
        row.received_at, row.entered_by = admin.now(), actor[:64]
        admin.audit(s, actor, "daycode.accept", commune.code, point=fields.point_code, day=fields.day,
                    revision=fields.revision, device=device.id)
        if s.get(Arrival, (device.id, fields.day, PHONE)) is None:  # the day's first code by phone is kept
            s.add(Arrival(device_id=device.id, day=fields.day, channel=PHONE, commune_code=commune.code,
                          first_at=row.received_at))
    return DayCodeResult(status, commune.code, fields.point_code, fields.day.isoformat(), fields.revision,
                         device.id, totals)


@dataclass
class PhoneRow:
    commune_code: str
    point_code: str
    day: dt.date
    device_id: str
    revision: int
    totals: dict[str, int]
    received_at: dt.datetime
    signed_revision: int | None

    @property
    def superseded(self) -> bool:
        return self.signed_revision is not None and self.signed_revision >= self.revision

    @property
    def label(self) -> str:
        return (f"đã thay bằng báo cáo ký số (lần {self.signed_revision})" if self.superseded
                else "tạm, qua điện thoại")


def phone_rows(s: Session, commune: str | None = None, limit: int = 500) -> list[PhoneRow]:
    """Day codes received, newest day first, each with whether the signed report superseded it."""
    q = select(PhoneReport).order_by(PhoneReport.day.desc(), PhoneReport.commune_code, PhoneReport.point_code)
    if commune:
        q = q.where(PhoneReport.commune_code == commune)
    out = []
    for r in s.scalars(q.limit(limit)):
        signed = s.scalar(select(ReportVillage.revision).where(
            ReportVillage.commune_code == r.commune_code, ReportVillage.point_code == r.point_code,
            ReportVillage.day == r.day, ReportVillage.device_id == r.device_id))
        out.append(PhoneRow(r.commune_code, r.point_code, r.day, r.device_id, r.revision,
                            json.loads(r.totals_json), r.received_at, signed))
    return out

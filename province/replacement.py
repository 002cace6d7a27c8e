"""A dead laptop's successor: the province issues a replacement code naming the device; the laptop
that enrols with it takes over THAT device id.

Why the same id: the hub counts one report per (commune, point, day, device) at its highest revision, so a
successor under the same id replaces its predecessor's report (revision r+1 over r) and can never be added on
top of it — exactly once by construction. The old token and key stop working at once (the device gets the
successor's); their hashes are kept in `device_successions` so the old laptop, if it reappears, is refused
with words ("đã được thay thế") instead of a bare 401. The enrolment answer carries the device's latest report
per (day, point) so the successor's revisions continue above them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import admin, held
from province.models import Commune, Device, DeviceSuccession, EnrolmentCode, ReportVillage
from sync import protocol, signing

MSG_REPLACED = ("Máy này đã được thay thế bởi máy «{name}» ngày {day} (tỉnh cấp mã thay thế cho máy {device}): "
                "máy chủ tỉnh không nhận báo cáo của máy này nữa. Hãy dùng máy thay thế; nếu cần dùng lại máy này, "
                "xin tỉnh một mã kết nối mới.")
MSG_OLD_LAPTOP = ("Đây là mã thay thế máy: máy nhận mã phải chạy EnrollPoint bản mới (giao thức kết nối {need}). Hãy "
                  "cập nhật EnrollPoint trên máy này rồi kết nối lại; mã chưa bị dùng.")
MSG_OTHER_DEVICE = ("Mã thay thế này dành cho máy {wanted}, nhưng cơ sở dữ liệu của máy này là của máy {got}. Mã chưa "
                    "bị dùng: hãy xin tỉnh mã thay thế đúng máy.")


def create_code(s: Session, commune: str, device_id: str, days: int = 7) -> tuple[str, dt.datetime, Device]:
    """A one-time code whose laptop becomes the successor of `device_id` (a device of that commune)."""
    c = admin.get_commune(s, commune)
    dev = s.get(Device, device_id.strip()) if device_id and len(device_id) <= signing.MAX_DEVICE_ID else None
    if dev is None:
        raise admin.AdminError(f"unknown device {device_id!r} (see `enrollpoint-hub device list`)")
    if dev.commune_code != c.code:
        raise admin.AdminError(f"device {dev.id} belongs to commune {dev.commune_code}, not {c.code}")
    code, expires = admin.create_enrolment_code(s, c.code, days)
    row = s.scalar(select(EnrolmentCode).where(
        EnrolmentCode.code_hash == signing.token_hash(admin.code_key(code))))
    assert row is not None
    row.replaces_device_id = dev.id
    admin.audit(s, "admin", "enrol_code.replacement", c.code, device=dev.id, name=dev.name, expires_at=expires)
    return code, expires, dev


def check_successor(s: Session, code: EnrolmentCode, enrol_protocol: int, restored_from: str | None,
                    previous_device_id: str | None) -> Device:
    """The device a replacement code replaces, or EnrolRefused (nothing stored, the code not spent)."""
    if enrol_protocol < protocol.ENROL_PROTOCOL:
        words = MSG_OLD_LAPTOP.format(need=protocol.ENROL_PROTOCOL)
        raise admin.EnrolRefused(words, 403, "replaces", vi=words)
    dev = s.get(Device, code.replaces_device_id or "")
    if dev is None or dev.commune_code != code.commune_code:
        raise admin.EnrolRefused("the device this replacement code names is gone", 404, "replaces",
                                 vi="Máy mà mã thay thế này nêu tên không còn trên máy chủ tỉnh.")
    for other in (restored_from, previous_device_id):
        if other and other != dev.id:
            words = MSG_OTHER_DEVICE.format(wanted=dev.id[:8], got=other[:8])
            raise admin.EnrolRefused(words, 403, "replaces", vi=words)
    return dev


def succeed(s: Session, dev: Device, device_name: str, public_key: str, at: dt.datetime, via: str) -> str:
    """Hand `dev` to its successor: keep the old token hash and key (for the words), re-key, lift a hold."""
    if s.scalar(select(DeviceSuccession.id).where(DeviceSuccession.old_token_hash == dev.token_hash)) is None:
        s.add(DeviceSuccession(device_id=dev.id, old_token_hash=dev.token_hash, old_public_key=dev.public_key,
                               old_name=dev.name, successor_name=admin.nfc(device_name)[:200] or "?",
                               replaced_at=at))
    old_name = dev.name
    token = admin.rekey_device(s, dev, device_name, public_key, at, via, keep_old_key=False)
    dev.held_reason = ""
    dev.enrol_protocol = protocol.ENROL_PROTOCOL
    admin.audit(s, f"device:{dev.id}", "device.succeed", dev.commune_code, previous_name=old_name,
                name=dev.name, via=via)
    return token


def latest_reports(s: Session, device_id: str) -> list[dict[str, Any]]:
    """The device's report per (point, day) as the hub holds it (highest revision, figures, breakdown)."""
    rows = s.scalars(select(ReportVillage).where(ReportVillage.device_id == device_id)
                     .order_by(ReportVillage.day, ReportVillage.point_code))
    out = []
    for r in rows:
        out.append({
            "point_code": r.point_code, "day": r.day.isoformat(), "revision": r.revision,
            "content_hash": r.content_hash, "closed_at": protocol.iso(r.closed_at),
            "totals": {ind: int(getattr(r, ind)) for ind in protocol.INDICATORS},
            "by_village": json.loads(r.breakdown_json or "{}"),
        })
    return out


def replaced_message(s: Session, token: str) -> str | None:
    """Words for a laptop whose token was handed to a successor, or None (an unknown token)."""
    if not token or len(token) > 200:
        return None
    row = s.scalar(select(DeviceSuccession).where(DeviceSuccession.old_token_hash == signing.token_hash(token)))
    return None if row is None else _words(row)


def replaced_key_message(s: Session, device_id: str, verify: Any) -> str | None:
    """Words for a file signed with the key of a laptop since replaced (`verify(public_key)` → bool)."""
    rows = s.scalars(select(DeviceSuccession).where(DeviceSuccession.device_id == device_id))
    for row in rows:
        if verify(row.old_public_key):
            return _words(row)
    return None


def _words(row: DeviceSuccession) -> str:
    day = row.replaced_at.strftime("%d/%m/%Y")
    return MSG_REPLACED.format(name=row.successor_name, day=day, device=row.device_id[:8])


def enrol(s: Session, code: str, device_name: str, public_key: str, previous_device_id: str | None = None,
          previous_proof: str | None = None, *, restored_from: str | None = None, enrol_protocol: int = 1
          ) -> admin.Enrolled:
    """The API's enrolment: a replacement code makes the laptop its device's successor; any other code is
    `admin.enrol`, after which a restored database of the same device gets its reports back, and a new device
    that says it was restored from another's backup is held for the admin (province/held.py)."""
    at = admin.now()
    row = admin.usable_code(s, code, at)
    if row.replaces_device_id:
        dev = check_successor(s, row, enrol_protocol, restored_from, previous_device_id)
        admin.spend(s, row, dev.id, at)
        commune = s.get(Commune, row.commune_code)
        assert commune is not None
        old_name = dev.name
        token = succeed(s, dev, device_name, public_key, at, "http")
        return admin.Enrolled(dev, token, commune, reenrolled=True, successor_of=dev.id, replaced_name=old_name,
                              predecessor_reports=latest_reports(s, dev.id))
    done = admin.enrol(s, code, device_name, public_key, previous_device_id, previous_proof,
                       enrol_protocol=enrol_protocol)
    if done.reenrolled and restored_from == done.device.id:  # a restored copy of this very device
        done.predecessor_reports = latest_reports(s, done.device.id)
    elif not done.reenrolled:
        held.hold_on_enrol(done.device, restored_from)
        if done.device.held_reason:
            admin.audit(s, f"device:{done.device.id}", "device.held", done.commune.code,
                        reason=done.device.held_reason)
    return done

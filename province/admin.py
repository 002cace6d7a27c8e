"""Hub administration as plain functions over a Session: communes, targets, enrolment codes, devices.

Shared by the CLI, the API (enrolment) and the tests. Secrets (enrolment codes, tokens) are stored only
as SHA-256 hashes; the clear text exists once, in the return value.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from province.actor import admin_actor
from province.errors import HubRefusal
from province.intake_rollups import BUMP, shard
from province.models import AuditEntry, Commune, Device, EnrolmentCode, Target
from sync import communes as official
from sync import protocol, signing

TOKEN_DAYS = 365


class AdminError(HubRefusal, ValueError):
    """Bad input to an admin action (422 unless a status is given): English and, where written, Vietnamese
    words of one line."""

    title = "Không làm được việc này"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def now() -> dt.datetime:
    return protocol.utc_now()


def audit(s: Session, actor: str, action: str, commune: str | None = None, **detail: Any) -> None:
    """One audit row; "admin" is stored as this run's admin (`province.actor`: with the OS user on the CLI)."""
    s.add(AuditEntry(at=now(), actor=admin_actor(actor)[:64], action=action, commune_code=commune,
                     detail=json.dumps(detail, ensure_ascii=False, default=str)))
    bump(s, commune)


def bump(s: Session, commune: str | None = None) -> None:
    """Tell the kept dashboard results (dashboard/stamped.py) that something changed, in this transaction."""
    s.execute(text(BUMP.replace("?", ":k")), {"k": shard(commune or "")})


# -- communes -----------------------------------------------------------------------------------------

def add_commune(s: Session, code: str, name: str, province: str, province_name: str | None = None) -> Commune:
    code = nfc(code).lstrip("0") or "0"
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_." for c in code):
        raise AdminError(f"invalid commune code {code!r}", vi=f"Mã xã {code!r} không hợp lệ.")
    name = nfc(name)
    if not name:
        raise AdminError("commune name is empty", vi="Thiếu tên xã.")
    province = nfc(province)
    if not province:
        raise AdminError("province is empty", vi="Thiếu mã tỉnh.")
    prov_name = nfc(province_name) if province_name else official.provinces().get(province, province)
    row = s.get(Commune, code)
    if row is None:
        row = Commune(code=code, name=name, province_code=province, province_name=prov_name, active=True)
        s.add(row)
    else:
        row.name, row.province_code, row.province_name, row.active = name, province, prov_name, True
    audit(s, "admin", "commune.add", code, name=name, province=province)
    return row


def import_official(s: Session) -> int:
    """Load (or refresh) all 3,321 communes of the 2025 list. Returns how many were added."""
    existing = {c for (c,) in s.execute(select(Commune.code))}
    added = 0
    for rec in official.all_communes():
        if rec.code in existing:
            continue
        s.add(Commune(code=rec.code, name=nfc(rec.name), province_code=rec.province_code,
                      province_name=nfc(rec.province_name), active=True))
        added += 1
    audit(s, "admin", "commune.import_official", None, added=added)
    return added


def get_commune(s: Session, code: str) -> Commune:
    row = s.get(Commune, nfc(code).lstrip("0") or "0")
    if row is None:
        raise AdminError(f"unknown commune {code!r} (add it or run `commune import-official`)", status=404,
                         vi=f"Không có xã {code!r} trong danh sách của tỉnh (thêm xã, hoặc chạy `commune import-official`).")
    return row


def list_communes(s: Session, province: str | None = None) -> list[Commune]:
    q = select(Commune).order_by(Commune.province_code, Commune.code)
    if province:
        q = q.where(Commune.province_code == province)
    return list(s.scalars(q))


# -- targets ------------------------------------------------------------------------------------------

def set_target(s: Session, commune: str, indicator: str, value: int, deadline: dt.date | None) -> Target:
    c = get_commune(s, commune)
    if indicator not in protocol.INDICATORS:
        raise AdminError(f"unknown indicator {indicator!r} (one of {', '.join(protocol.INDICATORS)})",
                         vi=f"Không có chỉ tiêu {indicator!r} (một trong: {', '.join(protocol.INDICATORS)}).")
    if value < 0 or value > 100_000_000:
        raise AdminError("target value must be ≥ 0", vi="Chỉ tiêu phải là số không âm.")
    row = s.scalar(select(Target).where(Target.commune_code == c.code, Target.indicator == indicator))
    if row is None:
        row = Target(commune_code=c.code, indicator=indicator, value=value, deadline=deadline)
        s.add(row)
    else:
        row.value, row.deadline = value, deadline
    audit(s, "admin", "target.set", c.code, indicator=indicator, value=value, deadline=deadline)
    return row


def list_targets(s: Session, commune: str | None = None) -> list[Target]:
    q = select(Target).order_by(Target.commune_code, Target.indicator)
    if commune:
        q = q.where(Target.commune_code == get_commune(s, commune).code)
    return list(s.scalars(q))


# -- enrolment ----------------------------------------------------------------------------------------

def _code_key(code: str) -> str:
    """Codes are read out and typed: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


code_key = _code_key


def create_enrolment_code(s: Session, commune: str, days: int = 7) -> tuple[str, dt.datetime]:
    if not 1 <= days <= 90:
        raise AdminError("--days must be between 1 and 90", vi="Số ngày hiệu lực (--days) phải từ 1 đến 90.")
    c = get_commune(s, commune)
    code = signing.new_enrolment_code()
    expires = now() + dt.timedelta(days=days)
    s.add(EnrolmentCode(code_hash=signing.token_hash(_code_key(code)), commune_code=c.code,
                        created_at=now(), expires_at=expires))
    audit(s, "admin", "enrol_code.create", c.code, expires_at=expires)
    return code, expires


REVOKED_VI = ("Máy này đã bị tỉnh thu hồi (mã máy {device}): không kết nối lại được bằng mã kết nối thông thường. "
              "Mã chưa bị dùng. Nếu máy được tìm lại, nhờ tỉnh mở lại máy (device reinstate) hoặc cấp mã thay thế "
              "cho đúng máy này (enrol-code --replaces).")
REVOKED_EN = ("this laptop was revoked by the province (device {device}): an ordinary enrolment code cannot bring it "
              "back. The code was not spent. If the laptop was found, ask the province to reinstate it (device "
              "reinstate) or to issue a replacement code for this device (enrol-code --replaces).")
CODE_REFUSED_VI = "Mã kết nối không đúng, đã được dùng hoặc đã hết hạn. Mỗi mã chỉ dùng một lần: hãy xin mã mới."


class EnrolRefused(HubRefusal):
    """An enrolment the hub will not do (nothing stored, the code not spent); `status` is the HTTP answer and
    `field` names the reason for the laptop: code, commune, previous_device_id, previous_proof."""

    title = "Không kết nối được máy"

    def __init__(self, message: str, status: int = 403, field: str = "code", vi: str | None = None) -> None:
        super().__init__(message, vi=vi, status=status, field=field)


@dataclass
class Enrolled:
    device: Device
    token: str
    commune: Commune
    reenrolled: bool = False
    successor_of: str = ""  # a replacement code: the device this laptop now is (province/replacement.py)
    replaced_name: str = ""
    predecessor_reports: list[dict[str, Any]] = field(default_factory=list)


def previous_device(s: Session, device_id: str, proofs: list[str], new_public_key: str, commune_code: str,
                    code_hash: str) -> Device:
    """The device a re-enrolling laptop proves it is: it exists, is of the code's commune, and one of the
    proofs (at most two are tried) verifies with the public key the hub holds for it, over this device id,
    the new key, the commune and this code (`signing.reenrol_message`). Otherwise EnrolRefused (4xx)."""
    dev = s.get(Device, device_id) if device_id and len(device_id) <= signing.MAX_DEVICE_ID else None
    if dev is None:
        raise EnrolRefused("previous_device_id is not a device of this hub", 404, "previous_device_id",
                           vi="Máy chủ tỉnh này không biết mã máy cũ của máy xã.")
    if dev.commune_code != commune_code:
        raise EnrolRefused("the enrolment code is for another commune than the previous device", 403, "commune",
                           vi="Mã kết nối của một xã khác với xã của máy. Mã chưa bị dùng: hãy xin mã đúng xã.")
    if not any(signing.reenrol_proof_valid(dev.public_key, p, dev.id, new_public_key, dev.commune_code, code_hash)
               for p in proofs[:2] if isinstance(p, str)):
        raise EnrolRefused("previous_proof does not verify with the previous device's key", 403, "previous_proof",
                           vi="Không xác nhận được máy cũ: chữ ký bằng khóa cũ của máy không đúng.")
    if dev.revoked:  # a stolen laptop plus any code of its commune must not get the device back
        raise EnrolRefused(REVOKED_EN.format(device=dev.id), 403, "revoked", vi=REVOKED_VI.format(device=dev.id))
    return dev


def rekey_device(s: Session, dev: Device, device_name: str, public_key: str, at: dt.datetime, via: str,
                 *, keep_old_key: bool = True) -> str:
    """Give a re-enrolled device its new key, a new token (returned; the hub keeps its hash), a fresh expiry
    and name, and lift a revocation (reached for a revoked device only by a replacement code naming it:
    `previous_device` refuses an ordinary code). Its id, and so its
    reports on the hub, stay. `keep_old_key=False` for a successor: the replaced laptop's key is another
    laptop's, never "an earlier key of this laptop" (its bundles are refused by province/replacement.py)."""
    from province import device_keys

    token = signing.new_token()
    was_revoked, old_name = dev.revoked, dev.name
    if keep_old_key and dev.public_key != public_key:
        device_keys.remember(s, dev, at)  # a bundle signed before this re-enrolment stays the device's own
    dev.public_key, dev.token_hash = public_key, signing.token_hash(token)
    dev.token_expires_at, dev.revoked = at + dt.timedelta(days=TOKEN_DAYS), False
    dev.name = nfc(device_name)[:200] or "?"
    audit(s, f"device:{dev.id}", "device.reenrol", dev.commune_code, name=dev.name, previous_name=old_name,
          was_revoked=was_revoked, via=via)
    return token


def enrol(s: Session, code: str, device_name: str, public_key: str, previous_device_id: str | None = None,
          previous_proof: str | None = None, *, enrol_protocol: int = 1) -> Enrolled:
    """Spend a one-time code (atomically: two laptops racing with one code → only one wins).

    With `previous_device_id` (and its proof) the code is spent for that device, which keeps its id and gets
    the new key and token ("device.reenrol"); a refusal stores nothing and leaves the code unspent.
    Replacement codes and restored laptops: province/replacement.py (`replacement.enrol` wraps this)."""
    at = now()
    row = usable_code(s, code, at)
    previous = None
    if previous_device_id is not None or previous_proof is not None:
        if not (previous_device_id and previous_proof):
            raise EnrolRefused("previous_device_id and previous_proof go together", 422, "previous_proof",
                               vi="Yêu cầu kết nối lại thiếu một trong hai phần (mã máy cũ, chữ ký).")
        previous = previous_device(s, previous_device_id, [previous_proof], public_key, row.commune_code,
                                   row.code_hash)
    device_id = previous.id if previous is not None else uuid.uuid4().hex
    spend(s, row, device_id, at)
    commune = s.get(Commune, row.commune_code)
    assert commune is not None
    if previous is not None:
        token = rekey_device(s, previous, device_name, public_key, at, "http")
        previous.enrol_protocol = max(previous.enrol_protocol, enrol_protocol)
        return Enrolled(previous, token, commune, reenrolled=True)
    token = signing.new_token()
    device = Device(id=device_id, commune_code=commune.code, name=nfc(device_name)[:200] or "?",
                    public_key=public_key, token_hash=signing.token_hash(token),
                    token_expires_at=at + dt.timedelta(days=TOKEN_DAYS), enrolled_at=at, revoked=False,
                    held_reason="", enrol_protocol=enrol_protocol)
    s.add(device)
    audit(s, f"device:{device_id}", "device.enrol", commune.code, name=device.name)
    return Enrolled(device, token, commune)


def usable_code(s: Session, code: str, at: dt.datetime) -> EnrolmentCode:
    """The unspent, unexpired code row, or EnrolRefused."""
    row = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == signing.token_hash(_code_key(code))))
    if row is None or row.used_at is not None or row.expires_at <= at:
        raise EnrolRefused("unknown, used or expired enrolment code", vi=CODE_REFUSED_VI)
    return row


def spend(s: Session, row: EnrolmentCode, device_id: str, at: dt.datetime) -> None:
    """Mark the code used for `device_id`, atomically (a concurrent winner leaves rowcount 0: refused)."""
    spent = s.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=at, device_id=device_id)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        raise EnrolRefused("unknown, used or expired enrolment code", vi=CODE_REFUSED_VI)


def device_for_token(s: Session, token: str) -> Device | None:
    """The live device a bearer token belongs to, or None (unknown, expired or revoked)."""
    if not token:
        return None
    dev = s.scalar(select(Device).where(Device.token_hash == signing.token_hash(token)))
    if dev is None or dev.revoked or dev.token_expires_at <= now():
        return None
    return dev


def list_devices(s: Session) -> list[Device]:
    return list(s.scalars(select(Device).order_by(Device.commune_code, Device.enrolled_at)))


def revoke_device(s: Session, device_id: str) -> Device:
    dev = s.get(Device, device_id)
    if dev is None:
        raise AdminError(f"unknown device {device_id!r}", status=404, vi=f"Không có máy {device_id!r}.")
    dev.revoked = True
    audit(s, "admin", "device.revoke", dev.commune_code, device=device_id)
    return dev


def reinstate_device(s: Session, device_id: str) -> Device:
    """Lift a revocation (the laptop was found): only an admin does this; a re-enrolment never does."""
    dev = s.get(Device, device_id)
    if dev is None:
        raise AdminError(f"unknown device {device_id!r}", status=404, vi=f"Không có máy {device_id!r}.")
    if not dev.revoked:
        raise AdminError(f"device {device_id} is not revoked", status=409,
                         vi=f"Máy {device_id} không bị thu hồi: không có gì để mở lại.")
    dev.revoked = False
    audit(s, "admin", "device.reinstate", dev.commune_code, device=device_id)
    return dev


def count_rows(s: Session, model: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)

"""The national hub's side: one-time codes for province hubs, their enrolment (key pinned, our key bound to the
code as sync.hubkey does for laptops) and roll-up intake: idempotent by batch id, the highest revision per
(commune, day) kept, every commune only from its own province. All checks come before the first write."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from province import offline
from province.admin import code_key
from province.national import rollup, store
from province.national.models import NationalBatch, NationalCode, NationalProvince, NationalTarget
from province.national.rollup import RollupRefused
from sync import communes, hubkey, signing
from sync import offline as offline_files
from sync.protocol import body_hash

BINDING_DEVICE = "national"  # the binding's device id slot: the enrolling party is a hub, not a laptop


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _province(code: str) -> str:
    code = str(code).strip().lstrip("0") or "0"
    if code not in communes.provinces():
        raise RollupRefused(f"{code} is not a province code", vi=f"{code} không phải mã tỉnh.", status=422,
                            field="province")
    return code


def create_code(s: Session, province: str, days: int = 7) -> tuple[str, dt.datetime]:
    province = _province(province)
    if not 1 <= days <= 90:
        raise RollupRefused("--days must be between 1 and 90", vi="Số ngày hiệu lực (--days) phải từ 1 đến 90.")
    code = signing.new_enrolment_code()
    expires = now() + dt.timedelta(days=days)
    s.add(NationalCode(code_hash=signing.token_hash(code_key(code)), province_code=province, created_at=now(),
                       expires_at=expires))
    return code, expires


def binding(code_hash: str, national_key: str, province: str, province_key: str) -> str:
    return hubkey.binding(code_hash, national_key, BINDING_DEVICE, province, province_key)


def enrol(s: Session, body: Any) -> dict[str, Any]:
    """A province hub enrols: {province, code, hub_public_key}. The code is spent; the key is pinned."""
    if not isinstance(body, dict):
        raise RollupRefused("body must be an object", vi="Yêu cầu kết nối không hợp lệ.")
    province, code, key = body.get("province"), body.get("code"), body.get("hub_public_key")
    if not isinstance(key, str) or len(key) > 64 or not signing.valid_public_key(key):
        raise RollupRefused("hub_public_key is not an Ed25519 public key", vi="Khóa của máy chủ tỉnh không hợp lệ.",
                            field="hub_public_key")
    province = _province(str(province or ""))
    code_hash = signing.token_hash(code_key(code if isinstance(code, str) else "")[:64])
    return _spend(s, s.get(NationalCode, code_hash), province, key)


def enrol_by_proof(s: Session, body: Any) -> dict[str, Any]:
    """Enrolment by file: {province, hub_public_key, proof}; the proof is the HMAC of the other two keyed by
    the code's hash (sync.offline.proof, as a laptop's request file), so the code itself is never on the file."""
    if not isinstance(body, dict) or not isinstance(body.get("proof"), str):
        raise RollupRefused("not an enrolment request", vi="Tệp yêu cầu kết nối không hợp lệ.")
    key = body.get("hub_public_key")
    if not isinstance(key, str) or len(key) > 64 or not signing.valid_public_key(key):
        raise RollupRefused("hub_public_key is not an Ed25519 public key", vi="Khóa của máy chủ tỉnh không hợp lệ.",
                            field="hub_public_key")
    province = _province(str(body.get("province") or ""))
    payload = {"province": body.get("province"), "hub_public_key": key}
    codes = s.scalars(select(NationalCode).where(NationalCode.province_code == province).limit(1000))
    match = next((c for c in codes if hmac.compare_digest(offline_files.proof(c.code_hash, payload).encode(),
                                                          body["proof"].encode())), None)
    return _spend(s, match, province, key)


def request_proof(code: str, province: str, own_key: str) -> str:
    return offline_files.proof(signing.token_hash(code_key(code)[:64]),
                               {"province": province, "hub_public_key": own_key})


def _spend(s: Session, row: NationalCode | None, province: str, key: str) -> dict[str, Any]:
    """Spend the code, pin the key, answer our key bound to the code."""
    if row is None or row.used_at is not None or row.expires_at <= now() or row.province_code != province:
        raise RollupRefused("unknown, used or expired code for this province",
                            vi="Mã kết nối không đúng, đã dùng hoặc đã hết hạn cho tỉnh này.", status=403, field="code")
    code_hash = row.code_hash
    row.used_at = now()
    prov = s.get(NationalProvince, province)
    if prov is None:
        s.add(NationalProvince(province_code=province, public_key=key, enrolled_at=now()))
    else:  # a new code re-pins (a rebuilt province hub); the old key stops being believed
        prov.public_key, prov.enrolled_at = key, now()
    national_key = offline.ensure_hub_key(s)[1]
    return {"province": province, "national_public_key": national_key,
            "binding": binding(code_hash, national_key, province, key),
            "fingerprint": hubkey.fingerprint(national_key)}


def _unknown_hub() -> RollupRefused:
    return RollupRefused("unknown province hub: enrol it first with a one-time code (national enrol-code)",
                         vi="Máy chủ tỉnh chưa kết nối với máy chủ toàn quốc: cần mã kết nối một lần "
                            "(national enrol-code).", status=401, field="province")


@lru_cache(maxsize=1)
def province_of_commune() -> dict[str, str]:
    """The official register as commune → province (a dict: a batch checks thousands of rows)."""
    return {c.code: c.province_code for c in communes.all_communes()}


def _check_communes(province: str, rows: list[rollup.Row]) -> None:
    owners = province_of_commune()
    for r in rows:
        owner = owners.get(r.commune, "?")
        if owner != province:
            raise RollupRefused(
                f"commune {r.commune} belongs to province {owner}, not {province}: only its own province hub "
                "reports it", vi=f"Xã {r.commune} thuộc tỉnh {owner}, không thuộc tỉnh {province}: chỉ máy chủ tỉnh "
                "của xã mới được gửi số liệu xã đó. Không nhận lô này.", status=403, field="rows")


def _created(batch: dict[str, Any], at: dt.datetime) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(str(batch.get("created_at")))
    except ValueError:
        return at
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


def _put_targets(s: Session, prov: NationalProvince, targets: dict[str, dict[str, int]], made: dt.datetime) -> None:
    """The province's forwarded targets replace the ones held, unless these were made before them (a batch
    carried late by file after a newer one came online)."""
    if prov.targets_at is not None and made < prov.targets_at:
        return
    s.execute(delete(NationalTarget).where(NationalTarget.province_code == prov.province_code))
    values = [{"commune_code": c, "indicator": k, "province_code": prov.province_code, "value": v}
              for c, per in sorted(targets.items()) for k, v in sorted(per.items())]
    if values:
        s.execute(insert(NationalTarget), values)
    prov.targets_at = made


def take_batch(s: Session, wire: Any, raw: bytes | None = None) -> dict[str, Any]:
    """Check everything, then store; answer the signed receipt (the same one again for a repeated batch).
    `raw`: the body as received, whose signed bytes are used as they are when it is in canonical form."""
    province = rollup.province_of(wire)
    prov = s.get(NationalProvince, province)
    if prov is None:
        raise _unknown_hub()
    signed = rollup.verify(wire, prov.public_key, raw)
    batch_id = rollup.batch_id_of(wire["batch"])
    digest = body_hash(rollup.wire_bytes(wire, signed))
    seen = s.get(NationalBatch, (province, batch_id))
    if seen is not None:
        if seen.body_hash != digest:
            raise RollupRefused("this batch id was already received with other content",
                                vi="Mã lô này đã nhận với nội dung khác: không nhận.", status=409, field="batch_id")
        answer: dict[str, Any] = json.loads(seen.receipt_json)
        return {**answer, "duplicate": True}
    rows = rollup.rows_of(wire["batch"])[1]  # a batch already held was checked when it came: not again
    targets = rollup.targets_of(wire["batch"])
    _check_communes(province, [*rows, *(rollup.Row(c, dt.date.min, 1, False, {}) for c in targets or {})])
    at = now()
    stored, stale = store.store(s, province, batch_id, rows, at)
    prov.last_batch_at, prov.rollup_version = at, int(wire["batch"]["version"])
    if targets is not None:
        _put_targets(s, prov, targets, _created(wire["batch"], at))
    private = offline.ensure_hub_key(s)[0]
    receipt = rollup.sign_receipt(private, {"province": province, "batch_id": batch_id, "stored": stored,
                                            "stale": stale, "received_at": at.isoformat()})
    s.add(NationalBatch(province_code=province, batch_id=batch_id, body_hash=digest, received_at=at,
                        receipt_json=json.dumps(receipt)))
    return {**receipt, "duplicate": False}

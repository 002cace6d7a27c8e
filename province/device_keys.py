"""The keys a device had before a re-enrolment re-keyed it.

A laptop re-enrolled by file or online gets a new key pair; a bundle it wrote before (still on a stick, or a
copy carried later) is signed with the earlier key. That is the laptop's own work, not tampering: the hub
keeps every earlier key (`device_previous_keys`) and accepts a bundle signed with one for
`PREVIOUS_KEY_DAYS` after it was replaced; after that the refusal names the key and when it was replaced.
Online batches are always signed with the current key (the token belongs to it), so only bundles use this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.models import Device, DevicePreviousKey
from sync import hubkey, signing

PREVIOUS_KEY_DAYS = 60  # a stick written before a re-enrolment comes back within weeks, not months


@dataclass(frozen=True, slots=True)
class EarlierKey:
    public_key: str
    replaced_at: dt.datetime

    @property
    def accepted_until(self) -> dt.datetime:
        return self.replaced_at + dt.timedelta(days=PREVIOUS_KEY_DAYS)

    def describe(self) -> str:
        day = self.replaced_at.date()
        return (f"signed with an earlier key of this laptop ({hubkey.fingerprint(self.public_key)}), replaced on "
                f"{day.isoformat()} when it was re-enrolled (ký bằng khóa cũ của chính máy này, đã được thay ngày "
                f"{day.strftime('%d/%m/%Y')} khi máy kết nối lại)")


def remember(s: Session, dev: Device, at: dt.datetime) -> None:
    """Keep the key a re-enrolment is about to replace (called before the device gets its new key)."""
    if dev.public_key:
        s.add(DevicePreviousKey(device_id=dev.id, public_key=dev.public_key, replaced_at=at))


def earlier_keys(s: Session, device_id: str) -> list[EarlierKey]:
    rows = s.scalars(select(DevicePreviousKey).where(DevicePreviousKey.device_id == device_id)
                     .order_by(DevicePreviousKey.replaced_at.desc()).limit(20))
    return [EarlierKey(r.public_key, r.replaced_at) for r in rows]


def signed_by(keys: list[EarlierKey], body: bytes, signature: str) -> EarlierKey | None:
    """The earlier key a signature verifies with, if any."""
    return next((k for k in keys if signing.verify(k.public_key, body, signature)), None)

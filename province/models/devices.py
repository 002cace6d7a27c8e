"""Enrolled laptops and the one-time codes that enrol them. Secrets are stored only as SHA-256 hashes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(String(100))  # base64 raw Ed25519
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Held for the admin (0008): why, in words ("" = not held). A held device's batches are refused (nothing
    # stored, nothing summed) until the admin approves it (province/held.py).
    held_reason: Mapped[str] = mapped_column(String(300), server_default="")
    # The enrolment protocol the laptop spoke (sync.protocol.ENROL_PROTOCOL): 1 = an older laptop that cannot
    # say it was restored from a backup, so its content is watched instead (province/held.py).
    enrol_protocol: Mapped[int] = mapped_column(Integer, server_default="1")


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # A replacement code (0008): the laptop that enrols with it becomes this device's successor.
    replaces_device_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class DevicePreviousKey(Base):
    """A public key a device had before a re-enrolment re-keyed it: a bundle written before the
    re-enrolment and carried after it is still the device's own work — accepted while the key is recent,
    refused by name (never as "tampered") after that."""

    __tablename__ = "device_previous_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(100))  # base64 raw Ed25519
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DeviceSuccession(Base):
    """One laptop replaced by its successor under the same device id (province/replacement.py): the old
    token's hash and key are kept so the old laptop, if it reappears, is refused with words, not a bare 401."""

    __tablename__ = "device_successions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(32), index=True)
    old_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    old_public_key: Mapped[str] = mapped_column(String(100))
    old_name: Mapped[str] = mapped_column(String(200))
    successor_name: Mapped[str] = mapped_column(String(200))
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

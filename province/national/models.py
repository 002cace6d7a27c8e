"""The national tables (migration 0012_national). Every hub has them; a national hub fills the `national_*`
intake tables, a province hub its outbox (`national_outbox`, `national_pending`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from province.models.base import Base, UTCDateTime


class NationalCode(Base):
    """A one-time code for a province hub (only its hash is kept), good for one province."""

    __tablename__ = "national_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NationalProvince(Base):
    """An enrolled province hub: its pinned public key, and when it last sent."""

    __tablename__ = "national_provinces"

    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_batch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NationalBatch(Base):
    """The idempotency record of a roll-up batch: the same id again gets the same receipt, nothing stored."""

    __tablename__ = "national_batches"

    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    receipt_json: Mapped[str] = mapped_column(Text)


class NationalCommuneDay(Base):
    """One commune's figures for one day as its province hub last reported them (highest revision wins).
    Keyed by (commune, day) alone: a commune can be stored once, whichever way it arrived."""

    __tablename__ = "national_commune_days"

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    provisional: Mapped[int] = mapped_column(Integer)
    values_json: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class NationalOutbox(Base):
    """Province side: the revision and content hash last put in a batch for (commune, day)."""

    __tablename__ = "national_outbox"

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class NationalPending(Base):
    """Province side: a composed, signed batch not yet acknowledged; sent again, byte for byte, until it is."""

    __tablename__ = "national_pending"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    wire_json: Mapped[str] = mapped_column(Text)


class NationalCommuneTotal(Base):
    """National side: one commune's running totals (counts per indicator, days, provisional days, first and
    last day), kept at intake (province.national.store) so the national page never sums every commune-day."""

    __tablename__ = "national_commune_totals"

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), index=True)
    values_json: Mapped[str] = mapped_column(Text)
    days: Mapped[int] = mapped_column(Integer)
    provisional_days: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_revision: Mapped[int] = mapped_column(Integer)

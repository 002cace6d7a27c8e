"""The national tables (migrations 0012_national, 0013_national_totals, 0017_national_v2). Every hub has them; a national hub fills the `national_*`
intake tables, a province hub its outbox (`national_outbox`, `national_pending`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, String, Text
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
    rollup_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # of its last batch
    targets_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  # its targets' batch time


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
    __table_args__ = (Index("ix_national_commune_days_province_day", "province_code", "day"),)

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8))
    revision: Mapped[int] = mapped_column(Integer)
    provisional: Mapped[int] = mapped_column(Integer)
    values_json: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # format 2: expected laptops, on time / late by channel, missing (province.national.completeness); NULL
    # for a format-1 province hub, or a day it sent no completeness for
    completeness_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class NationalOutbox(Base):
    """Province side: the revision and content hash last put in a batch for (commune, day)."""

    __tablename__ = "national_outbox"

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))  # of the figures ("" : none, completeness only)
    completeness_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


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


class NationalTarget(Base):
    """National side: a target a province hub forwarded (format 2) for one of its communes and an indicator;
    a province's whole set is replaced by the next batch that carries targets."""

    __tablename__ = "national_targets"

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), index=True)
    value: Mapped[int] = mapped_column(Integer)

"""What arrived: batches (the idempotency record) and reports.

A report is the work of one device (laptop): `report_villages` holds one row per (commune, point, day,
device) at that device's highest revision — its revision, content hash, a total per indicator and the village
breakdown. A commune's or point's figure is the sum over its devices (0004). One store per report (0006:
the per-indicator copy `report_values` was dropped).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync import indicators

from .base import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Batch(Base):
    __tablename__ = "batches"

    # Scoped by device (0003): one device can neither claim nor block another device's batch id.
    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(32), index=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    summary_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # http / bundle
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ReportVillage(Base):
    __tablename__ = "report_villages"
    __table_args__ = (
        UniqueConstraint("commune_code", "point_code", "day", "device_id", name="uq_report_villages_device_key"),
        Index("ix_report_villages_day_commune", "day", "commune_code"),
        Index("ix_report_villages_device_day", "device_id", "day", "received_at"),  # a laptop as of a day (0016)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    point_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[dt.date] = mapped_column(Date)
    device_id: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    breakdown_json: Mapped[str] = mapped_column(Text)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[str] = mapped_column(String(36))
    card_captured: Mapped[int] = mapped_column(Integer)
    vneid_l2_captured: Mapped[int] = mapped_column(Integer)
    vneid_activated: Mapped[int] = mapped_column(Integer)
    attended: Mapped[int] = mapped_column(Integer)
    no_show: Mapped[int] = mapped_column(Integer)
    # One column per indicator of the registry (sync/indicators.py). The five above are the migrated schema;
    # an indicator added to the registry gets its column here by the loop below and in the database by a
    # migration (recipe: province/indicator_storage.py; tests/province/test_indicator_storage.py names it).


for _key in indicators.KEYS:
    if _key not in ReportVillage.__table__.c:
        setattr(ReportVillage, _key, mapped_column(_key, Integer, nullable=False, server_default="0"))


class CommuneTotal(Base):
    """Running cumulative total per (commune, indicator), kept by intake in the same transaction as the
    values (an update adds new − old), so the dashboard reads 5 rows per commune instead of summing every
    report. Always equal to the sum of report_villages per (commune, indicator) (tested)."""

    __tablename__ = "commune_totals"

    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class CommuneFreshness(Base):
    """Per commune: first and last day reported and when the last report arrived (kept by intake)."""

    __tablename__ = "commune_freshness"

    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DeviceFreshness(Base):
    """Per device (laptop) of a commune: first and last day reported and when its last report arrived (kept
    by intake), so the dashboard can name a laptop that has gone silent while the others report."""

    __tablename__ = "device_freshness"

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True, index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what on the hub: enrolments, admin commands, accepted batches (never refusals' payloads)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "admin", "device:<id>", "bundle"
    action: Mapped[str] = mapped_column(String(40))
    commune_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")

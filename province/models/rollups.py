"""Roll-ups intake keeps in the report's own transaction, so a view of any day reads a few thousand small rows
instead of every report: per (commune, day) and per (commune, month) the signed figures summed over the
commune's laptops and points (with the month's last day and the latest arrival), per (laptop, month) its
last day and latest arrival, `day_counters`, bumped per changed day by every intake that changes figures, and
`intake_counters`, bumped by every other intake and every audited change, so a result kept in the process
(dashboard/stamped.py) is recomputed as soon as anything it read may have changed. Day codes (provisional figures) are few and stay in `phone_reports`, read as they are.

Each roll-up always equals a recomputation from `report_villages` (tests/province/test_rollups.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync import indicators

from .base import Base, UTCDateTime

COUNTER_SHARDS = 16  # rows of intake_counters: concurrent deliveries of different communes rarely wait on one


class CommuneDay(Base):
    """A commune's signed figures for one day (the sum over its laptops and points), the first arrival of a
    report for the day (never raised by a later revision) and the latest arrival among them. A revision adds
    new − old."""

    __tablename__ = "commune_days"
    __table_args__ = (Index("ix_commune_days_commune_day", "commune_code", "day"),)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the first report's arrival, kept
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CommuneMonth(Base):
    """A commune's signed figures for one calendar month (`month` = its first day), the last day of the month
    it reported and the latest arrival among them: the cumulative figure as of any day is its months before
    plus its days of that month."""

    __tablename__ = "commune_months"
    __table_args__ = (Index("ix_commune_months_month", "month"),)

    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_day: Mapped[dt.date] = mapped_column(Date)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DeviceMonth(Base):
    """A laptop's last day reported in one calendar month and the latest arrival among them."""

    __tablename__ = "device_months"
    __table_args__ = (Index("ix_device_months_commune", "commune_code", "month"),)

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(32))
    last_day: Mapped[dt.date] = mapped_column(Date)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class IntakeCounter(Base):
    """Bumped (+1) in the transaction of every audited change and every intake that changes no day's figures
    (the others bump `day_counters`); the sum over the shards
    changes at each commit, in commit order (a row lock per shard), which a maximum of arrival times did not
    (a delivery that committed after a later-stamped one left it unchanged)."""

    __tablename__ = "intake_counters"

    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class DayCounter(Base):
    """Bumped (+1) by every intake that changes a day's signed figures, per changed day (and the commune's
    shard, so deliveries of one day rarely wait on one row): a view of a past day (dashboard/stamped.py) is
    kept while later days' reports arrive, and recomputed when a report of a day up to it arrives."""

    __tablename__ = "day_counters"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


for _key in indicators.KEYS:
    for _model in (CommuneDay, CommuneMonth):
        setattr(_model, _key, mapped_column(_key, BigInteger, nullable=False, server_default="0"))

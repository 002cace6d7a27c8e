"""What the steering committee's views read, kept small so any day answers fast: the first arrival of each
laptop's report for a day by each channel (written by intake in the report's own transaction, by the day-code
entry and, through intake, by the bundle import), the province's working-day calendar and the responsible
leader named per commune (both set by the admin, audited)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

NETWORK, USB, PHONE = "network", "usb", "phone"
CHANNELS = (NETWORK, USB, PHONE)


class Arrival(Base):
    """The first arrival of (device, day) by one channel: a network batch, a bundle (its import time) or a
    day code typed in. Never updated: a later delivery of the same day by the same channel leaves it."""

    __tablename__ = "arrivals"
    __table_args__ = (Index("ix_arrivals_day", "day"), Index("ix_arrivals_commune_day", "commune_code", "day"))

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(32))
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CalendarDay(Base):
    """A day that departs from Monday–Friday: a holiday (working = False) or a make-up working day."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), server_default="")


class CommuneLeader(Base):
    """The leader who answers for a commune's reporting, as the admin named them (optional)."""

    __tablename__ = "commune_leaders"

    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))

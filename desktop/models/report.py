"""Closed days (revisioned aggregate reports), the outbox that carries them, and targets from the hub."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class DayReport(Base):
    """One revision of a closed day's counts for a point; a correction is a new revision, never an edit."""

    __tablename__ = "day_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[dt.date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    totals_json: Mapped[str] = mapped_column(Text)  # {"card_captured": n, ...} plus per-village breakdown
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))

    __table_args__ = (UniqueConstraint("point_code", "day", "revision", name="uq_day_reports_rev"),)


class OutboxItem(Base):
    """A report waiting to reach the hub; marked sent only from the hub's import summary."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("day_reports.id"), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    enqueued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # written to a USB bundle, no receipt yet
    confirmed_via: Mapped[str] = mapped_column(String(16), default="", server_default="")  # network / receipt


class Target(Base):
    """A province target for this commune, kept for offline use by progress and reports."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32), unique=True)
    value: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class VillageTarget(Base):
    """A target the commune sets for one of its villages (optional; the province sets only the commune's)."""

    __tablename__ = "village_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_key: Mapped[str] = mapped_column(Text)  # folded, as citizens.village_key
    village: Mapped[str] = mapped_column(Text)  # display name as the commune typed it
    indicator: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("village_key", "indicator", name="uq_village_targets_key_indicator"),)

"""Append-only status events: the citizen's current status is derived from these, never overwritten."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class StatusEvent(Base):
    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="RESTRICT"), index=True)
    event_type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)  # when it happened at the point (local)
    occurred_on: Mapped[dt.date] = mapped_column(Date)  # its day, for day close
    point_id: Mapped[int | None] = mapped_column(ForeignKey("points.id"))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    appointment_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)  # when it was typed in
    # An `undo` event names the mark it compensates (history stays append-only; replays skip both).
    undoes_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Peer sync: global id and the laptop that made the record; NULL until first stamped.
    gid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    origin: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_status_events_day", "occurred_on", "point_id", "event_type"),)

"""Enrollment sessions at points, and appointments in their time slots."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class EnrollmentSession(Base):
    __tablename__ = "enrollment_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("points.id"))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    kits: Mapped[int] = mapped_column(Integer, default=1)
    minutes_per_person: Mapped[int] = mapped_column(Integer, default=5)
    state: Mapped[str] = mapped_column(String(16), default="planned")  # planned / open / done / cancelled
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Peer sync: global id and the laptop that made the record; NULL until first stamped.
    gid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    origin: Mapped[str | None] = mapped_column(String(32))

    @property
    def capacity_per_slot(self) -> int:
        return max(1, self.kits * (self.slot_minutes // max(1, self.minutes_per_person)))


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # opaque; the slip's QR holds only this
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("enrollment_sessions.id"), index=True)
    slot_start: Mapped[dt.time] = mapped_column(Time)
    purpose: Mapped[str] = mapped_column(String(8), default="card")  # card / vneid / both
    state: Mapped[str] = mapped_column(String(16), default="booked")  # booked/attended/no_show/moved/cancelled
    rescheduled_from_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Peer sync: global id and the laptop that made the record; NULL until first stamped.
    gid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    origin: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_appointments_slot", "session_id", "slot_start"),)

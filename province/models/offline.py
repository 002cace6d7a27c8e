"""What a commune with no link sends by other means: day codes read over the phone (provisional figures
until the signed report arrives) and the receipts given back for imported bundles."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime
from .reports import BigId


class PhoneReport(Base):
    """The latest day code received for (commune, point, day, device): provisional figures ("tạm, qua điện
    thoại"), superseded on display once a signed report of that revision or later is stored."""

    __tablename__ = "phone_reports"
    __table_args__ = (UniqueConstraint("commune_code", "point_code", "day", "device_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    point_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[dt.date] = mapped_column(Date)
    device_id: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    totals_json: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    entered_by: Mapped[str] = mapped_column(String(64))


class BundleReceipt(Base):
    """A signed receipt made by a bundle import, kept so the dashboard can offer it for download."""

    __tablename__ = "bundle_receipts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, unguessable
    device_id: Mapped[str] = mapped_column(String(32), index=True)
    commune_code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    document: Mapped[str] = mapped_column(Text)

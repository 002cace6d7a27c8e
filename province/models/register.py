"""The province's register: communes (from the official 2025 list or added by hand) and their targets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Commune(Base):
    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(32), index=True)
    province_name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Target(Base):
    """A province target for one commune and indicator (cumulative count to reach by the deadline)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("commune_code", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

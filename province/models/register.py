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


class TargetSet(Base):
    """A named target for one indicator with its own deadline ("Chỉ tiêu đợt 1, hạn 30/6"); several may run
    at once. Its per-commune figures are `TargetSetValue` rows. The laptops still get one target per
    indicator: the nearest open deadline (province.target_sets.for_laptop)."""

    __tablename__ = "target_sets"
    __table_args__ = (UniqueConstraint("name", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    indicator: Mapped[str] = mapped_column(String(40))
    deadline: Mapped[dt.date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(20), default="")  # what the denominator counts: eligible / population


class TargetSetValue(Base):
    """One commune's target count in a set and its denominator (eligible citizens or population), if given."""

    __tablename__ = "target_set_values"
    __table_args__ = (UniqueConstraint("set_id", "commune_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("target_sets.id", ondelete="CASCADE"))
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer, nullable=True)

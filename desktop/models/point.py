"""Enrollment points: the commune office and mobile points (village halls, schools, landings)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Point(Base):
    __tablename__ = "points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="mobile")  # office / mobile / home
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Peer sync: global id and the laptop that made the record; NULL until first stamped.
    gid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    origin: Mapped[str | None] = mapped_column(String(32))

"""Login rate limits and lockouts shared by every hub process (uvicorn workers, several machines): one row
per key, written only by province.throttle_store under a row lock. Counts and times only: no password, no
personal data; rows whose `expires` has passed mean nothing and are pruned."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class LoginThrottle(Base):
    """key: `a:<address>` (token bucket: tokens, at), `p:<address>|<account>` (failures in a row: count,
    locked `until`), `u:<account>` (failures from anywhere: count). Times are Unix seconds."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    tokens: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[float] = mapped_column(Float, default=0.0)
    until: Mapped[float] = mapped_column(Float, default=0.0)
    expires: Mapped[float] = mapped_column(Float, default=0.0, index=True)

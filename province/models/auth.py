"""Dashboard accounts, their server-side sessions and one-time login links, and the hub's own settings
(the session-signing secret). Secrets are stored only as hashes (passwords: scrypt; session ids and login
link tokens: SHA-256); the server secret lives in the database, never in a file or a log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class HubSetting(Base):
    __tablename__ = "hub_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class HubUser(Base):
    """A province dashboard account. role: viewer (dashboard, exports), admin (also uploads, codes, devices) or
    leader (a viewer of named communes who opens on "my localities"). Scope (province/scope.py): a province
    code and/or a comma-separated list of commune codes; both empty = the whole hub (accounts made before
    the scope existed stay so)."""

    __tablename__ = "hub_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # scrypt$n$r$p$salt_b64$hash_b64
    role: Mapped[str] = mapped_column(String(16))
    province_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    communes: Mapped[str | None] = mapped_column(Text, nullable=True)  # "22736,22737"
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class HubSession(Base):
    """A dashboard login. The cookie carries the session id (signed); only its SHA-256 is stored, so a
    database dump gives no usable session, and logout / `user disable` end it at once."""

    __tablename__ = "hub_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("hub_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class LoginLink(Base):
    """A short-lived, single-use login URL (`user login-link`) for kiosk screens."""

    __tablename__ = "hub_login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("hub_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

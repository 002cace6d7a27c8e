"""A citizen of the commune register. Text is stored NFC; folded and collation keys sit beside it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Citizen(Base):
    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    old_cmnd: Mapped[str | None] = mapped_column(String(9))
    full_name_raw: Mapped[str] = mapped_column(Text, default="")  # as typed or imported
    full_name: Mapped[str] = mapped_column(Text)  # NFC, single spaces
    family_name: Mapped[str] = mapped_column(Text, default="")
    middle_name: Mapped[str] = mapped_column(Text, default="")
    given_name: Mapped[str] = mapped_column(Text, default="")
    name_key: Mapped[str] = mapped_column(Text)  # folded full name
    given_key: Mapped[str] = mapped_column(Text, index=True)  # folded given name
    sort_given: Mapped[str] = mapped_column(Text, index=True)  # collation key, given name first
    sort_family: Mapped[str] = mapped_column(Text, index=True)  # collation key, family name first
    birth_date: Mapped[dt.date | None] = mapped_column(Date)  # full date when known
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(1))  # 'M' / 'F'
    village: Mapped[str] = mapped_column(Text, default="")
    village_key: Mapped[str] = mapped_column(Text, default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    needs_home_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    elderly: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    card_issued_on: Mapped[dt.date | None] = mapped_column(Date)  # current chip card, if known
    # History from elsewhere (an imported list): a card held, the VNeID stage reached (0, 2 or 3). They seed
    # the state events start from and count in no indicator (see statuses.initial_state).
    card_known: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    vneid_known: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    note: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded name, id, phone, village (FTS source)
    possible_duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("citizens.id", ondelete="SET NULL"))
    # Cache of the state derived from status events; rebuilt by services.statuses.rebuild_state().
    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    has_card: Mapped[bool] = mapped_column(Boolean, default=False)
    vneid_stage: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 none,1 captured,2 approved,3 activated
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Peer sync: global id and the laptop that made the record; NULL until first stamped.
    gid: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    origin: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_citizens_match", "name_key", "birth_year", "village_key"),)

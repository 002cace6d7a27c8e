"""Rankings as published at a day's cut-off (`rankings publish`), never rewritten: a later report changes the
live figure and the page marks the commune "đã điều chỉnh", but the published place stays. And the admin's
grouping of communes (former districts, clusters) that filters a ranking."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class PublishedRank(Base):
    """One commune's place in one target set's ranking for one day, with the figures it was ranked on."""

    __tablename__ = "published_ranks"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("target_sets.id", ondelete="CASCADE"), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    place: Mapped[int] = mapped_column(Integer)
    have: Mapped[int] = mapped_column(Integer)  # cumulative count at publication
    of: Mapped[int] = mapped_column(Integer)  # denominator (or the target when the set gave none)
    target: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CommuneGroup(Base):
    """A commune's membership of an admin-defined group (imported as a whole from a CSV `group,commune_code`)."""

    __tablename__ = "commune_groups"

    group_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)

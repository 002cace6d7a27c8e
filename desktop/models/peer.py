"""Peer sync between a commune's laptops: the change log, per-row field clocks, paired laptops, conflicts.

`peer_log` is the one source of truth that travels: every change a laptop makes to a shared record becomes
one entry keyed by (origin device, sequence), stamped with a hybrid logical clock. Replication is the union
of logs; the tables the app reads are rebuilt from it by the merge rules in desktop/services/peer/merge.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PeerLog(Base):
    __tablename__ = "peer_log"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    hlc: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(16))
    gid: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)  # JSON: the fields this change set
    applied: Mapped[bool] = mapped_column(Boolean, default=True, index=True)  # False: waits for a record it names


class PeerRow(Base):
    """Per shared row: each field's clock and a hash of its value when last stamped or merged."""

    __tablename__ = "peer_rows"

    gid: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[int] = mapped_column(Integer)
    fields: Mapped[str] = mapped_column(Text, default="[[],{}]")  # [[hlc, …], {"field": [hlc index, crc32]}]

    __table_args__ = (Index("ix_peer_rows_row", "entity", "row_id", unique=True),)


class PeerPending(Base):
    """Rows the app wrote since the last stamp (filled by triggers, emptied by services.peer.stamp)."""

    __tablename__ = "peer_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    row_id: Mapped[int] = mapped_column(Integer)


class PeerAlias(Base):
    """A citizen known under two global ids (same ID number made on two laptops): the other → canonical."""

    __tablename__ = "peer_alias"

    gid: Mapped[str] = mapped_column(String(36), primary_key=True)
    canonical: Mapped[str] = mapped_column(String(36))


class PeerDevice(Base):
    """Another laptop of the commune's group, as last heard from."""

    __tablename__ = "peer_devices"

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_vv: Mapped[str] = mapped_column(Text, default="{}")  # what it held then: {origin: seq}
    via: Mapped[str] = mapped_column(String(8), default="")  # lan / file


class PeerQuarantine(Base):
    """An entry from another laptop with a field that failed its check (services/peer/fields.py): kept aside
    with the reason, never merged; its peer_log row keeps the sender's sequence without a hole."""

    __tablename__ = "peer_quarantine"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    gid: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)  # "<field>: <why>", Vietnamese, never the value
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class PeerSigner(Base):
    """A laptop's public signing key as first seen (trust on first use: services/peer/signing.py). A different
    key offered later for the same device id is kept in `changed_key` as an alarm, never used."""

    __tablename__ = "peer_signers"

    device_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # Ed25519, hex
    base: Mapped[int] = mapped_column(Integer)  # its highest sequence before it signed (unsigned history)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    via: Mapped[str] = mapped_column(String(32))  # "self", or the laptop whose roster told it
    changed_key: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PeerChain(Base):
    """A signed checkpoint of one laptop's change log: the hash chain over its entries 1..seq, signed by it."""

    __tablename__ = "peer_chain"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[str] = mapped_column(String(64))  # SHA-256, hex
    sig: Mapped[str] = mapped_column(String(128))  # Ed25519 over (origin, seq, chain), hex


class PeerConflict(Base):
    """Something the merge kept both sides of and the officer should look at (listed in Vietnamese)."""

    __tablename__ = "peer_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # kind + ids: one row per conflict
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class PeerSeen(Base):
    """Ids of peer files and LAN requests already accepted: a replay is refused."""

    __tablename__ = "peer_seen"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime)

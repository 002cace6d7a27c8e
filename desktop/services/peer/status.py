"""What the "Máy trong xã" panel and `peer status` show: this laptop, its group, paired laptops, conflicts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import config
from desktop.changes import Changes, declares
from desktop.models import PeerConflict, PeerDevice, PeerLog, PeerQuarantine
from desktop.services.peer import changes
from desktop.services.peer.ids import device_id, device_name
from desktop.settings_keys import KEY_GROUP_ID


@dataclass(frozen=True)
class PeerView:
    device_id: str
    name: str
    last_sync_at: dt.datetime | None
    via: str
    waiting: int  # entries this laptop holds that it had not got when last heard from


@dataclass(frozen=True)
class PeerStatus:
    device_id: str
    device_name: str
    group_id: str
    peers: list[PeerView] = field(default_factory=list)
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)  # id, kind, detail (Vietnamese)
    waiting_entries: int = 0  # received entries that wait for a record they name
    # entries kept aside (a field failed its check): (laptop name, kind of record, "<field>: <why>")
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)


def peer_status(session: Session) -> PeerStatus:
    peers = [
        PeerView(p.device_id, p.name, p.last_sync_at, p.via, changes.count_after(session, json.loads(p.last_vv)))
        for p in session.scalars(select(PeerDevice).order_by(PeerDevice.name))
    ]
    conflicts = [(c.id, c.kind, c.detail) for c in session.scalars(
        select(PeerConflict).where(PeerConflict.resolved.is_(False)).order_by(PeerConflict.id))]
    waiting = len(session.scalars(select(PeerLog.seq).where(PeerLog.applied.is_(False))).all())
    names = {p.device_id: p.name for p in peers}
    quarantined = [(names.get(q.origin) or f"Máy {q.origin[:4].upper()}", q.entity, q.reason)
                   for q in session.scalars(select(PeerQuarantine).order_by(PeerQuarantine.created_at,
                                                                            PeerQuarantine.origin, PeerQuarantine.seq))]
    return PeerStatus(device_id(session), device_name(session), config.get(session, KEY_GROUP_ID), peers,
                      conflicts, waiting, quarantined)


@declares(Changes(settings=True))
def resolve_conflict(session: Session, conflict_id: int) -> None:
    row = session.get(PeerConflict, conflict_id)
    if row is not None:
        row.resolved = True
        session.flush()

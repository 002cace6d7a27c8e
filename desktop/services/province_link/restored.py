"""A database restored from a backup remembers it: which hub device the backup belonged to and
when it was restored.

A backup carries the data (with `hub.device_id`) but not the keyring, so the restored laptop is not that
device until the province says so with a replacement code (desktop/services/province_link/succession.py). Until then: its
`connect` tells the hub it was restored (a new device saying so is held for the admin), and days closed
before the restore are not sent again as this laptop's own work.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from desktop import config
from desktop.settings_keys import (
    KEY_FORMER_IDS,
    KEY_HUB_DEVICE_ID,
    KEY_RESTORED_AT,
    KEY_RESTORED_FROM,
    KEY_RESTORED_PEER,
    KEY_SUCCEEDED_PEERS,
)
from desktop.storage.db import Database


def mark(db: Database, now: dt.datetime | None = None) -> dict[str, str]:
    """Called right after a restore (CLI `restore`): remember the backup's device and the time, and give the
    database its own group identity.

    Why a new peer id at once: the laptop the backup came from may have written more entries under its id
    after the backup (the other laptops hold them); writing under the same id again would make two different
    entries with one (id, sequence) — a clone. The restored entries keep their old id (they are that laptop's
    and identical to what the others hold), new work goes under the new id, and the old laptop's later entries
    arrive from the others as any laptop's. Whether the old laptop's events count in this laptop's day close is
    decided by the province: only a successor counts them (succession.counting_origins)."""
    from desktop.services.peer.ids import KEY_PEER_DEVICE_ID as KEY_PEER_ID
    from desktop.services.peer.ids import device_id

    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    with db.session() as s:
        # Changes the backup's laptop had not logged yet are NOT logged under its id here: that laptop may have
        # logged them itself after the backup, under the same sequence numbers with other clock values (a
        # clone). They are logged under the new id at the next stamp (records keep their global ids).
        device, peer = config.get(s, KEY_HUB_DEVICE_ID), device_id(s)
        config.put(s, KEY_RESTORED_FROM, device)
        config.put(s, KEY_RESTORED_AT, when.isoformat())
        config.put(s, KEY_RESTORED_PEER, peer)
        config.put(s, KEY_PEER_ID, uuid.uuid4().hex)
        former = [x for x in config.get(s, KEY_FORMER_IDS).split(",") if x]
        config.put(s, KEY_FORMER_IDS, ",".join([*former, peer]))
        if not device:  # never connected: nobody else will ever report the backup laptop's events — this one does
            counted = [x for x in config.get(s, KEY_SUCCEEDED_PEERS).split(",") if x]
            config.put(s, KEY_SUCCEEDED_PEERS, ",".join(dict.fromkeys([*counted, peer])))
    return {"restored_from_device": device, "restored_at": when.isoformat(), "restored_from_peer": peer}




def restored_peer(s: Session) -> str:
    return config.get(s, KEY_RESTORED_PEER)


def restored_from(s: Session) -> str:
    """The hub device id the backup belonged to ("" when not restored or never connected)."""
    return config.get(s, KEY_RESTORED_FROM)


def restored_at(s: Session) -> dt.datetime | None:
    text = config.get(s, KEY_RESTORED_AT)
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None

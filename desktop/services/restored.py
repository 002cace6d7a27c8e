"""A database restored from a backup remembers it (issue 18 §1): which hub device the backup belonged to and
when it was restored.

A backup carries the data (with `hub.device_id`) but not the keyring, so the restored laptop is not that
device until the province says so with a replacement code (desktop/services/succession.py). Until then: its
`connect` tells the hub it was restored (a new device saying so is held for the admin), and days closed
before the restore are not sent again as this laptop's own work.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from desktop import config
from desktop.storage.db import Database

KEY_RESTORED_FROM = "restore.from_device"  # the hub device id in the backup ("" when it was never connected)
KEY_RESTORED_AT = "restore.at"  # naive UTC ISO: reports closed at or before it are the backup's laptop's work
KEY_HUB_DEVICE = "hub.device_id"  # hub_link.KEY_DEVICE_ID (not imported: hub_link loads the sync client)


def mark(db: Database, now: dt.datetime | None = None) -> dict[str, str]:
    """Called right after a restore (CLI `restore`): remember the backup's device and the time."""
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    with db.session() as s:
        device = config.get(s, KEY_HUB_DEVICE)
        config.put(s, KEY_RESTORED_FROM, device)
        config.put(s, KEY_RESTORED_AT, when.isoformat())
    return {"restored_from_device": device, "restored_at": when.isoformat()}


def restored_from(s: Session) -> str:
    """The hub device id the backup belonged to ("" when not restored or never connected)."""
    return config.get(s, KEY_RESTORED_FROM)


def restored_at(s: Session) -> dt.datetime | None:
    text = config.get(s, KEY_RESTORED_AT)
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None

"""Global ids, this laptop's device id and its hybrid logical clock (HLC).

- A device id is 32 random hex digits made once per database (settings `peer.device_id`; the migration
  made it for databases that existed before).
- A citizen with an ID number has gid uuid5(commune, ID number): two laptops that import the same list
  make the same gid and the records merge instead of doubling. A point's gid comes from its code the same
  way. Every other record gets a UUID v7 (time-ordered, random), monotonic inside this process.
- The HLC (hlc.py) is "<13-digit ms>.<5-digit counter>.<device>": compared as text it orders changes so
  that a laptop whose wall clock is behind still moves forward after it has seen a newer change, and two
  changes at the same instant are ordered by device id. It never goes backwards (settings `peer.hlc`).
"""

from __future__ import annotations

import os
import threading
import time
import uuid

from sqlalchemy.orm import Session

from desktop import config
from desktop.services.peer.hlc import HLC
from desktop.settings_keys import KEY_DEVICE_NAME, KEY_HLC, KEY_PEER_DEVICE_ID

# Same namespace as migration 0005: changing it would split every citizen in two.
CITIZEN_NAMESPACE = uuid.UUID("6f1b6a52-27c1-4b8e-9a57-0c7d3f1e9a10")

_lock = threading.Lock()
_last_v7 = [0, 0]  # ms, counter


def uuid7() -> str:
    """A UUID v7: 48-bit ms time, then a 12-bit counter (monotonic inside the process), then random."""
    with _lock:
        ms = int(time.time() * 1000)
        if ms <= _last_v7[0]:
            ms, counter = _last_v7[0], _last_v7[1] + 1
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
        else:
            counter = 0
        _last_v7[0], _last_v7[1] = ms, counter
    rnd = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = ((ms & ((1 << 48) - 1)) << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rnd
    return str(uuid.UUID(int=value))


def citizen_gid(commune_code: str, id_number: str) -> str:
    return str(uuid.uuid5(CITIZEN_NAMESPACE, f"{commune_code}:{id_number}"))


def point_gid(commune_code: str, code: str) -> str:
    return str(uuid.uuid5(CITIZEN_NAMESPACE, f"point:{commune_code}:{code}"))


def device_id(session: Session) -> str:
    """This database's device id, made on first use (a database created at the current head)."""
    dev = config.get(session, KEY_PEER_DEVICE_ID)
    if not dev:
        dev = uuid.uuid4().hex
        config.put(session, KEY_PEER_DEVICE_ID, dev)
    return dev


def device_name(session: Session) -> str:
    return config.get(session, KEY_DEVICE_NAME) or f"Máy {device_id(session)[:4].upper()}"


# --- hybrid logical clock (rules and representation: hlc.py) ---------------------------------------------


class Clock:
    """The HLC of one database inside one transaction: `tick()` for a local change, `observe()` a remote one.

    Load it, use it, `save()` it in the same transaction (the stored value only ever grows).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.device = device_id(session)
        self._hlc = HLC(self.device, config.get(session, KEY_HLC) or None)
        self._dirty = False

    def tick(self, now_ms: int | None = None) -> str:
        self._dirty = True
        return self._hlc.tick(now_ms)

    def observe(self, remote: str) -> bool:
        """False (and the clock unchanged) for a stamp implausibly far ahead of this laptop's wall clock."""
        before = (self._hlc.ms, self._hlc.counter)
        adopted = self._hlc.observe(remote)
        self._dirty = self._dirty or (self._hlc.ms, self._hlc.counter) != before
        return adopted

    def save(self) -> None:
        if self._dirty:
            config.put(self.session, KEY_HLC, self._hlc.text())
            self._dirty = False

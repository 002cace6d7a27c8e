"""What a clone left behind on the other laptops, and how every laptop gets rid of it .

Two databases under one device id X part at sequence k: from k on each writes its own (X, k), (X, k+1)…
A third laptop that holds one copy's (X, k) believes it holds "X up to k" and will never take the other
copy's (X, k): an entry withheld without a word. Two rules close that:

- Tips: each side of a LAN sync sends, per origin, its highest entry (seq, clock, gid); the other compares
  it with what it holds under that number (clones.check). Two contents under one (origin, seq) refuse the
  sync with words (the CLI exits 2), never "gửi 0, nhận 0".
- Retractions: `peer reidentify` on one copy takes its entries from k on back (clones.reidentify) and
  records the fork as (X, k, clock of its (X, k)). The record travels with every hello and every USB file
  and is kept by every laptop that gets it. A laptop holding that very entry (X, k) drops its entries
  (X, ≥ k) from the change log (never a record: events stay, by gid), so the other copy's (X, k…) can come
  in; the reidentified laptop sends its own again under its new id (the events it made take that origin
  when they arrive: `origin` is blanked here until then). Tips covered by a known retraction are no clone.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.orm import Session

from desktop import config
from desktop.services.peer.hlc import WIRE
from desktop.services.peer.ids import device_id
from desktop.settings_keys import KEY_CLONE_FROM, KEY_RETRACTED
from desktop.storage.connect import driver_connection

_HEX = re.compile(r"^[0-9a-f]{1,32}$")  # a device id, as exchange.check_vv has it
MAX_FORKS = 200  # retractions kept and sent (a commune sees a handful of clones in its life)

Forks = dict[str, list[list[Any]]]  # origin → [[seq, hlc], …]


def known(session: Session) -> Forks:
    try:
        raw = json.loads(config.get(session, KEY_RETRACTED) or "{}")
    except ValueError:
        return {}
    return check(raw)


def check(value: Any) -> Forks:
    """Retractions as received: a dict of origin → list of [seq, hlc]; anything else is dropped, not fatal."""
    out: Forks = {}
    if not isinstance(value, dict) or len(value) > MAX_FORKS:
        return out
    for origin, forks in value.items():
        if not isinstance(origin, str) or not _HEX.match(origin) or not isinstance(forks, list):
            continue
        good = [[f[0], f[1]] for f in forks[:MAX_FORKS] if isinstance(f, list) and len(f) == 2
                and isinstance(f[0], int) and not isinstance(f[0], bool) and 0 < f[0] < 2**62
                and isinstance(f[1], str) and WIRE.match(f[1])]
        if good:
            out[origin] = good
    return out


def covered(forks: Forks, origin: str, seq: int, hlc: str, conn: Any) -> bool:
    """True when the entry (origin, seq, hlc) belongs to a retracted fork: the fork's first entry is that
    entry itself, or this laptop holds the fork's first entry and (origin, seq) lies after it."""
    for k, h in forks.get(origin, []):
        if seq == k and hlc == h:
            return True
        if seq > k:
            row = conn.execute("SELECT hlc FROM peer_log WHERE origin = ? AND seq = ?", (origin, k)).fetchone()
            if row is not None and row[0] == h:
                return True
    return False


def record(session: Session, origin: str, seq: int, hlc: str) -> None:
    """This laptop retracts its fork of `origin` from `seq` on (clones.reidentify, which takes the entries
    back itself and logs them again: nothing is dropped here)."""
    mine = known(session)
    if [seq, hlc] not in mine.setdefault(origin, []):
        mine[origin].append([seq, hlc])
        config.put(session, KEY_RETRACTED, json.dumps(mine, sort_keys=True))


def merge_in(session: Session, incoming: Forks) -> int:
    """Keep retractions learned from another laptop and drop the retracted entries held here. Returns how
    many change-log entries were dropped (they will come again: the right copy's, or the reissue)."""
    mine = known(session)
    conn = driver_connection(session)
    me = device_id(session)
    dropped = 0
    changed = False
    for origin, forks in incoming.items():
        for k, h in forks:
            if [k, h] not in mine.setdefault(origin, []):
                mine[origin].append([k, h])
                changed = True
            if origin != me:  # this laptop's own entries are its own: only the other copy's are taken back
                dropped += _drop(conn, origin, k, h)
    if changed and sum(len(v) for v in mine.values()) <= MAX_FORKS:
        config.put(session, KEY_RETRACTED, json.dumps(mine, sort_keys=True))
        if me in incoming and config.get(session, KEY_CLONE_FROM):
            config.put(session, KEY_CLONE_FROM, "")  # the other copy took its fork back: this one is cured
    return dropped


def _drop(conn: Any, origin: str, k: int, h: str) -> int:
    row = conn.execute("SELECT hlc FROM peer_log WHERE origin = ? AND seq = ?", (origin, k)).fetchone()
    if row is None or row[0] != h:
        return 0
    events = [g for (g,) in conn.execute(
        "SELECT gid FROM peer_log WHERE origin = ? AND seq >= ? AND entity = 'event'", (origin, k))]
    for i in range(0, len(events), 500):
        part = events[i : i + 500]
        conn.execute(f"UPDATE status_events SET origin = '' WHERE origin = ? AND gid IN ({','.join('?' * len(part))})",
                     [origin, *part])
    return int(conn.execute("DELETE FROM peer_log WHERE origin = ? AND seq >= ?", (origin, k)).rowcount)


def tips(session: Session) -> dict[str, list[Any]]:
    """Per origin, the highest entry held: [seq, hlc, gid]."""
    conn = driver_connection(session)
    return {o: [seq, hlc, gid] for o, seq, hlc, gid in conn.execute(
        "SELECT l.origin, l.seq, l.hlc, l.gid FROM peer_log l JOIN (SELECT origin, max(seq) AS top FROM peer_log"
        " GROUP BY origin) t ON t.origin = l.origin AND t.top = l.seq")}


def as_ops(session: Session, value: Any) -> list[list[Any]]:
    """The other side's tips as entries clones.check can compare ([origin, seq, hlc, None, gid]), the malformed
    ones and those of a retracted fork left out."""
    if not isinstance(value, dict) or len(value) > 10_000:
        return []
    forks, conn = known(session), driver_connection(session)
    out = []
    for origin, tip in value.items():
        if not (isinstance(origin, str) and isinstance(tip, list) and len(tip) == 3 and isinstance(tip[0], int)
                and not isinstance(tip[0], bool) and 0 < tip[0] < 2**62 and isinstance(tip[1], str)
                and isinstance(tip[2], str)):
            continue
        if not covered(forks, origin, tip[0], tip[1], conn):
            out.append([origin, tip[0], tip[1], None, tip[2]])
    return out


def live(session: Session, ops: list[Any]) -> list[Any]:
    """`ops` without the entries of a retracted fork (they must not come back: the right copy's will)."""
    forks = known(session)
    if not forks or not any(op[0] in forks for op in ops):
        return ops
    conn = driver_connection(session)
    firsts = {(op[0], op[1], op[2]) for op in ops if op[0] in forks}
    out = []
    for op in ops:
        origin, seq, hlc = op[0], op[1], op[2]
        if origin in forks and (covered(forks, origin, seq, hlc, conn) or any(
                seq > k and (origin, k, h) in firsts for k, h in forks[origin])):
            continue
        out.append(op)
    return out

"""What a USB file says about its sender's change log, so that an import never withholds entries unsaid.

Over the LAN both sides compare each other's highest entry per origin (forks.tips, clones.check). A file goes
one way only, so it carries two such marks per origin, both as [seq, hlc, gid]:

- `tips`: the sender's highest entry — catches a receiver holding another entry under that number;
- `bases`: the sender's entry at the number the file starts after (its `since`: what the sender believes
  every laptop it heard from holds) — catches a receiver holding another entry there, when the file's own
  entries start above it and the receiver would otherwise take the sender's later entries on top of a clone's.

The import compares both in its first pass, before anything is stored; two contents under one
(origin, seq) refuse the file with the clone words and the cure (`enrollpoint peer reidentify`), exit 2. An
older laptop ignores both keys (an extra key of the file page); a file from one has none to compare.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from desktop.services.peer import clones, forks
from desktop.storage.connect import driver_connection


def marks(session: Session, since: dict[str, int]) -> dict[str, Any]:
    """The `tips` and `bases` keys of every page of a file written after `since`."""
    conn = driver_connection(session)
    bases: dict[str, list[Any]] = {}
    for origin, seq in since.items():
        row = conn.execute("SELECT hlc, gid FROM peer_log WHERE origin = ? AND seq = ?", (origin, seq)).fetchone()
        if row is not None:
            bases[origin] = [seq, row[0], row[1]]
    return {"tips": forks.tips(session), "bases": bases}


def check(session: Session, payload: dict[str, Any]) -> None:
    """Refuse (PeerRefused, nothing stored) when the sender's marks differ from what this laptop holds."""
    ops = forks.as_ops(session, payload.get("tips")) + forks.as_ops(session, payload.get("bases"))
    if ops:
        clones.check(session, ops)

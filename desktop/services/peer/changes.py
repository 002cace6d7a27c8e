"""What a laptop holds (a version vector: per origin device, the highest sequence held without a gap) and
the entries another laptop lacks, in pages, in HLC order (a record always before the records naming it).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop.services.peer.merge import Op
from desktop.storage.connect import driver_connection

PAGE_OPS = 5000
PAGE_BODY_CHARS = 4_000_000  # a page also ends once its bodies pass this: it stays under exchange.MAX_PLAIN_BYTES


def version_vector(session: Session) -> dict[str, int]:
    conn = driver_connection(session)
    vv: dict[str, int] = {}
    for origin, top, n in conn.execute("SELECT origin, max(seq), count(*) FROM peer_log GROUP BY origin"):
        if top == n:
            vv[origin] = top
            continue
        expected = 0  # a gap (a later file came first): hold only up to the gap
        for (seq,) in conn.execute("SELECT seq FROM peer_log WHERE origin = ? ORDER BY seq", (origin,)):
            if seq != expected + 1:
                break
            expected = seq
        vv[origin] = expected
    return vv


RawOp = tuple[str, int, str, str, str, str]  # as stored: the body still JSON text (sent as it is)


def ops_after(session: Session, vv: dict[str, int], limit: int = PAGE_OPS) -> tuple[list[Op], bool]:
    """`raw_after` with the bodies parsed (tests, tools)."""
    raw, more = raw_after(session, vv, limit)
    return [(o, s, h, e, g, json.loads(b)) for o, s, h, e, g, b in raw], more


def raw_after(session: Session, vv: dict[str, int], limit: int = PAGE_OPS) -> tuple[list[RawOp], bool]:
    """Up to `limit` entries the holder of `vv` lacks, lowest HLC first; and whether more remain."""
    conn = driver_connection(session)
    origins = [o for (o,) in conn.execute("SELECT DISTINCT origin FROM peer_log")]
    candidates: list[Any] = []
    for origin in origins:
        candidates += conn.execute(
            "SELECT origin, seq, hlc, entity, gid, body FROM peer_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?",
            (origin, int(vv.get(origin, 0)), limit + 1)).fetchall()
    candidates.sort(key=lambda r: r[2])
    page = candidates[:limit]
    size = 0
    for i, row in enumerate(page):  # long notes: cut by size too, never below one entry
        size += len(row[5])
        if size > PAGE_BODY_CHARS and i > 0:
            page = page[:i]
            break
    more = len(candidates) > len(page)
    return [tuple(r) for r in page], more


def count_after(session: Session, vv: dict[str, int]) -> int:
    """How many entries the holder of `vv` lacks (the panel's "waiting")."""
    conn = driver_connection(session)
    total = 0
    for origin, n in conn.execute("SELECT origin, count(*) FROM peer_log GROUP BY origin").fetchall():
        total += conn.execute("SELECT count(*) FROM peer_log WHERE origin = ? AND seq > ?",
                              (origin, int(vv.get(origin, 0)))).fetchone()[0] if origin in vv else n
    return total

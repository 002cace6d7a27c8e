"""Local changes → change-log entries (this laptop's origin, next sequence, a fresh HLC).

Triggers (migration 0005) list every inserted or changed shared row in `peer_pending`. `stamp()` gives
new rows their gid and origin, compares each shared field with the hash kept in `peer_rows`, and logs one
entry per row with only the fields that changed (all of them for a new row). It runs before every export,
sync or merge, in the caller's transaction, so a change is logged exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from desktop import config
from desktop.services.peer import state
from desktop.services.peer.ids import Clock, citizen_gid, point_gid, uuid7
from desktop.services.peer.spec import BY_NAME, ENTITIES, Entity
from desktop.settings_keys import KEY_COMMUNE_CODE
from desktop.storage.connect import driver_connection

CHUNK = 500


def value_hash(value: Any) -> int:
    """A field's value as stored (str / int / float / None, the same read from SQLite or from JSON)."""
    return zlib.crc32(repr(value).encode("utf-8"))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def dump_clocks(clocks: dict[str, list[Any]]) -> str:
    """{field: [hlc, hash]} stored compactly: each distinct HLC once (most fields of a row share one)."""
    hlcs = sorted({c[0] for c in clocks.values()})
    index = {h: i for i, h in enumerate(hlcs)}
    return dumps([hlcs, {f: [index[c[0]], c[1]] for f, c in clocks.items()}])


def new_clocks(hlc: str, hashes: dict[str, int]) -> str:
    """dump_clocks() of a row whose every field was set by one entry (the common case), built directly."""
    return '[["' + hlc + '"],{' + ",".join(f'"{f}":[0,{h}]' for f, h in hashes.items()) + "}]"


def load_clocks(text: str) -> dict[str, list[Any]]:
    hlcs, fields = json.loads(text)
    return {f: [hlcs[i], h] for f, (i, h) in fields.items()}


class GidCache:
    """Local row id ↔ gid of shared rows, looked up lazily."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.to_gid: dict[tuple[str, int], str | None] = {}

    def gid(self, entity: str, row_id: int | None) -> str | None:
        if row_id is None:
            return None
        key = (entity, row_id)
        if key not in self.to_gid:
            row = self.conn.execute(f"SELECT gid FROM {BY_NAME[entity].table} WHERE id = ?", (row_id,)).fetchone()
            self.to_gid[key] = row[0] if row else None
        return self.to_gid[key]


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _assign_gids(conn: Any, ent: Entity, ids: list[int], me: str, commune: str) -> None:
    extra = {"citizen": ", id_number", "point": ", code"}.get(ent.name, ", NULL")
    for part in _chunks(ids):
        rows = conn.execute(
            f"SELECT id, gid{extra} FROM {ent.table} WHERE gid IS NULL AND id IN ({','.join('?' * len(part))})",
            part).fetchall()
        updates = []
        for row_id, _gid, key in rows:
            if ent.name == "citizen" and key:
                gid = citizen_gid(commune, key)
            elif ent.name == "point":
                gid = point_gid(commune, key)
            else:
                gid = uuid7()
            updates.append((gid, me, row_id))
        if updates:
            conn.executemany(f"UPDATE {ent.table} SET gid = ?, origin = ? WHERE id = ?", updates)


def _ms(text: Any) -> int | None:
    """Epoch milliseconds of a stored local time (None: use the clock now)."""
    if not text:
        return None
    try:
        return int(dt.datetime.fromisoformat(str(text)).timestamp() * 1000)
    except ValueError:
        return None


def stamp(session: Session) -> int:
    """Log every pending local change; returns how many log entries were written."""
    conn = driver_connection(session)
    pending = conn.execute("SELECT DISTINCT entity, row_id FROM peer_pending").fetchall()
    if not pending:
        return 0
    clock = Clock(session)
    me = clock.device
    commune = config.get(session, KEY_COMMUNE_CODE)
    by_entity: dict[str, list[int]] = defaultdict(list)
    for entity, row_id in pending:
        by_entity[entity].append(row_id)
    for ent in ENTITIES:
        _assign_gids(conn, ent, sorted(by_entity.get(ent.name, [])), me, commune)
    seq = conn.execute("SELECT coalesce(max(seq), 0) FROM peer_log WHERE origin = ?", (me,)).fetchone()[0]
    gids = GidCache(conn)
    logged = 0
    event_citizens: set[int] = set()
    for ent in ENTITIES:
        for part in _chunks(sorted(by_entity.get(ent.name, []))):
            seq, written = _stamp_chunk(conn, ent, part, me, clock, gids, event_citizens, seq)
            logged += written
    if event_citizens:
        state.rebuild(conn, event_citizens)
    conn.execute("DELETE FROM peer_pending")
    clock.save()
    return logged


def _stamp_chunk(conn: Any, ent: Entity, part: list[int], me: str, clock: Clock, gids: GidCache,
                 event_citizens: set[int], seq: int) -> tuple[int, int]:
    """Log one chunk of one entity's pending rows: (the last sequence number used, entries written).
    Events are logged only by their origin; a mutable row logs only the fields whose value changed."""
    cols = ", ".join(ent.fields)
    # A citizen's edit keeps the time it was made (updated_at) as its clock's physical part: stamping is
    # lazy (before every export, sync or merge), and an earlier edit must not win for being stamped later.
    when = "updated_at" if ent.name == "citizen" else "NULL"
    marks = ",".join("?" * len(part))
    rows = conn.execute(f"SELECT id, gid, origin, {when}, {cols} FROM {ent.table} WHERE id IN ({marks})",
                        part).fetchall()
    known: dict[str, dict[str, list[Any]]] = {}
    if ent.mutable:
        known = {g: load_clocks(f) for g, f in conn.execute(
            f"SELECT gid, fields FROM peer_rows WHERE gid IN ({','.join('?' * len(rows))})",
            [r[1] for r in rows])}
    log_rows, peer_rows = [], []
    for row in rows:
        row_id, gid, origin = row[0], row[1], row[2]
        values = {}
        for f, v in zip(ent.fields, row[4:], strict=True):
            values[f] = gids.gid(ent.refs[f], v) if f in ent.refs else v
        if not ent.mutable:
            if origin != me:
                continue  # a copy of another laptop's event: logged by its origin
            body = values
            event_citizens.add(row[4 + ent.fields.index("citizen_id")])
            hlc = clock.tick()
        else:
            old = known.get(gid, {})
            body = {f: v for f, v in values.items() if f not in old or old[f][1] != value_hash(v)}
            if not body:
                continue
            hlc = clock.tick(_ms(row[3]))
            fields = dict(old)
            for f, v in body.items():
                fields[f] = [hlc, value_hash(v)]
            peer_rows.append((gid, ent.name, row_id, dump_clocks(fields)))
        seq += 1
        log_rows.append((me, seq, hlc, ent.name, gid, dumps(body)))
    if log_rows:
        conn.executemany(
            "INSERT INTO peer_log(origin, seq, hlc, entity, gid, body, applied) VALUES (?, ?, ?, ?, ?, ?, 1)",
            log_rows)
    if peer_rows:
        conn.executemany(
            "INSERT INTO peer_rows(gid, entity, row_id, fields) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(gid) DO UPDATE SET fields = excluded.fields, row_id = excluded.row_id", peer_rows)
    return seq, len(log_rows)

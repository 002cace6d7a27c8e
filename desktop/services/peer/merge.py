"""Apply change-log entries from other laptops: union of events, last writer wins per field, conflicts kept.

Rules (docs/peer-sync.md):
- Each entry is stored once, by (origin, seq): a second copy (a file imported twice) changes nothing.
- Status events are append-only: an event is inserted once by its gid; the citizen's state is then rebuilt
  from all its events in the shared order (services/peer/state.py).
- Every other record merges field by field: a field takes the value of the entry with the highest HLC that
  set it. When two laptops wrote one field differently (bookkeeping fields such as created_at aside), the
  field and the laptop — never the values — go to the audit trail and the conflict list.
- One ID number claimed by two citizens never fuses them: both kept, the smaller gid holds the number,
  the pair listed for the supervisor (`_claim_number`). A merge deletes no one.
- Every field is type- and range-checked first (fields.py): an entry that fails is quarantined
  (`peer_quarantine`) and logged as handled, so the sender's sequence has no hole. An event quarantined
  for a kind an earlier version did not know (`undo`) is released at the next merge once it passes.
- An entry naming a record this laptop has not received yet waits (`applied = 0`) and is retried after
  every batch: files may come out of order.
- After a merge, a citizen with two live appointments in one enrollment session is listed as a conflict
  for the officer; neither appointment is dropped. An appointment code already used by another
  appointment here (almost impossible: codes carry a per-laptop prefix) is kept with a suffix and listed.
- One capture (card, VNeID level 2, activation) of one citizen on one day recorded on two laptops is listed
  as a conflict (`double_capture`); the province counts it once (indicators: the earliest event's laptop).
- An entry showing a cloned laptop (two databases under one device id: clones.py) refuses the page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop.services.peer import clones, forks, state
from desktop.services.peer import fields as field_checks
from desktop.services.peer.hlc import MAX_AHEAD_MS, adopt_limit
from desktop.services.peer.ids import Clock
from desktop.services.peer.rows import INSERT_DEFAULTS, citizen_keys, held
from desktop.services.peer.spec import (
    BY_NAME,
    CITIZEN,
    CITIZEN_KEYED,
    ENTITY_WORDS,
    FIELD_WORDS,
    NOT_CONFLICTS,
    Entity,
)
from desktop.services.peer.stamp import dump_clocks, dumps, load_clocks, new_clocks, stamp, value_hash
from desktop.storage.connect import driver_connection

if TYPE_CHECKING:
    from desktop.services.peer.signing import Checkpoints, Screen

# origin, seq, hlc, entity, gid, body (parsed), and the body's JSON text as received when there is one
Op = tuple[str, int, str, str, str, dict[str, Any]] | tuple[str, int, str, str, str, dict[str, Any], str]
RETRY_ROUNDS = 50
_TABLE_ORDER = {"points": 0, "citizens": 1, "enrollment_sessions": 2, "appointments": 3, "status_events": 4}
LIVE_APPOINTMENTS = ("booked", "attended")

@dataclass
class MergeResult:
    received: int = 0  # entries new to this laptop
    duplicates: int = 0  # entries it already had
    waiting: int = 0  # entries waiting for a record they name
    quarantined: int = 0  # entries kept aside: a field failed its check (fields.py)
    conflicts: list[str] = field(default_factory=list)


class _Merger:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.conn = driver_connection(session)
        self.ids: dict[tuple[str, str], int] = {}
        self.citizens_touched: set[int] = set()
        self.appointments_touched: set[int] = set()
        self.now = dt.datetime.now().replace(microsecond=0)
        self.has_alias = self.conn.execute("SELECT 1 FROM peer_alias LIMIT 1").fetchone() is not None
        # New rows are buffered and written with executemany (explicit ids, so later entries of the same
        # page can name them at once); `absent` holds gids known not to be here (prefetched per page).
        self.absent: set[tuple[str, str]] = set()
        self.id_numbers: dict[str, tuple[int, str]] = {}  # prefetched / buffered: ID number → (id, gid)
        self.next_ids: dict[str, int] = {}
        self.buffer: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = {}
        self.rows_buffer: list[tuple[str, str, int, str]] = []
        self.codes: dict[str, str] = {}  # appointment codes buffered: code → gid
        self.numbers_checked: set[str] = set()
        self.conn.execute("DELETE FROM peer_pending WHERE 0")  # take the write lock before reading max(id)

    def prefetch(self, ops: list[Op]) -> None:
        """One query per kind of record for every gid (and ID number) the page names."""
        want: dict[str, set[str]] = {}
        numbers: set[str] = set()
        for op in ops:
            entity, gid, body = op[3], op[4], op[5]
            ent = BY_NAME.get(entity)
            if ent is None:
                continue
            want.setdefault(entity, set()).add(gid)
            for f, target in ent.refs.items():
                if isinstance(body.get(f), str):
                    want.setdefault(target, set()).add(body[f])
            if entity == "citizen" and isinstance(body.get("id_number"), str):
                numbers.add(body["id_number"])
        for entity, gids in want.items():
            table = BY_NAME[entity].table
            todo = sorted(g for g in gids if (entity, g) not in self.ids)
            for i in range(0, len(todo), 500):
                part = todo[i : i + 500]
                found = dict(self.conn.execute(
                    f"SELECT gid, id FROM {table} WHERE gid IN ({','.join('?' * len(part))})", part).fetchall())
                for g in part:
                    if g in found:
                        self.ids[(entity, g)] = found[g]
                    elif not self.has_alias or entity != "citizen":
                        self.absent.add((entity, g))
        todo_n = sorted(numbers)
        for i in range(0, len(todo_n), 500):
            part = todo_n[i : i + 500]
            for number, row_id, gid in self.conn.execute(
                    f"SELECT id_number, id, gid FROM citizens WHERE id_number IN ({','.join('?' * len(part))})", part):
                self.id_numbers[number] = (row_id, gid)
        self.numbers_checked = numbers

    def flush(self) -> None:
        for (table, cols), rows in sorted(self.buffer.items(), key=lambda kv: _TABLE_ORDER[kv[0][0]]):
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        self.buffer.clear()
        self.codes.clear()
        if self.rows_buffer:
            self.conn.executemany(
                "INSERT OR REPLACE INTO peer_rows(gid, entity, row_id, fields) VALUES (?, ?, ?, ?)", self.rows_buffer)
            self.rows_buffer.clear()

    def _new_id(self, table: str) -> int:
        if table not in self.next_ids:
            self.next_ids[table] = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        self.next_ids[table] += 1
        return self.next_ids[table]

    # --- lookups -----------------------------------------------------------------------------------

    def canonical(self, gid: str) -> str:
        if not self.has_alias:
            return gid
        row = self.conn.execute("SELECT canonical FROM peer_alias WHERE gid = ?", (gid,)).fetchone()
        return row[0] if row else gid

    def local_id(self, entity: str, gid: str | None) -> int | None:
        if gid is None:
            return None
        key = (entity, gid)
        if key not in self.ids:
            if key in self.absent:
                return None
            g = self.canonical(gid) if entity == "citizen" else gid
            row = self.conn.execute(f"SELECT id FROM {BY_NAME[entity].table} WHERE gid = ?", (g,)).fetchone()
            if row is None:
                return None
            self.ids[key] = row[0]
        return self.ids[key]

    # --- one entry --------------------------------------------------------------------------------------

    def materialize(self, origin: str, hlc: str, ent: Entity, gid: str, body: dict[str, Any]) -> bool:
        """Write one entry into the tables; False when a record it names is not here yet."""
        values: dict[str, Any] = {}
        for f, v in body.items():
            if f not in ent.fields:
                continue  # a field a newer version shares: ignored here
            if f in ent.refs and v is not None:
                local = self.local_id(ent.refs[f], v)
                if local is None:
                    return False
                v = local
            values[f] = v
        if ent.name == "citizen":
            gid = self.canonical(gid)
        local = self.local_id(ent.name, gid)
        row = (local,) if local is not None else None
        number = values.get("id_number") if ent.name == "citizen" else None
        if row is None and number and (number in self.id_numbers or number not in self.numbers_checked):
            values["id_number"] = self._claim_number(gid, number, values.get("full_name"))
        if row is None:
            if not all(values.get(f) is not None for f in ent.required):
                return False  # the creating entry has not arrived yet
            self._insert(origin, hlc, ent, gid, values, body)
            return True
        if ent.mutable:
            self._merge_fields(row[0], origin, hlc, ent, gid, values, body)
        elif ent.name == "event":  # its first entry was a retracted fork's: the reissue names its laptop
            self.conn.execute("UPDATE status_events SET origin = ? WHERE id = ? AND origin = ''", (origin, row[0]))
        return True

    def _claim_number(self, gid: str, number: str, name: Any, row_id: int | None = None) -> str | None:
        """Record `gid` (row `row_id`, None when not inserted yet) claims ID number `number`. Another citizen
        already holding it is never fused with it (a merge deletes no one): both are kept, the supervisor's
        conflict list names both, and the smaller gid holds the number, the other none — the same on every
        laptop whatever the order the entries came in. Returns what `gid`'s row may hold."""
        self.flush()
        held_by = self.conn.execute("SELECT id, gid, full_name FROM citizens WHERE id_number = ?", (number,)).fetchone()
        if held_by is None or held_by[1] == gid or held_by[0] == row_id:
            return number
        other_id, other_gid, other_name = held_by
        if name is None and row_id is not None:
            name = self.conn.execute("SELECT full_name FROM citizens WHERE id = ?", (row_id,)).fetchone()[0]
        low, high = sorted((gid, other_gid))
        self._conflict(f"idclash:{low}:{high}", "id_number_clash",
                       f"Hai hồ sơ mang cùng một số định danh: {other_name} và {name}. Không gộp, giữ cả hai (số để ở"
                       " một hồ sơ): người phụ trách kiểm tra và sửa số đúng")
        if other_gid < gid:
            return None
        self._set_number(other_id, None)
        self.id_numbers.pop(number, None)
        return number

    def _set_number(self, row_id: int, number: str | None) -> None:
        """A citizen's ID number set by the merge, with the columns derived from it (search text)."""
        cols = ("full_name", "village", "id_number", "old_cmnd", "phone")
        full = dict(zip(cols, self.conn.execute(f"SELECT {', '.join(cols)} FROM citizens WHERE id = ?",
                                                (row_id,)).fetchone(), strict=True))
        full["id_number"] = number
        keys = {"id_number": number, **citizen_keys(full)}
        self.conn.execute(f"UPDATE citizens SET {', '.join(f'{k} = ?' for k in keys)} WHERE id = ?",
                          [*keys.values(), row_id])
        self.citizens_touched.add(row_id)

    def _insert(self, origin: str, hlc: str, ent: Entity, gid: str, values: dict[str, Any],
                wire: dict[str, Any]) -> None:
        row = dict(INSERT_DEFAULTS.get(ent.table, {}))
        row.update({k: v for k, v in values.items() if v is not None or k not in row})
        if ent.name == "citizen":
            row.update(citizen_keys(row))
            row["updated_at"] = self.now
        if ent.name == "appointment":
            row["code"] = self._free_code(row["code"], gid)
        row["gid"], row["origin"] = gid, origin
        row_id = row["id"] = self._new_id(ent.table)
        cols = tuple(row)
        self.buffer.setdefault((ent.table, cols), []).append([row[c] for c in cols])
        self.ids[(ent.name, gid)] = row_id
        self.absent.discard((ent.name, gid))
        if ent.name == "citizen" and row.get("id_number"):
            self.id_numbers[row["id_number"]] = (row_id, gid)
        if ent.name == "appointment":
            self.codes[row["code"]] = gid
        if ent.mutable:
            self.rows_buffer.append((gid, ent.name, row_id, new_clocks(hlc, {f: value_hash(wire[f]) for f in values})))
        self._touched(ent, row_id, row)

    def _merge_fields(self, row_id: int, origin: str, hlc: str, ent: Entity, gid: str, values: dict[str, Any],
                      wire: dict[str, Any]) -> None:
        self.flush()
        got = self.conn.execute("SELECT fields FROM peer_rows WHERE gid = ?", (gid,)).fetchone()
        clocks: dict[str, list[Any]] = load_clocks(got[0]) if got else {}
        wins: dict[str, Any] = {}
        cur = self.conn.execute(
            f"SELECT {', '.join(values) or 'id'} FROM {ent.table} WHERE id = ?", (row_id,)).fetchone()
        current = dict(zip(values, cur, strict=False)) if values else {}
        for f, v in values.items():
            mine = clocks.get(f)
            if mine is None or hlc > mine[0]:
                wins[f] = v
                clocks[f] = [hlc, value_hash(wire[f])]
                if mine is not None and current.get(f) != v:
                    self._differ(ent, row_id, gid, f, origin)
            elif hlc < mine[0] and current.get(f) != v:
                self._differ(ent, row_id, gid, f, origin)
        if ent.name == "citizen" and wins.get("id_number"):  # never fuses two people (_claim_number)
            wins["id_number"] = self._claim_number(gid, wins["id_number"], wins.get("full_name"), row_id)
        if wins:
            if ent.name == "appointment" and "code" in wins:
                wins["code"] = self._free_code(wins["code"], gid)
            if ent.name == "citizen" and any(k in wins for k in CITIZEN_KEYED):
                full = dict(zip(
                    ("full_name", "village", "id_number", "old_cmnd", "phone"),
                    self.conn.execute("SELECT full_name, village, id_number, old_cmnd, phone FROM citizens WHERE id = ?",
                                      (row_id,)).fetchone(), strict=True))
                full.update({k: v for k, v in wins.items() if k in full})
                wins.update(citizen_keys(full))
            if ent.name == "citizen":
                wins["updated_at"] = self.now
            sets = ", ".join(f"{k} = ?" for k in wins)
            self.conn.execute(f"UPDATE {ent.table} SET {sets} WHERE id = ?", [*wins.values(), row_id])
            self.conn.execute("UPDATE peer_rows SET fields = ? WHERE gid = ?", (dump_clocks(clocks), gid))
            self._touched(ent, row_id, wins)

    def _touched(self, ent: Entity, row_id: int, row: dict[str, Any]) -> None:
        if ent.name == "event":
            self.citizens_touched.add(int(row["citizen_id"]))
        elif ent.name == "citizen":
            self.citizens_touched.add(row_id)
        elif ent.name == "appointment":
            self.appointments_touched.add(row_id)

    def _free_code(self, code: str, gid: str) -> str:
        other = ((self.codes[code],) if code in self.codes else
                 self.conn.execute("SELECT gid FROM appointments WHERE code = ?", (code,)).fetchone())
        if other is None or other[0] == gid:
            return code
        new = f"{code}-{gid[-4:].upper()}"
        self._conflict(f"code:{code}:{gid}", "code", f"Mã giấy hẹn {code} trùng giữa hai máy: lịch hẹn sau đổi thành {new}")
        return new

    def _differ(self, ent: Entity, row_id: int, gid: str, f: str, origin: str) -> None:
        """Two laptops wrote one field differently: the field and the laptop in the audit trail and in the
        conflict list, never the values (docs/security.md); bookkeeping fields are no conflict."""
        if f in NOT_CONFLICTS:
            return
        laptop = self._laptop(origin)
        detail = f"{ent.name} {f}: hai máy ghi khác nhau (máy {laptop}), giữ giá trị ghi sau cùng"
        self.conn.execute(
            "INSERT INTO audit_log(at, operator_id, action, entity, entity_id, detail) VALUES (?, NULL, ?, ?, ?, ?)",
            (self.now, "peer_merge", ent.table, row_id, nfc(detail)))
        what = FIELD_WORDS.get(f, f)
        self._conflict(f"field:{gid}:{f}", "field",
                       f"{ENTITY_WORDS.get(ent.name, ent.name)} số {row_id}: trường '{what}' khác nhau giữa máy này và "
                       f"máy {laptop}; đã giữ giá trị ghi sau cùng — cán bộ kiểm tra lại")

    def _laptop(self, origin: str) -> str:
        got = self.conn.execute("SELECT name FROM peer_devices WHERE device_id = ?", (origin,)).fetchone()
        short = origin[:8].upper()
        return f"{got[0]} ({short})" if got and got[0] else short

    def _conflict(self, key: str, kind: str, detail: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO peer_conflicts(key, kind, detail, created_at, resolved) VALUES (?, ?, ?, ?, 0)",
            (key[:160], kind, nfc(detail), self.now))

    # --- after a batch ----------------------------------------------------------------------------------

    def finish(self) -> list[str]:
        self.flush()
        if self.citizens_touched:
            state.rebuild(self.conn, self.citizens_touched)
        found = self._double_captures()
        ids = sorted(self.appointments_touched)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                "SELECT a.citizen_id, a.session_id, group_concat(a.code, ', '), min(c.full_name), min(s.day)"
                " FROM appointments a JOIN citizens c ON c.id = a.citizen_id"
                " JOIN enrollment_sessions s ON s.id = a.session_id"
                f" WHERE a.state IN ('booked', 'attended') AND (a.citizen_id, a.session_id) IN"
                f" (SELECT citizen_id, session_id FROM appointments WHERE id IN ({marks}))"
                " GROUP BY a.citizen_id, a.session_id HAVING count(*) > 1", part).fetchall()
            for cid, sid, codes, name, day in rows:
                gid = self.conn.execute("SELECT gid FROM citizens WHERE id = ?", (cid,)).fetchone()[0]
                sgid = self.conn.execute("SELECT gid FROM enrollment_sessions WHERE id = ?", (sid,)).fetchone()[0]
                detail = f"{name}: hai lịch hẹn trong cùng buổi thu nhận ngày {day} (mã {codes}) — cán bộ chọn giữ một"
                self._conflict(f"double:{gid}:{sgid}", "double_booking", detail)
                found.append(detail)
        return found


    def _double_captures(self) -> list[str]:
        """One dossier captured on two laptops (same citizen, day and capture indicator, two origins): the
        province counts it once (the earliest event's laptop; indicators' module doc), the officer sees it."""
        found: list[str] = []
        cids = sorted(self.citizens_touched)
        kinds = ",".join(f"'{k}'" for k in DOUBLE_CAPTURE)
        for i in range(0, len(cids), 500):
            part = cids[i : i + 500]
            rows = self.conn.execute(
                "SELECT c.gid, min(c.full_name), e.occurred_on, e.event_type FROM status_events e"
                " JOIN citizens c ON c.id = e.citizen_id"
                f" WHERE e.citizen_id IN ({','.join('?' * len(part))}) AND e.event_type IN ({kinds})"
                " AND NOT EXISTS (SELECT 1 FROM status_events u WHERE u.undoes_id = e.id)"  # an undone capture
                " GROUP BY e.citizen_id, e.occurred_on, e.event_type HAVING count(DISTINCT e.origin) > 1",
                part).fetchall()
            for gid, name, day, kind in rows:
                detail = (f"{name}: {DOUBLE_CAPTURE[kind]} ngày {day} được ghi trên hai máy — tỉnh chỉ tính một lần"
                          " (máy ghi trước); cán bộ kiểm tra xem có thu nhận hai lần không")
                self._conflict(f"capture:{gid}:{day}:{kind}", "double_capture", detail)
                found.append(detail)
        return found


# Capture indicators two laptops should never both record for one person on one day.
DOUBLE_CAPTURE = {"card_captured": "hồ sơ cấp thẻ căn cước", "vneid_l2_captured": "hồ sơ VNeID mức 2",
                  "vneid_activated": "kích hoạt VNeID"}


def apply_ops(session: Session, ops: list[Op], screen: Screen | None = None,
              proof: Checkpoints | None = None) -> MergeResult:
    """Store and apply entries from another laptop in the caller's transaction (one page = one commit).
    `screen`: the transfer's signature check (signing.py): entries their claimed author did not sign are
    refused first, before anything compares them (the transports always pass one)."""
    stamp(session)  # local changes get their clock before anything from outside is compared with them
    if screen is not None:
        ops = screen.filter(session, ops, proof or {})
    ops = forks.live(session, ops)  # a fork taken back by `peer reidentify` never comes back (forks.py)
    clones.check(session, ops)  # entries under this laptop's own id it never made: a cloned laptop
    m = _Merger(session)
    conn = m.conn
    result = MergeResult()
    clock = Clock(session)
    have = held(conn, ops)
    m.prefetch(ops)
    rows = []
    top = ""
    limit = adopt_limit()  # a stamp above it is merged as sent but never adopted into this laptop's clock
    ahead: set[str] = set()
    quarantined: list[tuple[str, int, str, str, str, dt.datetime]] = []
    for op in ops:
        origin, seq, hlc, entity, gid, body = op[:6]
        if entity not in BY_NAME:
            continue
        if hlc <= limit:
            top = max(top, hlc)
        else:
            ahead.add(origin)
        if (origin, seq) in have:
            result.duplicates += 1
            continue
        have.add((origin, seq))
        result.received += 1
        text = op[6] if len(op) > 6 else dumps(body)
        why = field_checks.problem(entity, body)
        if why is not None:  # kept aside, logged as handled: the sender's sequence has no hole (fields.py)
            quarantined.append((origin, seq, entity, gid, why, m.now))
            rows.append((origin, seq, hlc, entity, gid, text, 1))
            continue
        applied = m.materialize(origin, hlc, BY_NAME[entity], gid, body)
        rows.append((origin, seq, hlc, entity, gid, text, int(applied)))
    if top:
        clock.observe(top)
    conn.executemany("INSERT INTO peer_log(origin, seq, hlc, entity, gid, body, applied) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     rows)
    if quarantined:
        conn.executemany("INSERT OR IGNORE INTO peer_quarantine(origin, seq, entity, gid, reason, created_at)"
                         " VALUES (?, ?, ?, ?, ?, ?)", quarantined)
    result.quarantined = len(quarantined)
    m.flush()
    _release_known_kinds(m)
    _retry_waiting(m)
    result.waiting = conn.execute("SELECT count(*) FROM peer_log WHERE applied = 0").fetchone()[0]
    result.conflicts = m.finish() + [_clock_ahead(m, origin) for origin in sorted(ahead)]
    conn.execute("DELETE FROM peer_pending")  # rows written here are not local changes
    clock.save()
    return result


def _clock_ahead(m: _Merger, origin: str) -> str:
    """Entries stamped more than a day ahead of this laptop: listed once per laptop for the officer."""
    row = m.conn.execute("SELECT name FROM peer_devices WHERE device_id = ?", (origin,)).fetchone()
    name = (row[0] if row else "") or f"Máy {origin[:4].upper()}"
    detail = (f"Đồng hồ của {name} chạy trước máy này hơn {MAX_AHEAD_MS // 3_600_000} giờ: chỉnh ngày giờ trên "
              "máy đó (các thay đổi của nó vẫn được nhận, đồng hồ máy này không bị kéo theo)")
    m._conflict(f"clock:{origin}", "clock_ahead", detail)
    return detail


def _release_known_kinds(m: _Merger) -> None:
    """Events kept aside by an earlier version for a kind it did not know (an `undo` from a newer laptop)
    that pass every check now: released to wait like any entry, so an update loses nothing it quarantined."""
    rows = m.conn.execute(
        "SELECT q.origin, q.seq, l.body FROM peer_quarantine q JOIN peer_log l ON l.origin = q.origin AND l.seq = q.seq"
        " WHERE q.entity = 'event' AND substr(q.reason, 1, 11) = 'event_type:'").fetchall()
    for origin, seq, body in rows:
        if field_checks.problem("event", json.loads(body)) is None:
            m.conn.execute("UPDATE peer_log SET applied = 0 WHERE origin = ? AND seq = ?", (origin, seq))
            m.conn.execute("DELETE FROM peer_quarantine WHERE origin = ? AND seq = ?", (origin, seq))


def _retry_waiting(m: _Merger) -> None:
    for _ in range(RETRY_ROUNDS):
        # keys first, each body read when its turn comes: a page of waiting entries is never all in memory
        waiting = m.conn.execute("SELECT origin, seq FROM peer_log WHERE applied = 0 ORDER BY hlc").fetchall()
        progressed = False
        for origin, seq in waiting:
            hlc, entity, gid, body = m.conn.execute(
                "SELECT hlc, entity, gid, body FROM peer_log WHERE origin = ? AND seq = ?", (origin, seq)).fetchone()
            if m.materialize(origin, hlc, BY_NAME[entity], gid, json.loads(body)):
                m.conn.execute("UPDATE peer_log SET applied = 1 WHERE origin = ? AND seq = ?", (origin, seq))
                progressed = True
        if not progressed:
            return


__all__ = ["CITIZEN", "MergeResult", "Op", "apply_ops"]

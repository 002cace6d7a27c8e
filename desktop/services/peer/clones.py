"""Cloned laptops: two databases with one device id (a laptop set up from another's backup), and the cure.

Detection. Only this database makes change-log entries under its device id, so an entry from outside
that carries this laptop's id and either a sequence number it never made, or a number it made with other
content (another clock value or record), proves a second database writes under the same id. The LAN
refuses two peers with one id outright (lan.py); a USB file (pass 1, before anything is stored) and any
page merged (entries relayed by a third laptop) are checked here. The first divergent sequence number is
remembered (settings `peer.clone_from`) for `reidentify`.

Cure: `reidentify(session)` (CLI `enrollpoint peer reidentify`, supervisor) gives this database a new
device id. Entries other laptops may already hold keep the old id: every record they name keeps its
origin (its day close belongs to the old id). Entries this database made under the old id after the
divergence point (or, when that is unknown, after the highest sequence any peer is known to hold) are
taken out of the log and the records they made or changed are logged again under the new id at the next
stamp, so nothing made here is lost and nothing is sent twice under one (origin, seq). The other copy keeps
the old id and changes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from desktop import config
from desktop.services import auth
from desktop.services.peer import forks
from desktop.services.peer import hlc as hlc_rules
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.ids import device_id
from desktop.services.peer.spec import BY_NAME
from desktop.settings_keys import KEY_CLONE_FROM, KEY_FORMER_IDS, KEY_PEER_DEVICE_ID
from desktop.storage.connect import driver_connection

CLONE_MESSAGE = ("Có một máy khác mang cùng mã máy với máy này (cài từ bản sao lưu của máy này?): đã từ chối, "
                 "không lưu gì. Trên MỘT trong hai máy, người phụ trách chạy 'enrollpoint peer reidentify' "
                 "rồi đồng bộ lại.")
OTHER_CLONE_MESSAGE = ("Hai máy trong nhóm cùng mang mã máy {device} (một máy cài từ bản sao lưu của máy kia?): dữ "
                       "liệu của hai máy khác nhau dưới cùng một số thứ tự, đã từ chối, không lưu gì. Trên MỘT trong "
                       "hai máy đó, người phụ trách chạy 'enrollpoint peer reidentify' rồi đồng bộ lại.")
CLONE_MESSAGE_EN = ("Another laptop has the same device id as this one (installed from this laptop's backup?): "
                    "refused, nothing stored. On ONE of the two laptops, a supervisor runs 'enrollpoint peer "
                    "reidentify', then syncs again.")
OTHER_CLONE_MESSAGE_EN = ("Two laptops in the group have the same device id {device} (one installed from the other's "
                          "backup?): their data differ under the same sequence numbers, refused, nothing stored. On "
                          "ONE of those two laptops, a supervisor runs 'enrollpoint peer reidentify', then syncs "
                          "again.")


def divergence(conn: Any, me: str, ops: Iterable[Any], sender_vv: dict[str, int] | None = None) -> dict[str, int]:
    """Per device id that two databases write under: the first sequence number where they differ.

    Seen as an entry (origin, seq) this laptop holds with other content (clock value or record), or, for
    this laptop's own id, an entry or a version vector beyond what it ever made. Empty: no clone."""
    found: dict[str, int] = {}

    def note(origin: str, seq: int) -> None:
        found[origin] = min(found.get(origin, seq), seq)

    top = conn.execute("SELECT coalesce(max(seq), 0) FROM peer_log WHERE origin = ?", (me,)).fetchone()[0]
    if sender_vv and int(sender_vv.get(me, 0)) > top:
        note(me, top + 1)
    by_origin: dict[str, list[tuple[int, str, str]]] = {}
    for op in ops:
        by_origin.setdefault(op[0], []).append((int(op[1]), _canon(op[2]), op[4]))
    for origin, entries in by_origin.items():
        lo, hi = min(e[0] for e in entries), max(e[0] for e in entries)
        held = {seq: (_canon(hlc), gid) for seq, hlc, gid in conn.execute(
            "SELECT seq, hlc, gid FROM peer_log WHERE origin = ? AND seq BETWEEN ? AND ?", (origin, lo, hi))}
        for seq, hlc, gid in entries:
            if seq in held:
                if held[seq] != (hlc, gid):
                    note(origin, seq)
            elif origin == me:
                note(me, min(seq, top + 1))  # under this laptop's id, yet not made here
    return found


def _canon(stamp: str) -> str:
    """One text per stamp on both sides of a comparison: a stamp an old laptop overflowed or poisoned, held here
    as written or sent as a tip, is the same stamp as its canonical form (hlc.py)."""
    return hlc_rules.canonical(stamp) if hlc_rules.WIRE.match(stamp) else stamp


def check(session: Session, ops: Iterable[Any], sender_vv: dict[str, int] | None = None, *,
          for_other: bool = False) -> None:
    """Refuse (PeerRefused, nothing stored) when `ops`/`sender_vv` show a cloned laptop; remember where.
    `for_other`: the words go to the other laptop (a LAN server answering), so the device is named."""
    conn = driver_connection(session)
    me = device_id(session)
    found = divergence(conn, me, ops, sender_vv)
    if not found:
        return
    if me in found:
        remember(session, found[me])
        if not for_other:
            raise PeerRefused(CLONE_MESSAGE, en=CLONE_MESSAGE_EN)
    other = me if me in found else sorted(found)[0]
    raise PeerRefused(OTHER_CLONE_MESSAGE.format(device=other[:8].upper()),
                      en=OTHER_CLONE_MESSAGE_EN.format(device=other[:8].upper()))


def remember(session: Session, at: int) -> None:
    """Keep the first divergent sequence number (committed on its own: the caller's work is refused)."""
    old = config.get(session, KEY_CLONE_FROM)
    if not old or at < int(old):
        config.put(session, KEY_CLONE_FROM, str(at))
        session.commit()


def same_id(session: Session, their_tips: Any = None) -> None:
    """A LAN peer answered with this laptop's own id: a copy, whatever either wrote since. Remembered so that
    `reidentify` is the cure, at the first sequence number the two may differ (unless one is known already).

    The other copy's tip for this id (its hello carries it) places that point: when it holds no more than this
    laptop and its highest entry is this laptop's very entry, it wrote nothing since the copy and the two part
    right after it — so this laptop's later entries are a fork the reidentify takes back and retracts (the
    other copy will write its own under those numbers). Without that, this laptop's next number."""
    conn = driver_connection(session)
    me = device_id(session)
    top = int(conn.execute("SELECT coalesce(max(seq), 0) FROM peer_log WHERE origin = ?", (me,)).fetchone()[0])
    at = top + 1
    tip = their_tips.get(me) if isinstance(their_tips, dict) else None
    if (isinstance(tip, list) and len(tip) == 3 and isinstance(tip[0], int) and not isinstance(tip[0], bool)
            and 0 < tip[0] <= top and isinstance(tip[1], str)):
        held = conn.execute("SELECT hlc, gid FROM peer_log WHERE origin = ? AND seq = ?", (me, tip[0])).fetchone()
        same = held is not None and (_canon(held[0]), held[1]) == (_canon(tip[1]), tip[2])
        at = tip[0] + 1 if same else tip[0]
    remember(session, at)


@dataclass(frozen=True)
class Reidentified:
    old_id: str
    new_id: str
    reissued: int  # change-log entries taken back and logged again under the new id


def _peer_known_top(conn: Any, me: str) -> int:
    top = 0
    for (vv,) in conn.execute("SELECT last_vv FROM peer_devices"):
        try:
            top = max(top, int(json.loads(vv or "{}").get(me, 0)))
        except (ValueError, AttributeError, TypeError):
            continue
    return top


def reidentify(session: Session, operator: Any | None = None) -> Reidentified:
    """A new device id for this database (module doc). `operator`: the supervisor (None: first set-up)."""
    if operator is not None:
        auth.require_role(operator, "supervisor", "đổi mã máy")
    from desktop.services.peer.stamp import stamp

    stamp(session)  # every local change logged under the old id first, so the cut-off below sees it
    conn = driver_connection(session)
    old = device_id(session)
    new = uuid.uuid4().hex
    clone_from = config.get(session, KEY_CLONE_FROM)
    cutoff = int(clone_from) - 1 if clone_from else _peer_known_top(conn, old)
    first = conn.execute("SELECT hlc FROM peer_log WHERE origin = ? AND seq = ?", (old, cutoff + 1)).fetchone()
    if first is not None and clone_from:  # a proven fork taken back, told to every laptop (forks.py)
        forks.record(session, old, cutoff + 1, first[0])
    taken = conn.execute("SELECT entity, gid FROM peer_log WHERE origin = ? AND seq > ?", (old, cutoff)).fetchall()
    pending: list[tuple[str, int]] = []
    for entity, gid in taken:
        ent = BY_NAME.get(entity)
        if ent is None:
            continue
        row = conn.execute(f"SELECT id FROM {ent.table} WHERE gid = ?", (gid,)).fetchone()
        if row is None:
            continue
        if not ent.mutable:
            # An event is logged once, by the entry that made it: taken back, it is this database's own
            # work under the new id (its day close counts it there). Other records keep their origin.
            conn.execute(f"UPDATE {ent.table} SET origin = ? WHERE id = ?", (new, row[0]))
        conn.execute("DELETE FROM peer_rows WHERE gid = ?", (gid,))  # every field logged again
        pending.append((entity, row[0]))
    conn.execute("DELETE FROM peer_log WHERE origin = ? AND seq > ?", (old, cutoff))
    config.put(session, KEY_PEER_DEVICE_ID, new)
    former = [x for x in (config.get(session, KEY_FORMER_IDS) or "").split(",") if x]
    config.put(session, KEY_FORMER_IDS, ",".join([*former, old]))
    config.put(session, KEY_CLONE_FROM, "")
    session.flush()
    if pending:
        conn.executemany("INSERT INTO peer_pending(entity, row_id) VALUES (?, ?)", pending)
        stamp(session)
    auth.audit(session, operator.id if operator is not None else None, "peer_reidentify", "settings", None,
               f"{old[:8]} → {new[:8]}, {len(pending)} bản ghi ghi lại")
    return Reidentified(old, new, len(pending))

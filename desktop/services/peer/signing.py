"""Every laptop speaks only for itself: its change-log entries are chained and the chain is signed.

The group key authenticates the group, not the laptop. Each laptop therefore has its own Ed25519 signing key
(OS keyring, storage/peer_keys.py) and signs, not each entry (500,000 signatures would add ~50 s to the
first sync of a large commune), but checkpoints of a hash chain over its own entries:

    h_0 = 32 zero bytes;  h_k = SHA-256(h_{k-1} || origin␟seq␟hlc␟entity␟gid␟body)

and a checkpoint (origin, seq, h_seq, signature) every CHECK_EVERY entries and at its highest entry, made
before its entries leave (every export, sync and served request: `seal_own`). Pages carry, per origin, the
checkpoints covering their entries (`page`) and the roster of public keys {device: [key, base]}. A receiver
recomputes each origin's chain from what it holds and keeps an entry only when a checkpoint at or after it
verifies with the key first seen for that origin (`Screen`); a relay forwards the author's checkpoints
unchanged, so a third laptop checks the author whoever carried the entry.

Keys travel in rosters and are trusted on first use (`learn`, table `peer_signers`); a different key later
offered for a known device id is an alarm (conflict list, and its entries refused with the reason), never an
update. A laptop that lost its key (restored without its keyring) cannot sign under its old id: it is told
to take a new device id (`peer reidentify`), which draws a new key.

History written before signing: `base` is the highest sequence a laptop had made when it drew its key. Its
first checkpoint chains over all of it, so wherever checkpoints travel that history is covered too. An
entry of a signing laptop with no checkpoint is still taken when its sequence is at most `base` (pages from
laptops not yet upgraded carry none); above `base` it is refused. An entry of a laptop with no known key (not
upgraded yet) is taken unsigned, as before: that is the window an old laptop leaves open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop import config
from desktop.models import PeerSigner
from desktop.services.peer import changes
from desktop.services.peer.crypto import PeerRefused
from desktop.services.peer.hlc import canonical
from desktop.services.peer.ids import device_id
from desktop.settings_keys import KEY_UNSIGNED_TOP
from desktop.storage import peer_keys
from desktop.storage.connect import driver_connection

CHECK_EVERY = 128  # a checkpoint every so many entries of one laptop: a page is cut at one (`page`)
EXTEND_MAX = 4 * CHECK_EVERY  # entries a page may take beyond its size to reach the next checkpoint
MAX_ROSTER = 1000
MAX_CHECKPOINTS = 20_000
ZERO = bytes(32)
_HEX = re.compile(r"^[0-9a-f]{1,32}$")
_KEY = re.compile(r"^[0-9a-f]{64}$")
_SIG = re.compile(r"^[0-9a-f]{128}$")

MSG_KEY_LOST = ("Khóa ký của máy này không có trong kho khóa (máy khôi phục từ bản sao lưu, cài lại, hoặc kho khóa "
                "đã mất): máy không thể ký dưới mã máy cũ. Người phụ trách chạy 'enrollpoint peer reidentify' để "
                "máy nhận mã máy và khóa ký mới, rồi đồng bộ lại")
MSG_KEY_LOST_EN = ("This laptop's signing key is not in its keyring (restored from a backup, reinstalled, or the "
                   "keyring was lost): it cannot sign under its old device id. A supervisor runs 'enrollpoint peer "
                   "reidentify' to give it a new device id and signing key, then syncs again")

Checkpoints = dict[str, dict[int, tuple[str, str]]]  # origin → seq → (chain hex, signature hex)
Roster = dict[str, tuple[str, int]]  # device → (public key hex, base)


def link(prev: bytes, origin: str, seq: int, hlc: str, entity: str, gid: str, body: str) -> bytes:
    """One step of an origin's chain. The fields cannot contain \\x1f (ids and clock by their patterns, the
    body as strict JSON text), so the bytes are unambiguous."""
    data = f"{origin}\x1f{seq}\x1f{canonical(hlc)}\x1f{entity}\x1f{gid}\x1f{body}".encode()
    return hashlib.sha256(prev + data).digest()


def _message(origin: str, seq: int, chain: bytes) -> bytes:
    return b"EnrollPoint peer checkpoint 1\x00" + origin.encode("ascii") + b"\x00" + str(seq).encode() + b"\x00" + chain


def _public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


# --- this laptop's key and checkpoints ---------------------------------------------------------------------

_keys: dict[str, Ed25519PrivateKey] = {}


def own_key(session: Session) -> Ed25519PrivateKey:
    """This laptop's signing key, drawn on first use; refused with words when the key published for this device
    id is not the one in the keyring (a lost key never becomes a new key under the same id)."""
    me = device_id(session)
    row = session.get(PeerSigner, me)
    key = _keys.get(me)
    if key is None:
        raw = peer_keys.load_signing_key(me)
        if raw is None and row is None:
            key = Ed25519PrivateKey.generate()
            peer_keys.store_signing_key(me, key.private_bytes_raw())
        elif raw is None:
            raise PeerRefused(MSG_KEY_LOST, en=MSG_KEY_LOST_EN)
        else:
            key = Ed25519PrivateKey.from_private_bytes(raw)
    public = _public_hex(key)
    if row is None:
        session.add(PeerSigner(device_id=me, public_key=public, base=_unsigned_top(session, me), first_seen=_now(),
                               via="self"))
        session.flush()
    elif row.public_key != public:
        raise PeerRefused(MSG_KEY_LOST, en=MSG_KEY_LOST_EN)
    _keys[me] = key
    return key


def _unsigned_top(session: Session, me: str) -> int:
    """This laptop's last entry written before the update that brought signing (migration 0009), else 0."""
    device, _, top = (config.get(session, KEY_UNSIGNED_TOP) or "").partition(":")
    return int(top) if device == me and top.isdigit() else 0


def seal_own(session: Session) -> int:
    """Checkpoints over this laptop's entries not yet covered (the first one covers its whole unsigned
    history). Returns how many were made."""
    conn = driver_connection(session)
    me = device_id(session)
    top = conn.execute("SELECT coalesce(max(seq), 0) FROM peer_log WHERE origin = ?", (me,)).fetchone()[0]
    conn.execute("DELETE FROM peer_chain WHERE origin = ? AND seq > ?", (me, top))  # taken back (reidentify)
    last = conn.execute("SELECT seq, chain FROM peer_chain WHERE origin = ? ORDER BY seq DESC LIMIT 1",
                        (me,)).fetchone()
    start, h = (int(last[0]), bytes.fromhex(last[1])) if last else (0, ZERO)
    key = own_key(session)  # also publishes this laptop's key (and its base) on first use
    if top <= start:
        return 0
    rows = []
    expected = start
    for seq, hlc, entity, gid, body in conn.execute(
            "SELECT seq, hlc, entity, gid, body FROM peer_log WHERE origin = ? AND seq > ? ORDER BY seq", (me, start)):
        if seq != expected + 1:
            break  # never a hole in one's own log; if there were, nothing past it could be signed
        expected = seq
        h = link(h, me, seq, hlc, entity, gid, body)
        if seq % CHECK_EVERY == 0 or seq == top:
            rows.append((me, seq, h.hex(), key.sign(_message(me, seq, h)).hex()))
    conn.executemany("INSERT OR REPLACE INTO peer_chain(origin, seq, chain, sig) VALUES (?, ?, ?, ?)", rows)
    return len(rows)


def roster(session: Session) -> dict[str, list[Any]]:
    """Every key this laptop knows (its own included), as sent: {device: [public key, base]}."""
    conn = driver_connection(session)
    return {d: [k, b] for d, k, b in conn.execute(
        "SELECT device_id, public_key, base FROM peer_signers ORDER BY first_seen LIMIT ?", (MAX_ROSTER,))}


# --- pages: entries cut at a checkpoint, with the checkpoints covering them ----------------------------------


def page(session: Session, vv: dict[str, int], limit: int = changes.PAGE_OPS
         ) -> tuple[list[changes.RawOp], list[list[Any]], bool]:
    """`changes.raw_after`, each signing origin's entries cut at its last checkpoint in the page (or taken on
    to the next one, at most EXTEND_MAX more), and the checkpoints [origin, seq, chain, sig] covering them."""
    raw, more = changes.raw_after(session, vv, limit)
    conn = driver_connection(session)
    by_origin: dict[str, list[changes.RawOp]] = {}
    for op in raw:
        by_origin.setdefault(op[0], []).append(op)
    out: list[changes.RawOp] = []
    chk: list[list[Any]] = []
    for origin, ops in by_origin.items():
        lo, hi = ops[0][1], ops[-1][1]
        cps = conn.execute("SELECT seq, chain, sig FROM peer_chain WHERE origin = ? AND seq >= ? AND seq <= ?"
                           " ORDER BY seq", (origin, lo - 1, hi + EXTEND_MAX)).fetchall()
        held = [c for c in cps if _held(conn, origin, c[0])]  # (a fork taken back leaves checkpoints behind)
        anchor = [c for c in held if c[0] == lo - 1]  # lets a receiver that lacks lo-1 verify (a later file first)
        held = [c for c in held if c[0] >= lo]
        upto = max((c[0] for c in held if c[0] <= hi), default=None)
        if upto is None and held:
            upto = held[0][0]
            ops = ops + [tuple(r) for r in conn.execute(
                "SELECT origin, seq, hlc, entity, gid, body FROM peer_log WHERE origin = ? AND seq > ? AND seq <= ?"
                " ORDER BY seq", (origin, hi, upto))]
        if upto is None:
            out += ops  # no checkpoint: an unsigned laptop's entries, or unsigned history (the receiver decides)
            continue
        kept = [o for o in ops if o[1] <= upto]
        more = more or len(kept) < len(ops) or upto < hi
        out += kept
        chk += [[origin, s, c, g] for s, c, g in anchor + held if s <= upto]
    out.sort(key=lambda r: r[2])
    return out, chk, more


def _held(conn: Any, origin: str, seq: int) -> bool:
    return conn.execute("SELECT 1 FROM peer_log WHERE origin = ? AND seq = ?", (origin, seq)).fetchone() is not None


# --- what came from outside, bounded ------------------------------------------------------------------------


def check_roster(value: Any) -> Roster:
    """A roster as received: malformed items are dropped (a roster adds keys, it never refuses a page)."""
    out: Roster = {}
    if not isinstance(value, dict) or len(value) > MAX_ROSTER:
        return out
    for dev, item in value.items():
        if (isinstance(dev, str) and _HEX.match(dev) and isinstance(item, list) and len(item) == 2
                and isinstance(item[0], str) and _KEY.match(item[0]) and isinstance(item[1], int)
                and not isinstance(item[1], bool) and 0 <= item[1] < 2**62):
            out[dev] = (item[0], item[1])
    return out


def check_checkpoints(value: Any) -> Checkpoints:
    out: Checkpoints = {}
    if value is None:
        return out
    if not isinstance(value, list) or len(value) > MAX_CHECKPOINTS:
        raise PeerRefused("Dữ liệu đồng bộ sai cấu trúc (chữ ký): đã từ chối, không lưu gì",
                          en="The sync data has a wrong structure (signatures): refused, nothing stored")
    for item in value:
        if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and _HEX.match(item[0])
                and isinstance(item[1], int) and not isinstance(item[1], bool) and 0 < item[1] < 2**62
                and isinstance(item[2], str) and _KEY.match(item[2]) and isinstance(item[3], str)
                and _SIG.match(item[3])):
            raise PeerRefused("Dữ liệu đồng bộ sai cấu trúc (chữ ký): đã từ chối, không lưu gì",
                              en="The sync data has a wrong structure (signatures): refused, nothing stored")
        out.setdefault(item[0], {})[item[1]] = (item[2], item[3])
    return out


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def laptop_words(conn: Any, device: str) -> str:
    got = conn.execute("SELECT name FROM peer_devices WHERE device_id = ?", (device,)).fetchone()
    short = device[:8].upper()
    return f"{got[0]} ({short})" if got and got[0] else f"máy {short}"


def learn(session: Session, value: Any, via: str) -> list[str]:
    """Keys from another laptop's roster: a device id never seen is recorded with its key (trust on first use);
    a different key for a known device id is kept as an alarm and listed, never used. Returns the alarms."""
    conn = driver_connection(session)
    alarms = []
    for dev, (public, base) in check_roster(value).items():
        row = session.get(PeerSigner, dev)
        if row is None:
            session.add(PeerSigner(device_id=dev, public_key=public, base=base, first_seen=_now(), via=via[:32]))
            continue
        if row.public_key == public or row.changed_key == public:
            continue
        row.changed_key, row.changed_at = public, _now()
        who, told = laptop_words(conn, dev), laptop_words(conn, via) if _HEX.match(via) else via
        detail = (f"Khóa ký của {who} đã thay đổi (báo qua {told}): máy này vẫn dùng khóa đã biết và không nhận "
                  "thay đổi nào ký bằng khóa mới. Nếu máy đó được cài lại, người phụ trách chạy 'enrollpoint peer "
                  "reidentify' trên máy đó (mã máy mới); nếu không, có máy đang giả danh máy đó")
        conn.execute("INSERT OR IGNORE INTO peer_conflicts(key, kind, detail, created_at, resolved)"
                     " VALUES (?, 'key_changed', ?, ?, 0)", (f"key:{dev}:{public}"[:160], nfc(detail), _now()))
        alarms.append(detail)
    session.flush()
    return alarms


# --- receiving: entries kept only when their author's checkpoint verifies ------------------------------------


@dataclass
class Refusal:
    origin: str
    seq: int
    entity: str
    gid: str
    reason: str
    kind: str  # unsigned / forged / changed: kept aside and listed; gap: only not taken yet (it comes again)


@dataclass
class Screen:
    """One transfer's verifier: each origin's chain continued across pages (`state`: the last seq taken and
    the chain value at it). `record`: refused entries are quarantined and verified checkpoints kept (pass 2 of
    a USB import, every LAN page); otherwise it only filters (pass 1 of a USB import)."""

    via: str
    record: bool = True
    name: str = ""  # the sender's name when this laptop has not noted it yet (a file's first import)
    state: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    _public: dict[str, Ed25519PublicKey] = field(default_factory=dict)

    def filter(self, session: Session, ops: list[Any], proof: Checkpoints) -> list[Any]:
        """`ops` without the entries their claimed author did not sign (refused; quarantined when recording)."""
        conn = driver_connection(session)
        by_origin: dict[str, list[Any]] = {}
        for op in ops:
            by_origin.setdefault(op[0], []).append(op)
        drop: set[tuple[str, int]] = set()
        for origin, mine in by_origin.items():
            row = session.get(PeerSigner, origin)
            if row is None:
                continue  # no key known: a laptop not upgraded yet, taken unsigned (module doc)
            bad = self._origin(conn, row, sorted(mine, key=lambda o: o[1]), proof.get(origin, {}))
            drop |= {(r.origin, r.seq) for r in bad}
            self._refuse(conn, bad)
        return [op for op in ops if (op[0], op[1]) not in drop] if drop else ops

    def _origin(self, conn: Any, row: PeerSigner, ops: list[Any], cps: dict[int, tuple[str, str]]) -> list[Refusal]:
        """Entries of one signing origin, by runs of consecutive numbers; each run verified from the chain value
        before it: held here (this transfer's state, or recomputed), or a signed checkpoint (after a gap: a
        later file imported first)."""
        origin = row.device_id
        top, h = self.state.get(origin) or _held_chain(conn, origin)
        held = dict(conn.execute("SELECT seq, hlc || ' ' || gid FROM peer_log WHERE origin = ? AND seq BETWEEN ? AND ?",
                                 (origin, ops[0][1], ops[-1][1])).fetchall())
        runs: list[list[Any]] = []
        for op in ops:
            if held.get(op[1]) == f"{op[2]} {op[4]}":
                continue  # a copy of what is held: a duplicate
            if runs and op[1] == runs[-1][-1][1] + 1:
                runs[-1].append(op)
            else:
                runs.append([op])
        refused: list[Refusal] = []
        for run in runs:
            start = run[0][1] - 1
            base = h if start == top else _chain_at(conn, origin, start) if start < top else self._anchor(
                conn, row, start, cps)
            if base is None:
                refused += [self._why(conn, row, op, "gap") for op in run]
                continue
            taken, h_taken, bad = self._verify(row, run, base, cps)
            if taken:
                self._keep(conn, origin, start, taken, cps, start > top)
                if start == top:
                    top, h = start + len(taken), h_taken
                    self.state[origin] = (top, h)
            refused += [self._why(conn, row, op, bad) for op in run[len(taken):]]
        return refused

    def _anchor(self, conn: Any, row: PeerSigner, seq: int, cps: dict[int, tuple[str, str]]) -> bytes | None:
        """The chain value at `seq` from a checkpoint that verifies (sent with the page, or kept here)."""
        cp = cps.get(seq) or conn.execute("SELECT chain, sig FROM peer_chain WHERE origin = ? AND seq = ?",
                                          (row.device_id, seq)).fetchone()
        if cp is None:
            return None
        chain = bytes.fromhex(cp[0])
        return chain if self._signed(row, seq, chain, cp[1]) else None

    def _verify(self, row: PeerSigner, run: list[Any], h: bytes, cps: dict[int, tuple[str, str]]
                ) -> tuple[list[Any], bytes, str]:
        """The longest prefix of `run` (consecutive entries after the chain value `h`) covered by a checkpoint
        that verifies, then those at most `base` (unsigned history) that no checkpoint of the page follows;
        its chain value; why the rest is refused."""
        chain = [h]
        for op in run:
            chain.append(link(chain[-1], op[0], op[1], op[2], op[3], op[4], op[6] if len(op) > 6 else _body_text(op[5])))
        verified = 0
        for i, op in enumerate(run, start=1):
            cp = cps.get(op[1])
            if cp is None:
                continue
            if cp[0] != chain[i].hex() or not self._signed(row, op[1], chain[i], cp[1]):
                return run[:verified], chain[verified], "changed" if row.changed_key else "forged"
            verified = i
        n = verified
        while n < len(run) and run[n][1] <= row.base:
            n += 1
        return run[:n], chain[n], "changed" if row.changed_key else "unsigned"

    def _signed(self, row: PeerSigner, seq: int, chain: bytes, sig: str) -> bool:
        key = self._public.get(row.device_id)
        if key is None:
            key = self._public[row.device_id] = Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key))
        try:
            key.verify(bytes.fromhex(sig), _message(row.device_id, seq, chain))
        except InvalidSignature:
            return False
        return True

    def _keep(self, conn: Any, origin: str, start: int, taken: list[Any], cps: dict[int, tuple[str, str]],
              anchored: bool) -> None:
        """Checkpoints of the entries taken kept (relayed unchanged later); older ones in that range dropped.
        `anchored`: the run was verified from the page's checkpoint at `start` (kept too)."""
        if not self.record:
            return
        end = start + len(taken)
        conn.execute("DELETE FROM peer_chain WHERE origin = ? AND seq > ? AND seq <= ?", (origin, start, end))
        conn.executemany("INSERT OR REPLACE INTO peer_chain(origin, seq, chain, sig) VALUES (?, ?, ?, ?)",
                         [(origin, s, c, g) for s, (c, g) in cps.items() if start < s <= end
                          or (s == start and anchored)])

    def _why(self, conn: Any, row: PeerSigner, op: Any, kind: str) -> Refusal:
        via = f"{self.name} ({self.via[:8].upper()})" if self.name else laptop_words(conn, self.via)
        who = laptop_words(conn, row.device_id)
        reason = {
            "unsigned": f"không có chữ ký của {who} (gửi qua {via}: máy đó chưa cập nhật EnrollPoint, hoặc giả "
                        "danh): không nhận, không đổi gì",
            "forged": f"chữ ký của {who} không khớp nội dung (bị sửa hoặc giả danh, gửi qua {via}): không nhận, "
                      "không đổi gì",
            "changed": f"ký bằng khóa khác khóa đã biết của {who} (gửi qua {via}): không nhận, không đổi gì",
            "gap": f"của {who} nhưng đến trước các thay đổi đứng trước nó (gửi qua {via}): chưa nhận, sẽ nhận lại "
                   "khi đồng bộ",
        }[kind]
        return Refusal(op[0], op[1], op[3], op[4], reason, kind)

    def _refuse(self, conn: Any, bad: list[Refusal]) -> None:
        """Kept aside (the quarantine list) and named once in the conflict list (`peer status`, the panel)."""
        self.refused += bad
        aside = [r for r in bad if r.kind != "gap"]
        if not self.record or not aside:
            return
        conn.executemany("INSERT OR IGNORE INTO peer_quarantine(origin, seq, entity, gid, reason, created_at)"
                         " VALUES (?, ?, ?, ?, ?, ?)", [(r.origin, r.seq, r.entity, r.gid, nfc(r.reason), _now())
                                                        for r in aside])
        conn.executemany("INSERT OR IGNORE INTO peer_conflicts(key, kind, detail, created_at, resolved)"
                         " VALUES (?, 'not_signed', ?, ?, 0)",
                         sorted({(f"signed:{r.origin}:{self.via}:{r.kind}"[:160], nfc(f"Thay đổi {r.reason}"), _now())
                                 for r in aside}))


def _body_text(body: Any) -> str:
    from desktop.services.peer.stamp import dumps

    return dumps(body)


def _held_chain(conn: Any, origin: str) -> tuple[int, bytes]:
    """The highest seq held without a gap for `origin`, and the chain value at it."""
    vv = _contiguous_top(conn, origin)
    return vv, _chain_at(conn, origin, vv)


def _contiguous_top(conn: Any, origin: str) -> int:
    top, n = conn.execute("SELECT coalesce(max(seq), 0), count(*) FROM peer_log WHERE origin = ?", (origin,)).fetchone()
    if top == n:
        return int(top)
    expected = 0
    for (seq,) in conn.execute("SELECT seq FROM peer_log WHERE origin = ? ORDER BY seq", (origin,)):
        if seq != expected + 1:
            break
        expected = seq
    return expected


def _chain_at(conn: Any, origin: str, seq: int) -> bytes:
    """The chain value after entry `seq` of `origin`: the nearest kept checkpoint at or below it, then the
    entries held after it recomputed."""
    if seq <= 0:
        return ZERO
    cp = conn.execute("SELECT seq, chain FROM peer_chain WHERE origin = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
                      (origin, seq)).fetchone()
    start, h = (int(cp[0]), bytes.fromhex(cp[1])) if cp else (0, ZERO)
    for s, hlc, entity, gid, body in conn.execute(
            "SELECT seq, hlc, entity, gid, body FROM peer_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq",
            (origin, start, seq)):
        h = link(h, origin, s, hlc, entity, gid, body)
    return h


def refusal_lines(refused: Iterable[Refusal]) -> list[str]:
    counts: dict[str, int] = {}
    for r in refused:
        counts[r.reason] = counts.get(r.reason, 0) + 1
    return [f"{n} thay đổi {reason}" for reason, n in counts.items()]

"""Change-log stamps made canonical: counters past 99,999 carried into the physical part, and
stamps at or after 2100-01-01 (a poisoned clock, e.g. 9999999999999.99999) clamped to 2026-12-06 keeping
counter and device, in `peer_log`, in the field clocks of `peer_rows` and in this laptop's clock
(settings `peer.hlc`). The rule is a pure function of the stamp (frozen here, the same as
desktop/services/peer/hlc.py of this version), so every laptop turns one stamp into the same value, and a
new edit of a field that held a poisoned stamp wins on every laptop afterwards.

Revision ID: 0007_peer_clock
Revises: 0006_outbox_states
"""

from __future__ import annotations

import json
import re
import time

from alembic import op

revision = "0007_peer_clock"
down_revision = "0006_outbox_states"
branch_labels = None
depends_on = None

_COUNTER = 100_000
_CEILING_MS = 4_102_444_800_000  # 2100-01-01T00:00Z
_CLAMP_MS = 1_796_515_200_000  # 2026-12-06T00:00Z
_OK = re.compile(r"^\d{13}\.\d{5}\.")


def _canonical(text: str) -> str:
    if _OK.match(text) and text[:13] < f"{_CEILING_MS:013d}":
        return text
    ms_s, counter_s, device = text.split(".", 2)
    ms, counter = int(ms_s) + int(counter_s) // _COUNTER, int(counter_s) % _COUNTER
    if ms >= _CEILING_MS:
        ms = _CLAMP_MS
    return f"{ms:013d}.{counter:05d}.{device}"


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.exec_driver_sql("SELECT origin, seq, hlc FROM peer_log WHERE instr(substr(hlc, 15), '.') <> 6"
                        " OR substr(hlc, 1, 13) >= ?", (f"{_CEILING_MS:013d}",)).fetchall()
    if rows:
        conn.exec_driver_sql("UPDATE peer_log SET hlc = ? WHERE origin = ? AND seq = ?",
                             [(_canonical(h), o, s) for o, s, h in rows])
    fixes = []
    for gid, fields in conn.exec_driver_sql("SELECT gid, fields FROM peer_rows").fetchall():
        hlcs, by_field = json.loads(fields)
        new = [_canonical(h) for h in hlcs]
        if new != hlcs:
            fixes.append((json.dumps([new, by_field], ensure_ascii=False, separators=(",", ":")), gid))
    if fixes:
        conn.exec_driver_sql("UPDATE peer_rows SET fields = ? WHERE gid = ?", fixes)
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'peer.hlc'").fetchone()
    if row and row[0]:
        clock = _canonical(row[0])
        # The local clock itself: never kept more than a day ahead of the wall (it would stamp every new edit
        # there); a clock already ahead within that day stays, so this laptop's stamps never go backwards.
        limit = int(time.time() * 1000) + 24 * 3600 * 1000
        if int(clock[:13]) > limit:
            clock = f"{limit:013d}.00000.{clock.split('.', 2)[2]}"
        conn.exec_driver_sql("UPDATE settings SET value = ? WHERE key = 'peer.hlc'", (clock,))


def downgrade() -> None:
    pass  # canonical stamps are valid stamps of the previous revision too

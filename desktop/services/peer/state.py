"""The cached status of citizens rebuilt from their events in one order every laptop agrees on.

Order: (occurred_at, recorded_at, gid). Events from two laptops can interleave in ways the status machine
would refuse one at a time (both laptops recorded "card captured"); an event the machine refuses at its
place in the merged history is kept in the history and skipped for the state, so the state is a pure
function of the set of events and every laptop computes the same one. An `undo` event and the mark it
undoes (`undoes_id`) are both kept in the history and both skipped for the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from desktop.errors import ValidationError
from desktop.services.register import statuses
from desktop.services.register.status_rules import live_events

CHUNK = 500


def rebuild(conn: Any, citizen_ids: Iterable[int]) -> int:
    """Recompute status/has_card/vneid_stage of these citizens; returns how many changed."""
    ids = sorted(set(citizen_ids))
    changed = 0
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        marks = ",".join("?" * len(part))
        base = {
            cid: (status, bool(has_card), int(stage), bool(card_date) or bool(card_known), int(vneid_known or 0))
            for cid, status, has_card, stage, card_date, card_known, vneid_known in conn.execute(
                f"SELECT id, status, has_card, vneid_stage, card_issued_on, card_known, vneid_known FROM citizens"
                f" WHERE id IN ({marks})", part)
        }
        events: dict[int, list[tuple[int, str, int | None]]] = {cid: [] for cid in base}
        for cid, row_id, ev, undoes in conn.execute(
            f"SELECT citizen_id, id, event_type, undoes_id FROM status_events WHERE citizen_id IN ({marks})"
            " ORDER BY citizen_id, occurred_at, recorded_at, gid", part):
            events[cid].append((row_id, ev, undoes))
        updates = []
        for cid, (status, has_card, stage, card_known, vneid_known) in base.items():
            st = derive_tolerant(live_events(events[cid]), card_known, vneid_known)
            if (st.status, st.has_card, st.vneid_stage) != (status, has_card, stage):
                updates.append((str(st.status), int(st.has_card), st.vneid_stage, cid))
        if updates:
            conn.executemany("UPDATE citizens SET status = ?, has_card = ?, vneid_stage = ? WHERE id = ?", updates)
            changed += len(updates)
    return changed


def derive_tolerant(events: list[str], card_known: bool, vneid_known: int) -> statuses.State:
    state = statuses.initial_state(card_known, vneid_known)
    for e in events:
        try:
            state = statuses.apply(state, e)
        except ValidationError:
            continue
    return state

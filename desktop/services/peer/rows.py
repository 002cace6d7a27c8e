"""Row helpers of the merge: defaults of columns an entry does not carry, a citizen's derived keys, and
which entries of a page this laptop already holds."""

from __future__ import annotations

from typing import Any

from desktop.services.register.record import name_columns, search_text, village_key

# Values for NOT NULL columns a shared entry does not carry (local-only or derived, filled after).
INSERT_DEFAULTS: dict[str, dict[str, Any]] = {
    "citizens": {"full_name_raw": "", "family_name": "", "middle_name": "", "given_name": "", "name_key": "",
                 "given_key": "", "sort_given": "", "sort_family": "", "village": "", "village_key": "",
                 "address": "", "needs_home_visit": 0, "elderly": 0, "disabled": 0, "card_known": 0,
                 "vneid_known": 0, "note": "", "search_text": "", "status": "new", "has_card": 0, "vneid_stage": 0},
    "points": {"address": "", "kind": "mobile", "active": 1},
    "enrollment_sessions": {"slot_minutes": 30, "kits": 1, "minutes_per_person": 5, "state": "planned", "note": ""},
    "appointments": {"purpose": "card", "state": "booked"},
    "status_events": {"note": ""},
}


def citizen_keys(row: dict[str, Any]) -> dict[str, Any]:
    family, middle, given, name_key, given_key, sort_given, sort_family = name_columns(row["full_name"])
    vkey = village_key(row.get("village") or "")
    return {"family_name": family, "middle_name": middle, "given_name": given, "name_key": name_key,
            "given_key": given_key, "sort_given": sort_given, "sort_family": sort_family, "village_key": vkey,
            "search_text": search_text(name_key, row.get("id_number"), row.get("old_cmnd"), row.get("phone"), vkey)}


def held(conn: Any, ops: list[Any]) -> set[tuple[str, int]]:
    """(origin, seq) of the page's entries this laptop already holds (one range query per origin)."""
    ranges: dict[str, tuple[int, int]] = {}
    for op in ops:
        origin, seq = op[0], op[1]
        lo, hi = ranges.get(origin, (seq, seq))
        ranges[origin] = (min(lo, seq), max(hi, seq))
    out: set[tuple[str, int]] = set()
    for origin, (lo, hi) in ranges.items():
        out.update((origin, s) for (s,) in conn.execute(
            "SELECT seq FROM peer_log WHERE origin = ? AND seq BETWEEN ? AND ?", (origin, lo, hi)))
    return out

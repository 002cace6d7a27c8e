"""The few facts a check-in row shows, read from what the check-in search returns (a CheckinHit, or the
CitizenRow inside it): kept apart from the view so the view stays one screen's wiring."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.services.register.rows import CitizenRow
    from desktop.services.scheduling.checkin import CheckinHit


def _get(obj: object, *names: str, default: Any = None) -> Any:
    for n in names:
        if obj is not None and hasattr(obj, n):
            return getattr(obj, n)
    return default



def hit_fields(hit: CheckinHit | CitizenRow) -> dict[str, Any]:
    """The few facts a check-in row shows, from a CheckinHit (or the CitizenRow inside it)."""
    c = _get(hit, "citizen", "row", default=hit)
    birth = _get(c, "birth_date", default=None)
    return {
        "citizen_id": _get(hit, "citizen_id", default=_get(c, "id", "citizen_id")),
        "full_name": _get(hit, "full_name", default=_get(c, "full_name", default="")),
        "birth": birth.strftime("%d/%m/%Y") if isinstance(birth, dt.date) else str(_get(c, "birth_year", default="") or ""),
        "id_number": _get(hit, "id_number", default=_get(c, "id_number", default="")) or "",
        "village": _get(hit, "village", default=_get(c, "village", default="")) or "",
        "status": _get(hit, "status", "citizen_status", default=_get(c, "status", default="")) or "",
        "code": _get(hit, "appointment_code", "code", default="") or "",
        "slot": _get(hit, "slot_start", default=None),
        "appointment_state": _get(hit, "appointment_state", default="") or "",
        "matched_code": bool(_get(hit, "matched_code", "by_code", default=False)),
    }

"""Every shared field of an entry checked for type and range before it is merged (a member laptop is not
trusted to send well-formed records: a birth date `true` or an event time "not-a-time" would otherwise be
stored and crash `status` and `search` for that citizen).

The checks follow the columns the field lands in (desktop/models), plus the domain's ranges and
vocabularies. `problem()` names the first bad field and why, in Vietnamese, never its value (it may be
personal data); an entry with a problem is quarantined by merge.py, not refused, so later entries of the
same laptop still flow (docs/peer-sync.md "Quarantine").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Time

from desktop.models import Base
from desktop.services.peer.spec import BY_NAME, Entity
from desktop.services.register.status_rules import UNDO, EventType

MAX_TEXT = 4000
_GID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DIGITS = re.compile(r"^[0-9]+$")
_YEARS = (1900, 2100)
# Ranges and vocabularies beyond the column type: what the register's own forms accept.
_INT_RANGE: dict[str, tuple[int, int]] = {
    "birth_year": _YEARS, "slot_minutes": (1, 1440), "kits": (1, 100), "minutes_per_person": (1, 1440),
    "vneid_known": (0, 3),
}
_CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("event", "event_type"): frozenset(EventType) | {UNDO},
    ("citizen", "sex"): frozenset({"M", "F"}),
}
_DIGIT_FIELDS = {"id_number": (9, 12), "old_cmnd": (9, 9)}

Check = Callable[[Any], str | None]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _year_ok(year: int) -> bool:
    return _YEARS[0] <= year <= _YEARS[1]


def _date(v: Any) -> str | None:
    if not isinstance(v, str) or len(v) != 10:
        return "không phải ngày"
    try:
        return None if _year_ok(dt.date.fromisoformat(v).year) else "năm ngoài khoảng 1900–2100"
    except ValueError:
        return "không phải ngày"


def _datetime(v: Any) -> str | None:
    if not isinstance(v, str) or not 10 <= len(v) <= 32:
        return "không phải thời điểm"
    try:
        return None if _year_ok(dt.datetime.fromisoformat(v).year) else "năm ngoài khoảng 1900–2100"
    except ValueError:
        return "không phải thời điểm"


def _time(v: Any) -> str | None:
    if not isinstance(v, str) or len(v) > 15:
        return "không phải giờ"
    try:
        dt.time.fromisoformat(v)
    except ValueError:
        return "không phải giờ"
    return None


def _column_check(ent: Entity, name: str) -> Check:
    column_type = Base.metadata.tables[ent.table].c[name].type
    if name in ent.refs:
        return lambda v: None if isinstance(v, str) and _GID.match(v) else "không phải mã hồ sơ"
    if isinstance(column_type, Boolean):
        return lambda v: None if v in (0, 1) and (isinstance(v, bool) or _is_int(v)) else "không phải có/không"
    if isinstance(column_type, DateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Time):
        return _time
    if isinstance(column_type, Integer):
        lo, hi = _INT_RANGE.get(name, (0, 2**31 - 1))
        return lambda v: None if _is_int(v) and lo <= v <= hi else f"không phải số từ {lo} đến {hi}"
    if isinstance(column_type, String) and column_type.length:
        return _text_check(ent, name, column_type.length)
    return _text_check(ent, name, MAX_TEXT)


def _text_check(ent: Entity, name: str, length: int) -> Check:
    choices = _CHOICES.get((ent.name, name))
    digits = _DIGIT_FIELDS.get(name) if ent.name == "citizen" else None

    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return "không phải chữ"
        if len(v) > length:
            return f"dài quá {length} ký tự"
        if choices is not None and v not in choices:
            return "giá trị không có trong danh mục"
        if digits is not None and not (_DIGITS.match(v) and digits[0] <= len(v) <= digits[1]):
            return "không phải dãy số đúng độ dài"
        return None

    return check


def _nullable(ent: Entity, name: str) -> bool:
    return bool(Base.metadata.tables[ent.table].c[name].nullable)


_CHECKS: dict[str, dict[str, tuple[Check, bool]]] = {
    e.name: {f: (_column_check(e, f), _nullable(e, f)) for f in e.fields} for e in BY_NAME.values()
}


def problem(entity: str, body: dict[str, Any]) -> str | None:
    """The first field of this entry that cannot be merged, as "<field>: <reason>"; None when all are fine.
    Fields this version does not share are ignored (a newer laptop may send more)."""
    checks = _CHECKS.get(entity)
    if checks is None:
        return "loại hồ sơ không biết"
    for name in sorted(body):
        if name not in checks:
            continue
        check, nullable = checks[name]
        value = body[name]
        if value is None:
            if not nullable:
                return f"{name}: thiếu giá trị"
            continue
        reason = check(value)
        if reason is not None:
            return f"{name}: {reason}"
    return None

"""Who is due for what on a given day (Law on Identification 26/2023/QH15, Decree 69/2024 on VNeID).

Four kinds of work: a first chip card (age ≥ 14, no card), a renewal (the card has expired: cards are
renewed at 14, 25, 40 and 60; a card issued within 2 years before one of those ages lasts to the next
one; issued at 58 or older it never expires), VNeID level-2 registration (has a card, age ≥ 14, nothing
registered) and VNeID activation (registered or approved, not activated). Terminal statuses (ineligible,
moved away, deceased) are never due; deferred and rejected citizens stay on the lists, flagged.

The same rules exist twice, on purpose: in Python (`card_expiry`, `due_kinds_for`) for one citizen and in
SQL (`due_filter_sql`) so that the queue and the lists filter 200,000 rows inside SQLite. Tests check that
both agree. Birthdays on 29 February fall on 1 March in common years in both (SQLite's date() does that).
A birth date known only as a year counts as 1 January of that year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from desktop.models import StatusEvent, Target
from desktop.services.due_kinds import DUE_KINDS, TARGET_FOR, DueKind
from desktop.services.due_kinds import DUE_LABELS_VI as DUE_LABELS_VI  # re-exported: callers use due.*
from desktop.services.rows import N_ROW_COLUMNS, ROW_COLUMNS, CitizenRow, row_from_tuple
from desktop.services.statuses import TERMINAL, Status
from desktop.storage.connect import driver_connection

CARD_AGE = 14
RENEWAL_AGES = (14, 25, 40, 60)
GRACE_YEARS = 2  # a card issued this close before a renewal age lasts to the next one
TERMINAL_VALUES = tuple(sorted(s.value for s in TERMINAL))
FLAGGED_VI = {Status.DEFERRED.value: "Tạm hoãn", Status.REJECTED.value: "Bị từ chối"}
# Events after the card's issue date that mean the renewal is already under way.
RENEWAL_EVENTS = ("card_captured", "card_issued")


# ---------------------------------------------------------------------------------------------- dates
def add_years(d: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a common year (as SQLite's date())."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 3, 1)


def sub_years(d: dt.date, years: int) -> dt.date:
    """Latest birth date b with add_years(b, years) <= d (29 February → 28 February)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return dt.date(d.year - years, 2, 28)


def birth_of(birth_date: dt.date | None, birth_year: int | None) -> dt.date | None:
    """The date the rules use: the full date, else 1 January of the year, else unknown."""
    if birth_date is not None:
        return birth_date
    if birth_year:
        return dt.date(int(birth_year), 1, 1)
    return None


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years on `on`."""
    years = on.year - birth.year
    if add_years(birth, years) > on:
        years -= 1
    return years


def card_expiry(birth: dt.date, issued: dt.date) -> dt.date | None:
    """The day a card issued on `issued` must be renewed, or None when it never expires.

    Renewal ages 14, 25, 40, 60; a card issued within 2 years before one of them lasts to the next one,
    so a card issued at 58 or later never expires.
    """
    for age in RENEWAL_AGES:
        birthday = add_years(birth, age)
        if issued >= birthday:
            continue  # that renewal age had already passed
        if issued >= add_years(birth, age - GRACE_YEARS):
            continue  # issued within the 2 years before it: valid to the next renewal age
        return birthday
    return None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _last_card_event_on(obj: Any) -> dt.date | None:
    """For a Citizen attached to a session: the day of its latest card dossier/issue event."""
    session = object_session(obj) if hasattr(obj, "_sa_instance_state") else None
    if session is None or _get(obj, "id") is None:
        return None
    return session.scalar(
        select(func.max(StatusEvent.occurred_on)).where(
            StatusEvent.citizen_id == obj.id, StatusEvent.event_type.in_(RENEWAL_EVENTS)
        )
    )


def due_kinds_for(
    citizen: Any,
    on: dt.date,
    *,
    within_days: int = 0,
    renewal_started_on: dt.date | None = None,
) -> set[DueKind]:
    """The kinds of work due for one citizen (a Citizen model or a CitizenRow) on `on`.

    `renewal_started_on`: the day of the latest card dossier after the card was issued, when known; for a
    Citizen model attached to a session it is looked up.
    """
    status = _get(citizen, "status", Status.NEW.value)
    if status in TERMINAL_VALUES:
        return set()
    kinds: set[DueKind] = set()
    birth = birth_of(_get(citizen, "birth_date"), _get(citizen, "birth_year"))
    adult = birth is not None and age_on(birth, on) >= CARD_AGE
    has_card = bool(_get(citizen, "has_card", False))
    stage = int(_get(citizen, "vneid_stage", 0) or 0)
    if adult and not has_card:
        kinds.add(DueKind.FIRST_CARD)
    issued = _get(citizen, "card_issued_on")
    if has_card and issued is not None and birth is not None:
        expiry = card_expiry(birth, issued)
        if expiry is not None and expiry <= on + dt.timedelta(days=within_days):
            started = renewal_started_on or _last_card_event_on(citizen)
            if started is None or started <= issued:
                kinds.add(DueKind.RENEW)
    if has_card and adult and stage == 0:
        kinds.add(DueKind.VNEID_REGISTER)
    if stage in (1, 2):
        kinds.add(DueKind.VNEID_ACTIVATE)
    return kinds


# ------------------------------------------------------------------------------------------------ SQL
_BIRTH_SQL = "coalesce({a}.birth_date, printf('%04d-01-01', {a}.birth_year))"


def due_filter_sql(
    kind: DueKind | str | None, on: dt.date, *, within_days: int = 0, alias: str = "c"
) -> tuple[str, dict[str, Any]]:
    """A WHERE fragment over `citizens AS alias` selecting who is due (any kind when `kind` is None).

    Plain comparisons on ISO date strings, with bounds computed here, so SQLite filters 200k rows in a
    few tens of milliseconds. Parameter names start with `due_`.
    """
    a = alias
    params: dict[str, Any] = {
        "due_d14": sub_years(on, CARD_AGE).isoformat(),
        "due_y14": on.year - CARD_AGE,
    }
    for i, t in enumerate(TERMINAL_VALUES):
        params[f"due_t{i}"] = t
    not_terminal = f"{a}.status NOT IN ({', '.join(f':due_t{i}' for i in range(len(TERMINAL_VALUES)))})"
    adult = (
        f"({a}.birth_date <= :due_d14 OR ({a}.birth_date IS NULL AND {a}.birth_year <= :due_y14))"
    )
    parts: dict[DueKind, str] = {
        DueKind.FIRST_CARD: f"({a}.has_card = 0 AND {adult})",
        DueKind.VNEID_REGISTER: f"({a}.has_card = 1 AND {a}.vneid_stage = 0 AND {adult})",
        DueKind.VNEID_ACTIVATE: f"({a}.vneid_stage IN (1, 2))",
    }
    cutoff = on + dt.timedelta(days=within_days)
    birth = _BIRTH_SQL.format(a=a)
    milestones = []
    for age in RENEWAL_AGES:
        params[f"due_r{age}"] = sub_years(cutoff, age).isoformat()
        milestones.append(
            f"({birth} <= :due_r{age} AND {a}.card_issued_on < date({birth}, '+{age - GRACE_YEARS} years'))"
        )
    params["due_ev0"], params["due_ev1"] = RENEWAL_EVENTS
    parts[DueKind.RENEW] = (
        f"({a}.has_card = 1 AND {a}.card_issued_on IS NOT NULL AND "
        f"({a}.birth_date IS NOT NULL OR {a}.birth_year IS NOT NULL) AND ({' OR '.join(milestones)}) "
        f"AND NOT EXISTS (SELECT 1 FROM status_events e WHERE e.citizen_id = {a}.id "
        f"AND e.event_type IN (:due_ev0, :due_ev1) AND e.occurred_on > {a}.card_issued_on))"
    )
    body = " OR ".join(parts[k] for k in DueKind) if kind is None else parts[DueKind(kind)]
    return f"({not_terminal} AND ({body}))", params


def due_kind_columns_sql(on: dt.date, *, within_days: int = 0, alias: str = "c") -> tuple[str, dict[str, Any]]:
    """SELECT-list expressions `k_first_card, k_renew, …` (0/1), one per kind, for the due list."""
    cols = []
    params: dict[str, Any] = {}
    for k in DUE_KINDS:
        frag, p = due_filter_sql(k, on, within_days=within_days, alias=alias)
        cols.append(f"{frag} AS k_{k.value}")
        params.update(p)
    return ", ".join(cols), params


def due_mask_sql(on: dt.date, *, alias: str = "c") -> tuple[str, dict[str, Any]]:
    """One integer SELECT expression: bit i set when DUE_KINDS[i] is due (0 = not due), from the same rules.

    Auto-assign streams the whole register with it: one column per row instead of four.
    """
    terms = []
    params: dict[str, Any] = {}
    for bit, kind in enumerate(DUE_KINDS):
        frag, p = due_filter_sql(kind, on, alias=alias)
        params.update(p)
        terms.append(f"coalesce(({frag}), 0) * {1 << bit}")
    return " + ".join(terms), params


def kinds_of_mask(mask: int) -> list[DueKind]:
    """The kinds whose bits are set in a `due_mask_sql` value, in DUE_KINDS order."""
    return [k for i, k in enumerate(DUE_KINDS) if mask & (1 << i)]


# ------------------------------------------------------------------------------------------ due lists
@dataclass(frozen=True, slots=True)
class DueItem:
    citizen: CitizenRow
    kinds: frozenset[DueKind]
    deadline: dt.date | None
    reason_vi: str
    flag_vi: str | None = None  # "Tạm hoãn" / "Bị từ chối": still listed, shown flagged


def _fmt(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def reason_for(kinds: set[DueKind] | frozenset[DueKind], row: Any, on: dt.date) -> tuple[str, dt.date | None]:
    """Vietnamese reason text and, for renewals, the card's expiry date."""
    reasons = []
    expiry = None
    birth = birth_of(_get(row, "birth_date"), _get(row, "birth_year"))
    if DueKind.FIRST_CARD in kinds:
        age = age_on(birth, on) if birth else None
        reasons.append(f"Đủ {age} tuổi, chưa có thẻ CCCD" if age is not None else "Chưa có thẻ CCCD")
    if DueKind.RENEW in kinds:
        issued = _get(row, "card_issued_on")
        if birth and issued:
            expiry = card_expiry(birth, issued)
        if expiry:
            verb = "hết hạn" if expiry <= on else "sắp hết hạn"
            reasons.append(f"Thẻ CCCD cấp ngày {_fmt(issued)} {verb} ngày {_fmt(expiry)}: cần cấp đổi")
        else:
            reasons.append("Thẻ CCCD cần cấp đổi")
    if DueKind.VNEID_REGISTER in kinds:
        reasons.append("Có thẻ CCCD, chưa đăng ký VNeID mức 2")
    if DueKind.VNEID_ACTIVATE in kinds:
        reasons.append("Đã đăng ký VNeID mức 2, chưa kích hoạt")
    return "; ".join(reasons), expiry


def target_deadlines(session: Session) -> dict[str, dt.date]:
    """indicator → the province target's deadline, for the targets that have one."""
    return {t.indicator: t.deadline for t in session.scalars(select(Target)) if t.deadline is not None}


def due_list(
    session: Session,
    on: dt.date,
    kind: DueKind | str | None = None,
    village_key: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    *,
    within_days: int = 0,
) -> list[DueItem]:
    """Citizens due on `on`, by village then in Vietnamese given-name order.

    The deadline is the card's expiry for renewals, else the province target's deadline for that kind of
    work (when one is stored), the earliest when several apply.
    """
    where, params = due_filter_sql(kind, on, within_days=within_days)
    cols, kparams = due_kind_columns_sql(on, within_days=within_days)
    params.update(kparams)
    sql = f"SELECT {ROW_COLUMNS}, {cols} FROM citizens c WHERE {where}"
    if village_key:
        sql += " AND c.village_key = :vk"
        params["vk"] = village_key
    sql += " ORDER BY c.village_key, c.sort_given, c.id"
    if limit is not None or offset:
        sql += " LIMIT :lim OFFSET :off"
        params["lim"] = -1 if limit is None else int(limit)
        params["off"] = int(offset)
    targets = target_deadlines(session)
    out = []
    kinds_of: dict[tuple[Any, ...], frozenset[DueKind]] = {}
    for tup in driver_connection(session).execute(sql, params):
        row = row_from_tuple(tup[:N_ROW_COLUMNS])
        flags = tup[N_ROW_COLUMNS:]
        kinds = kinds_of.get(flags)
        if kinds is None:
            kinds = kinds_of[flags] = frozenset(k for k, f in zip(DUE_KINDS, flags, strict=True) if f)
        reason, expiry = reason_for(kinds, row, on)
        deadlines = [expiry] if expiry else []
        deadlines += [targets[TARGET_FOR[k]] for k in kinds if TARGET_FOR[k] in targets]
        out.append(DueItem(row, kinds, min(deadlines) if deadlines else None, reason, FLAGGED_VI.get(row.status)))
    return out


def count_due(session: Session, on: dt.date, kind: DueKind | str | None = None, village_key: str | None = None) -> int:
    where, params = due_filter_sql(kind, on)
    sql = f"SELECT count(*) FROM citizens c WHERE {where}"
    if village_key:
        sql += " AND c.village_key = :vk"
        params["vk"] = village_key
    return int(driver_connection(session).execute(sql, params).fetchone()[0])

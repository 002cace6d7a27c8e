"""Who is due for what on a given day (Law on Identification 26/2023/QH15, Decree 69/2024 on VNeID).

Four kinds of work: a first chip card (age ≥ 14, no card), a renewal (the card has expired: cards are
renewed at 14, 25, 40 and 60; a card issued within 2 years before one of those ages lasts to the next
one; issued at 58 or older it never expires), VNeID level-2 registration (has a card, age ≥ 14, nothing
registered) and VNeID activation (registered or approved, not activated). Terminal statuses (ineligible,
moved away, deceased) are never due; deferred and rejected citizens stay on the lists, flagged.

The same rules exist twice, on purpose: in Python (`card_expiry`, `due_kinds_for`) for one citizen and in
SQL (`due_filter_sql`) so that the queue and the lists filter 200,000 rows inside SQLite. Tests check that
both agree. Birthdays on 29 February fall on 1 March in common years in both (SQLite's date() does that).

The card a renewal is computed from is the latest one known: the issue date from the register
(`card_issued_on`, typed in or imported) or, when later, the day of the latest `card_captured` (the new card
is issued from that dossier within days) or `card_delivered` (the card handed over) event. So a card
captured again at 25 makes the citizen due again at 40, and at 60 after the next one.

A birth known only as a year never claims an age not yet certain: the person is certainly N years old
only on 31 December of year + N, so ages and renewal days are counted from 31 December, while the
two-year window before a renewal age (which makes a card last longer) is counted from 1 January — the
renewal day is then the latest the real birthday allows, never an earlier one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from common.dates import add_years, age_on
from desktop.services.due.kinds import DUE_KINDS, TARGET_FOR, DueKind
from desktop.services.due.kinds import DUE_LABELS_VI as DUE_LABELS_VI  # re-exported: callers use due.*
from desktop.services.register.rows import N_ROW_COLUMNS, ROW_COLUMNS, CitizenRow, as_date, row_from_tuple
from desktop.services.register.status_rules import TERMINAL, Status
from desktop.storage.connect import driver_connection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# SQLAlchemy and the models are imported inside the two functions that query through the ORM: the rules
# and the SQL fragments serve commands that read without SQLAlchemy (`enrollpoint search`, `status`).

CARD_AGE = 14
RENEWAL_AGES = (14, 25, 40, 60)
GRACE_YEARS = 2  # a card issued this close before a renewal age lasts to the next one
TERMINAL_VALUES = tuple(sorted(s.value for s in TERMINAL))
FLAGGED_VI = {Status.DEFERRED.value: "Tạm hoãn", Status.REJECTED.value: "Bị từ chối"}
# Events whose day is the issue date of a new card (a capture: the card is made from it within days).
RENEWAL_EVENTS = ("card_captured", "card_delivered")
YEAR_ONLY_VI = "chỉ có năm sinh"


# ---------------------------------------------------------------------------------------------- dates
def sub_years(d: dt.date, years: int) -> dt.date:
    """Latest birth date b with add_years(b, years) <= d (29 February → 28 February)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return dt.date(d.year - years, 2, 28)


def birth_of(birth_date: dt.date | None, birth_year: int | None) -> dt.date | None:
    """The earliest the birth can be: the full date, else 1 January of the year, else unknown."""
    if birth_date is not None:
        return birth_date
    if birth_year:
        return dt.date(int(birth_year), 1, 1)
    return None


def certain_birth(birth_date: dt.date | None, birth_year: int | None) -> dt.date | None:
    """The latest the birth can be: the full date, else 31 December of the year (ages counted from it are
    certain), else unknown."""
    if birth_date is not None:
        return birth_date
    if birth_year:
        return dt.date(int(birth_year), 12, 31)
    return None


def year_only(birth_date: dt.date | None, birth_year: int | None) -> bool:
    """Only the year of birth is known (lists then say "chỉ có năm sinh")."""
    return birth_date is None and bool(birth_year)


def card_expiry(birth: dt.date, issued: dt.date, *, only_year: bool = False) -> dt.date | None:
    """The day a card issued on `issued` must be renewed, or None when it never expires.

    Renewal ages 14, 25, 40, 60; a card issued within 2 years before one of them lasts to the next one,
    so a card issued at 58 or later never expires. `only_year`: `birth` is 1 January of a year known
    alone; the window is counted from it and the renewal day is 31 December (the latest possible).
    """
    for age in RENEWAL_AGES:
        if issued >= add_years(birth, age - GRACE_YEARS):
            continue  # that age had passed, or the card was issued within the 2 years before it
        return dt.date(birth.year + age, 12, 31) if only_year else add_years(birth, age)
    return None


def expiry_for(birth_date: dt.date | None, birth_year: int | None, issued: dt.date | None) -> dt.date | None:
    """`card_expiry` from a register row's birth fields (None when the birth or the issue is unknown)."""
    birth = birth_of(birth_date, birth_year)
    if birth is None or issued is None:
        return None
    return card_expiry(birth, issued, only_year=year_only(birth_date, birth_year))


def card_basis(card_issued_on: dt.date | None, last_card_on: dt.date | None) -> dt.date | None:
    """The issue date renewals count from: the register's date or the latest capture/delivery, the later."""
    known = [d for d in (card_issued_on, last_card_on) if d is not None]
    return max(known) if known else None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _last_card_event_on(obj: Any) -> dt.date | None:
    """For a Citizen attached to a session: the day of its latest card capture/delivery event."""
    if not hasattr(obj, "_sa_instance_state"):
        return None  # a row, not a model: no session to ask
    from sqlalchemy import func, select
    from sqlalchemy.orm import object_session

    from desktop.models import StatusEvent

    session = object_session(obj)
    if session is None or _get(obj, "id") is None:
        return None
    return session.scalar(
        select(func.max(StatusEvent.occurred_on)).where(
            StatusEvent.citizen_id == obj.id, StatusEvent.event_type.in_(RENEWAL_EVENTS)
        )
    )


def card_renewal(citizen: Any, *, last_card_on: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """(the issue date renewals count from, the day the card must be renewed) of one Citizen/row; None
    when unknown, the second also when the card never expires.

    `last_card_on`: as in `due_kinds_for` (looked up for a Citizen model attached to a session)."""
    if not bool(_get(citizen, "has_card", False)):
        return None, None
    basis = card_basis(_get(citizen, "card_issued_on"), last_card_on or _last_card_event_on(citizen))
    return basis, expiry_for(_get(citizen, "birth_date"), _get(citizen, "birth_year"), basis)


def due_kinds_for(
    citizen: Any,
    on: dt.date,
    *,
    within_days: int = 0,
    last_card_on: dt.date | None = None,
) -> set[DueKind]:
    """The kinds of work due for one citizen (a Citizen model or a CitizenRow) on `on`.

    `last_card_on`: the day of the latest card capture/delivery event, when known; for a Citizen model
    attached to a session it is looked up.
    """
    status = _get(citizen, "status", Status.NEW.value)
    if status in TERMINAL_VALUES:
        return set()
    kinds: set[DueKind] = set()
    birth_date, birth_year = _get(citizen, "birth_date"), _get(citizen, "birth_year")
    certain = certain_birth(birth_date, birth_year)
    adult = certain is not None and age_on(certain, on) >= CARD_AGE
    has_card = bool(_get(citizen, "has_card", False))
    stage = int(_get(citizen, "vneid_stage", 0) or 0)
    if adult and not has_card:
        kinds.add(DueKind.FIRST_CARD)
    if has_card:
        basis = card_basis(_get(citizen, "card_issued_on"), last_card_on or _last_card_event_on(citizen))
        expiry = expiry_for(birth_date, birth_year, basis)
        if expiry is not None and expiry <= on + dt.timedelta(days=within_days):
            kinds.add(DueKind.RENEW)
    if has_card and adult and stage == 0:
        kinds.add(DueKind.VNEID_REGISTER)
    if stage in (1, 2):
        kinds.add(DueKind.VNEID_ACTIVATE)
    return kinds


# ------------------------------------------------------------------------------------------------ SQL
_BIRTH_SQL = "coalesce({a}.birth_date, printf('%04d-01-01', {a}.birth_year))"  # the earliest possible
_CERTAIN_BIRTH_SQL = "coalesce({a}.birth_date, printf('%04d-12-31', {a}.birth_year))"  # the latest possible
_CARD_EVENT_SQL = (
    "SELECT {what} FROM status_events e WHERE e.citizen_id = {a}.id AND e.event_type IN (:due_ev0, :due_ev1)"
)


def due_filter_sql(
    kind: DueKind | str | None, on: dt.date, *, within_days: int = 0, alias: str = "c"
) -> tuple[str, dict[str, Any]]:
    """A WHERE fragment over `citizens AS alias` selecting who is due (any kind when `kind` is None).

    Plain comparisons on ISO date strings, with bounds computed here, so SQLite filters 200k rows in a
    few tens of milliseconds. Parameter names start with `due_`.
    """
    a = alias
    d14 = sub_years(on, CARD_AGE)
    params: dict[str, Any] = {
        "due_d14": d14.isoformat(),
        # born in year Y (only): certainly 14 from 31 December of Y + 14
        "due_y14": d14.year if (d14.month, d14.day) == (12, 31) else d14.year - 1,
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
    birth, certain = _BIRTH_SQL.format(a=a), _CERTAIN_BIRTH_SQL.format(a=a)
    # Due ⇔ for some renewal age that has come, the card counted from (the later of card_issued_on and the
    # latest capture/delivery) was issued before that age's two-year window. The windows grow with the age,
    # so it is enough to compare with the window of the highest age that has come: one CASE, and the event
    # subquery runs once, only for rows whose register date is already before it.
    whens = []
    for age in sorted(RENEWAL_AGES, reverse=True):
        params[f"due_r{age}"] = sub_years(cutoff, age).isoformat()
        whens.append(f"WHEN {certain} <= :due_r{age} THEN date({birth}, '+{age - GRACE_YEARS} years')")
    window = f"(CASE {' '.join(whens)} END)"
    params["due_ev0"], params["due_ev1"] = RENEWAL_EVENTS
    parts[DueKind.RENEW] = (
        f"({a}.has_card = 1 AND ({a}.birth_date IS NOT NULL OR {a}.birth_year IS NOT NULL) "
        f"AND coalesce({a}.card_issued_on, '') < {window} "
        f"AND NOT EXISTS ({_CARD_EVENT_SQL.format(what='1', a=a)} AND e.occurred_on >= {window}) "
        f"AND ({a}.card_issued_on IS NOT NULL OR EXISTS ({_CARD_EVENT_SQL.format(what='1', a=a)})))"
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


def reason_for(
    kinds: set[DueKind] | frozenset[DueKind], row: Any, on: dt.date, last_card_on: dt.date | None = None
) -> tuple[str, dt.date | None]:
    """Vietnamese reason text and, for renewals, the card's expiry date (counted from `card_basis`)."""
    reasons = []
    expiry = None
    birth_date, birth_year = _get(row, "birth_date"), _get(row, "birth_year")
    certain = certain_birth(birth_date, birth_year)
    only_year = f" ({YEAR_ONLY_VI})" if year_only(birth_date, birth_year) else ""
    if DueKind.FIRST_CARD in kinds:
        age = age_on(certain, on) if certain else None
        reasons.append(f"Đủ {age} tuổi{only_year}, chưa có thẻ căn cước" if age is not None
                       else "Chưa có thẻ căn cước")
    if DueKind.RENEW in kinds:
        issued = card_basis(_get(row, "card_issued_on"), last_card_on)
        expiry = expiry_for(birth_date, birth_year, issued)
        if issued and expiry:
            verb = "hết hạn" if expiry <= on else "sắp hết hạn"
            reasons.append(f"Thẻ cấp ngày {_fmt(issued)} {verb} ngày {_fmt(expiry)}{only_year}: cần cấp đổi")
        else:
            reasons.append("Thẻ căn cước cần cấp đổi")
    if DueKind.VNEID_REGISTER in kinds:
        reasons.append("Có thẻ căn cước, chưa đăng ký VNeID mức 2")
    if DueKind.VNEID_ACTIVATE in kinds:
        reasons.append("Đã đăng ký VNeID mức 2, chưa kích hoạt")
    return "; ".join(reasons), expiry


def target_deadlines(session: Session) -> dict[str, dt.date]:
    """indicator → the province target's deadline, for the targets that have one."""
    from sqlalchemy import select

    from desktop.models import Target

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
    # the latest capture/delivery, read for the listed rows only (the renewal's date and reason)
    last_card = _CARD_EVENT_SQL.format(what="max(e.occurred_on)", a="c")
    sql = f"SELECT {ROW_COLUMNS}, {cols}, ({last_card}) FROM citizens c WHERE {where}"
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
        flags = tup[N_ROW_COLUMNS:-1]
        kinds = kinds_of.get(flags)
        if kinds is None:
            kinds = kinds_of[flags] = frozenset(k for k, f in zip(DUE_KINDS, flags, strict=True) if f)
        reason, expiry = reason_for(kinds, row, on, as_date(tup[-1]) if DueKind.RENEW in kinds else None)
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

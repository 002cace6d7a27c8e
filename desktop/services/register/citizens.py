"""Adding and editing one citizen (walk-ins at the check-in desk, corrections in the register screen).

Same rules and the same row builder as the list import (`services.importer`): a walk-in typed by hand
is validated exactly like a row of a spreadsheet, and the derived search/sort keys are built in one place.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.errors import ValidationError
from desktop.models import AuditEntry, Citizen
from desktop.services.register.record import CitizenRecord
from desktop.services.register.types import ERROR, RowIssue
from desktop.services.register.validate import RowValidator

FIELDS = (
    "full_name", "id_number", "old_cmnd", "birth_date", "birth_year", "sex", "village", "address", "phone",
    "card_issued_on", "needs_home_visit", "elderly", "disabled", "note",
)


def validate_citizen(fields: dict[str, object]) -> tuple[CitizenRecord | None, list[RowIssue]]:
    """Check one citizen's fields as an import row; the record is None when there is an error.

    Keys: full_name, id_number, birth_date (date or text), birth_year, sex ('M'/'F'/'Nam'/'Nữ'), village,
    address, phone, card_issued_on, needs_home_visit, elderly, disabled, note (and old_cmnd).
    """
    values = {k: fields.get(k) for k in FIELDS if k in fields}
    return RowValidator().validate(values, 0)


def _raise_first(issues: list[RowIssue]) -> None:
    """The first error as a ValidationError; a row reason is Vietnamese only (`RowIssue`), so the English
    words name the column and the value without it."""
    for i in issues:
        if i.severity == ERROR:
            raise ValidationError(i.field or "", i.value, f"{i.column}: {i.reason}",
                                  en=f"{i.column}: the value “{i.value or ''}” is not valid")


def _now() -> dt.datetime:
    """To the millisecond: peer sync orders edits of one field on two laptops by this time (an edit's own
    time, not when it was stamped), so whole seconds would tie with the clock of a sync in the same second."""
    now = dt.datetime.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _possible_duplicate(session: Session, rec: CitizenRecord, exclude: int | None = None) -> int | None:
    """The citizen an entry without an ID number may repeat (same folded name, birth year, village)."""
    q = select(Citizen.id, Citizen.id_number, Citizen.birth_date, Citizen.possible_duplicate_of).where(
        Citizen.name_key == rec.name_key,
        Citizen.birth_year.is_(rec.birth_year) if rec.birth_year is None else Citizen.birth_year == rec.birth_year,
        Citizen.village_key == rec.village_key,
    )
    if rec.id_number is not None:
        q = q.where(Citizen.id_number.is_(None))
    for cid, _idn, bd, root in session.execute(q.order_by(Citizen.id)):
        if cid == exclude:
            continue
        if rec.birth_date and bd and rec.birth_date != bd:
            continue
        return root or cid
    return None


def _check_unique(session: Session, id_number: str | None, exclude: int | None = None) -> None:
    if id_number is None:
        return
    other = session.scalar(select(Citizen).where(Citizen.id_number == id_number))
    if other is not None and other.id != exclude:
        raise ValidationError(
            "id_number", id_number, f"Số định danh {id_number} đã có trong sổ (công dân mã {other.id})",
            en=f"ID number {id_number} is already in the register (citizen {other.id})",
        )


def add_citizen(session: Session, fields: dict[str, object], *, operator_id: int | None = None) -> Citizen:
    """Insert a new citizen (status 'new'); ValidationError names the first bad field or a taken ID number.

    An entry without an ID number that matches someone already in the register is added with
    possible_duplicate_of set, never merged.
    """
    rec, issues = validate_citizen(fields)
    _raise_first(issues)
    assert rec is not None
    _check_unique(session, rec.id_number)
    now = _now()
    citizen = Citizen(
        **rec.columns(),
        possible_duplicate_of=_possible_duplicate(session, rec),
        status="new",
        has_card=rec.card_issued_on is not None,
        vneid_stage=0,
        created_at=now,
        updated_at=now,
    )
    session.add(citizen)
    session.flush()
    session.add(AuditEntry(at=now, operator_id=operator_id, action="citizen_add", entity="citizen",
                           entity_id=citizen.id, detail=""))
    session.flush()
    return citizen


def _current_fields(c: Citizen) -> dict[str, object]:
    return {
        "full_name": c.full_name,
        "id_number": c.id_number,
        "old_cmnd": c.old_cmnd,
        "birth_date": c.birth_date,
        "birth_year": None if c.birth_date else c.birth_year,
        "sex": c.sex,
        "village": c.village,
        "address": c.address,
        "phone": c.phone,
        "card_issued_on": c.card_issued_on,
        "needs_home_visit": c.needs_home_visit,
        "elderly": c.elderly,
        "disabled": c.disabled,
        "note": c.note,
    }


def update_citizen(
    session: Session, citizen_id: int, fields: dict[str, object], *, operator_id: int | None = None
) -> Citizen:
    """Change the given fields (others keep their value; an empty value clears). Status is not touched."""
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise ValidationError("citizen", str(citizen_id), f"Không có công dân mã {citizen_id}",
                              en=f"There is no citizen {citizen_id}")
    merged = _current_fields(citizen)
    if "birth_year" in fields and "birth_date" not in fields:
        merged["birth_date"] = None  # a new year replaces the old full date
    if "birth_date" in fields and "birth_year" not in fields:
        merged["birth_year"] = None
    merged.update({k: v for k, v in fields.items() if k in FIELDS})
    rec, issues = validate_citizen(merged)
    _raise_first(issues)
    assert rec is not None
    _check_unique(session, rec.id_number, exclude=citizen.id)
    raw_name = citizen.full_name_raw if "full_name" not in fields else rec.full_name_raw
    for name, value in rec.columns().items():
        setattr(citizen, name, value)
    citizen.full_name_raw = raw_name or rec.full_name
    citizen.has_card = bool(citizen.has_card) or rec.card_issued_on is not None
    now = _now()
    citizen.updated_at = now
    session.add(AuditEntry(at=now, operator_id=operator_id, action="citizen_update", entity="citizen",
                           entity_id=citizen.id, detail=", ".join(sorted(k for k in fields if k in FIELDS))))
    session.flush()
    return citizen

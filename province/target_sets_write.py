"""Storing target sets read by `targets_read` (columns set, deadline, denominator, basis as `extra`): all or
nothing, in one write transaction, with one audit entry.

Checked before anything is written, every fault named by row and column: each row has a set name and a
deadline; a denominator is a whole number; the basis is eligible citizens or population; one set and
indicator has one deadline and at most one basis in the file; no (set, indicator, commune) comes twice; every commune
is in the register (and of the province when one is given). A set already stored is updated: its deadline and
basis replaced, the communes in the file set, the others kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import admin
from province.models import Commune, TargetSet, TargetSetValue
from province.targets_read import MAX_VALUE, Fault, TargetFileRefused, TargetRecord, header_key
from province.targets_write import commune_code

EXTRA = ("set", "denominator", "basis")
BASES = {"": "", "eligible": "eligible", "dudieukien": "eligible", "population": "population",
         "danso": "population"}
MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class SetsImported:
    sets: int
    values: int
    communes: int



@dataclass(frozen=True, slots=True)
class _Row:
    record: TargetRecord
    set_name: str
    deadline: dt.date
    denominator: int | None
    basis: str


def _read_row(r: TargetRecord, faults: list[Fault]) -> _Row | None:
    name = admin.nfc(r.extra.get("set", "")).strip()
    bad = len(faults)
    if not name or len(name) > MAX_NAME:
        faults.append(Fault(r.row, "set", f"thiếu tên bộ chỉ tiêu (tối đa {MAX_NAME} ký tự)",
                            f"set name missing (at most {MAX_NAME} characters)"))
    if r.deadline is None:
        faults.append(Fault(r.row, "deadline", "bộ chỉ tiêu cần hạn", "a target set needs a deadline"))
    denominator = None
    if text := r.extra.get("denominator", "").replace(" ", ""):
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # Vietnamese thousands: 57.543
            text = text.replace(".", "")
        try:
            number = float(text)
            if not number.is_integer() or not 0 < number <= MAX_VALUE:
                raise ValueError(text)
            denominator = int(number)
        except ValueError:
            faults.append(Fault(r.row, "denominator", f"mẫu số {text!r} không phải số nguyên từ 1 đến {MAX_VALUE}",
                                f"denominator {text!r} is not a whole number from 1 to {MAX_VALUE}"))
    basis = BASES.get(header_key(r.extra.get("basis", "")))
    if basis is None:
        faults.append(Fault(r.row, "basis", "loại mẫu số là 'đủ điều kiện' hoặc 'dân số'",
                            "basis is 'eligible' or 'population'"))
    if len(faults) > bad or r.deadline is None or basis is None:
        return None
    return _Row(r, name, r.deadline, denominator, basis)


def check(s: Session, name: str, records: list[TargetRecord], province: str | None = None) -> list[_Row]:
    """The rows, or TargetFileRefused naming every fault."""
    faults: list[Fault] = []
    if records and "set" not in records[0].extra:
        raise TargetFileRefused(name, [Fault(1, "set", "thiếu cột bộ chỉ tiêu", "no set column")])
    known = {c: p for c, p in s.execute(select(Commune.code, Commune.province_code))}
    rows: list[_Row] = []
    heads: dict[tuple[str, str], tuple[int, dt.date, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for r in records:
        row = _read_row(r, faults)
        code = commune_code(r.commune)
        if code not in known:
            faults.append(Fault(r.row, "commune_code", f"không có xã {r.commune!r} trong danh sách của tỉnh",
                                f"commune {r.commune!r} is not in the register"))
        elif province and known[code] != province:
            faults.append(Fault(r.row, "commune_code", f"xã {r.commune} thuộc tỉnh {known[code]}, không phải {province}",
                                f"commune {r.commune} is of province {known[code]}, not {province}"))
        if row is None:
            continue
        first, deadline, basis = heads.setdefault((row.set_name, r.indicator), (r.row, row.deadline, row.basis))
        if deadline != row.deadline:
            faults.append(Fault(r.row, "deadline", f"hạn khác dòng {first} của cùng bộ chỉ tiêu",
                                f"deadline differs from row {first} of the same set"))
        if basis and row.basis and basis != row.basis:
            faults.append(Fault(r.row, "basis", f"loại mẫu số khác dòng {first} của cùng bộ chỉ tiêu",
                                f"basis differs from row {first} of the same set"))
        elif row.basis and not basis:
            heads[(row.set_name, r.indicator)] = (first, deadline, row.basis)
        dup = seen.setdefault((row.set_name, r.indicator, code), r.row)
        if dup != r.row:
            faults.append(Fault(r.row, r.indicator, f"trùng với dòng {dup}", f"the same target as row {dup}"))
        rows.append(row)
    if faults:
        raise TargetFileRefused(name, faults)
    return rows


def store(s: Session, name: str, records: list[TargetRecord], province: str | None = None) -> SetsImported:
    """Check, then set every set and its communes' values; one audit entry for the file."""
    rows = check(s, name, records, province)
    sets = {(t.name, t.indicator): t for t in s.scalars(select(TargetSet))}
    touched: dict[int, TargetSet] = {}
    for row in rows:
        key = (row.set_name, row.record.indicator)
        ts = sets.get(key)
        if ts is None:
            ts = sets[key] = TargetSet(name=row.set_name, indicator=row.record.indicator, deadline=row.deadline,
                                       basis=row.basis)
            s.add(ts)
            s.flush()
        ts.deadline = row.deadline
        if row.basis:  # the set's basis: the one its rows give (rows without one leave it)
            ts.basis = row.basis
        touched[ts.id] = ts
    values = {(v.set_id, v.commune_code): v for v in s.scalars(
        select(TargetSetValue).where(TargetSetValue.set_id.in_(list(touched))))}
    for row in rows:
        ts = sets[(row.set_name, row.record.indicator)]
        code = commune_code(row.record.commune)
        v = values.get((ts.id, code))
        if v is None:
            s.add(TargetSetValue(set_id=ts.id, commune_code=code, value=row.record.value,
                                 denominator=row.denominator))
        else:
            v.value, v.denominator = row.record.value, row.denominator
    communes = len({commune_code(r.commune) for r in records})
    admin.audit(s, "admin", "target_set.import", None, file=name, sets=len(touched), values=len(rows),
                communes=communes)
    return SetsImported(len(touched), len(rows), communes)

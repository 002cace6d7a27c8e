"""Storing targets read by `targets_read`: all or nothing, in one write transaction, with one audit entry.

Checked before anything is written: every commune is in the register (and of the province when one is
given), and no (commune, indicator) comes twice. Each fault names its row; the whole file is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import admin
from province.models import Commune, Target
from province.targets_read import Fault, TargetFileRefused, TargetRecord


@dataclass(frozen=True, slots=True)
class Imported:
    added: int
    updated: int
    communes: int


def commune_code(text: str) -> str:
    """A commune code as the register keeps it (NFC, no leading zeros)."""
    return admin.nfc(text).lstrip("0") or "0"


def check(s: Session, name: str, records: list[TargetRecord], province: str | None = None) -> None:
    """TargetFileRefused naming every row whose commune is unknown (or of another province) or repeated."""
    known = {c: p for c, p in s.execute(select(Commune.code, Commune.province_code))}
    faults: list[Fault] = []
    seen: dict[tuple[str, str], int] = {}
    for r in records:
        code = commune_code(r.commune)
        if code not in known:
            faults.append(Fault(r.row, "commune_code", f"không có xã {r.commune!r} trong danh sách của tỉnh",
                                f"commune {r.commune!r} is not in the register"))
        elif province and known[code] != province:
            faults.append(Fault(r.row, "commune_code", f"xã {r.commune} thuộc tỉnh {known[code]}, không phải {province}",
                                f"commune {r.commune} is of province {known[code]}, not {province}"))
        first = seen.setdefault((code, r.indicator), r.row)
        if first != r.row:
            faults.append(Fault(r.row, r.indicator, f"trùng với dòng {first}", f"the same target as row {first}"))
    if faults:
        raise TargetFileRefused(name, faults)


def store(s: Session, name: str, records: list[TargetRecord], province: str | None = None) -> Imported:
    """Check, then set every target (a target already set is replaced); one audit entry for the file."""
    check(s, name, records, province)
    current = {(t.commune_code, t.indicator): t for t in s.scalars(select(Target))}
    added = updated = 0
    for r in records:
        key = (commune_code(r.commune), r.indicator)
        row = current.get(key)
        if row is None:
            row = Target(commune_code=key[0], indicator=r.indicator, value=r.value, deadline=r.deadline)
            s.add(row)
            current[key] = row
            added += 1
        else:
            row.value, row.deadline = r.value, r.deadline
            updated += 1
    communes = len({commune_code(r.commune) for r in records})
    admin.audit(s, "admin", "target.import", None, file=name, added=added, updated=updated, communes=communes)
    return Imported(added, updated, communes)

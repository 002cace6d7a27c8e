"""The admin's grouping of communes (former districts, clusters — no official mapping ships with the hub):
a CSV `group,commune_code` (UTF-8, header row) imported as a whole, replacing the previous grouping, all or
nothing, audited. A ranking can then be filtered to one group. Bounded: 1 MiB, 20,000 rows, names ≤ 120."""

from __future__ import annotations

import csv
import io

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from province.admin import AdminError, audit, nfc
from province.models import Commune, CommuneGroup

MAX_BYTES = 1024 * 1024
MAX_ROWS = 20_000
MAX_NAME = 120


def _bad(row: int, field: str, en: str, vi: str) -> AdminError:
    return AdminError(f"row {row}, {field}: {en}", vi=f"Dòng {row}, cột {field}: {vi}", field=field)


def parse(raw: bytes) -> list[tuple[int, str, str]]:
    """(row, group, commune code) of the file of the file, checked for shape (not yet against the register)."""
    if len(raw) > MAX_BYTES:
        raise AdminError(f"file larger than {MAX_BYTES // 1024} KiB", vi=f"Tệp lớn hơn {MAX_BYTES // 1024} KiB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AdminError("the file is not UTF-8 text", vi="Tệp không phải văn bản UTF-8.") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] != ["group", "commune_code"]:
        raise AdminError("the first row must be: group,commune_code",
                         vi="Dòng đầu phải là: group,commune_code", field="header")
    out: list[tuple[int, str, str]] = []
    for n, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(out) >= MAX_ROWS:
            raise AdminError(f"more than {MAX_ROWS} rows", vi=f"Nhiều hơn {MAX_ROWS} dòng.")
        if len(cells) < 2:
            raise _bad(n, "commune_code", "missing", "thiếu mã xã.")
        group, code = nfc(cells[0]), nfc(cells[1]).lstrip("0") or "0"
        if not group or len(group) > MAX_NAME:
            raise _bad(n, "group", f"empty or longer than {MAX_NAME} characters",
                       f"tên nhóm trống hoặc dài quá {MAX_NAME} ký tự.")
        out.append((n, group, code))
    return out


def import_groups(s: Session, raw: bytes) -> dict[str, int]:
    """Replace the grouping with the file's; group → number of communes."""
    rows = parse(raw)
    codes = {c for _n, _g, c in rows}
    known = set(s.scalars(select(Commune.code).where(Commune.code.in_(codes)))) if codes else set()
    for n, _g, code in rows:
        if code not in known:
            raise _bad(n, "commune_code", f"unknown commune {code}", f"mã xã {code} không có trong danh mục.")
    s.execute(delete(CommuneGroup))
    counts: dict[str, int] = {}
    for group, code in dict.fromkeys((g, c) for _n, g, c in rows):
        s.add(CommuneGroup(group_name=group, commune_code=code))
        counts[group] = counts.get(group, 0) + 1
    audit(s, "admin", "groups.import", None, groups=len(counts), rows=sum(counts.values()))
    return counts

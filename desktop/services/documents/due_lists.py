"""The due list per village for village heads and the Fatherland Front: who must still come, by kind of work.

Read through `due.due_list` (the one home of the due rules), grouped by village in natural Vietnamese order
(Tổ dân phố 2 before 10, Thôn Dương before Thôn Đông), names in the commune's name order. The printed form
is `printing.due_list`, the spreadsheet `export_xlsx.due_list_xlsx`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, sort_key
from desktop import config
from desktop.errors import ValidationError
from desktop.printing.data import NothingToPrint
from desktop.printing.due_list import KINDS, DueLine, DueListDoc, VillageDue, build_due_list_pdf
from desktop.services.documents.printouts import unit_of
from desktop.services.due import rules as due
from desktop.services.due.kinds import DUE_KINDS, DueKind

UNKNOWN_VILLAGE = "(Chưa rõ thôn/tổ)"


def _birth_text(born: dt.date | None, year: int | None) -> str:
    if born is not None:
        return f"{born:%d/%m/%Y}"
    return str(year) if year else ""


def due_list_doc(
    session: Session, on: dt.date, village: str | None = None, kind: DueKind | str | None = None,
    order: NameOrder | str | None = None,
) -> DueListDoc:
    """Everyone due on `on` (optionally one village, one kind), grouped by village. NothingToPrint when empty."""
    if kind is not None:
        try:
            kind = DueKind(kind)
        except ValueError:
            raise ValidationError("kind", str(kind), f"Loại việc '{kind}' không hợp lệ ({', '.join(KINDS)})",
                                  en=f"Task kind '{kind}' is not valid ({', '.join(KINDS)})") from None
    village_key = fold(village) if village else None
    items = due.due_list(session, on, kind, village_key)
    name_order = NameOrder(order or config.name_order(session))
    groups: dict[str, tuple[str, list[tuple[str, DueLine]]]] = {}
    for item in items:
        c = item.citizen
        key = fold(c.village or "")
        name, lines = groups.setdefault(key, (c.village or "", []))
        kinds = tuple(k.value for k in DUE_KINDS if k in item.kinds)
        line = DueLine(c.full_name, _birth_text(c.birth_date, c.birth_year), c.phone or "", kinds,
                       flag=item.flag_vi or "")
        skey = name_sort_key(c.full_name, NameOrder.FAMILY) if name_order is NameOrder.FAMILY else ""
        lines.append((skey, line))
    villages = []
    for key in sorted(groups, key=lambda k: (k == "", sort_key(groups[k][0]), k)):
        name, keyed = groups[key]
        if name_order is NameOrder.FAMILY:
            keyed.sort(key=lambda x: x[0])  # due_list comes in given-name order already
        villages.append(VillageDue(name or UNKNOWN_VILLAGE, [line for _, line in keyed]))
    doc = DueListDoc(unit_of(session), on, villages, kind.value if isinstance(kind, DueKind) else None)
    if not doc.people:
        where = f" ở “{nfc(village)}”" if village else ""
        where_en = f" in “{nfc(village)}”" if village else ""
        raise NothingToPrint(f"Không có công dân nào cần đến làm thủ tục{where} ngày {on:%d/%m/%Y}: không có gì để in.",
                             en=f"No citizen is due{where_en} on {on:%d/%m/%Y}: nothing to print.")
    return doc


def due_list_pdf(session: Session, on: dt.date, village: str | None = None, kind: DueKind | str | None = None) -> bytes:
    return build_due_list_pdf(due_list_doc(session, on, village, kind))

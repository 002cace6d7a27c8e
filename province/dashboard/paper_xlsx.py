"""The meeting papers as an XLSX workbook (openpyxl): the same heading words, body lines and tables as the
PDF (`paper_report`), one sheet, figures as the PDF prints them (text "x/y — z%") beside raw numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence

from common.paper import paper_date
from paper.headings import MOTTO, NATION
from province.dashboard.brief import Brief
from province.dashboard.data import vn_date
from province.dashboard.paper_report import behind_rows, body_lines, silent_rows, words
from province.dashboard.report_setup import ReportSetup


def to_xlsx(kind: str, b: Brief, setup: ReportSetup, number: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"Báo cáo {b.on.isoformat()}"
    w = words(kind, b, setup)
    bold = Font(bold=True)
    rows: list[tuple[Sequence[object], bool]] = [
        ([setup.parent, None, None, NATION], False),
        ([setup.unit, None, None, MOTTO], True),
        ([f"Số: {number or '……'}/BC-{setup.unit_abbr}", None, None, f"{setup.place}, {paper_date(b.on)}"], False),
        ([], False), ([w.title], True), ([w.subtitle], True), ([f"Kính gửi: {w.addressee}."], False), ([], False),
        *(([line], False) for line in body_lines(kind, b)),
        ([], False), ([f"3. {len(b.behind)} đơn vị có kết quả thấp nhất:"], True),
        *((list(r), i == 0) for i, r in enumerate(behind_rows(b))),
        ([], False), ([f"4. Đơn vị chưa báo cáo ngày {vn_date(b.on)}: {len(b.silent)}"], True),
        *((list(r), i == 0) for i, r in enumerate(silent_rows(b))),
    ]
    if b.since is not None:
        rows.append(([f"5. Đơn vị không tiến triển từ ngày {vn_date(b.since)}: {len(b.stalled)}"], True))
        rows += [((c, n), False) for c, n in b.stalled]
    rows += [([], False), (["Nơi nhận: Như trên; Lưu: VT, " + setup.unit_abbr, None, None, setup.signer_title], True),
             ([None, None, None, setup.signer], True)]
    wrap = Alignment(wrap_text=True, vertical="top")  # one style object shared by every cell
    for i, (values, is_bold) in enumerate(rows, 1):  # ws.max_row / ws[row] scan the sheet: O(n²) on 3,321 rows
        for j, value in enumerate(values, 1):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a leading '=' from a commune's name is data, never a formula
            cell.alignment = wrap
            if is_bold:
                cell.font = bold
    for col, width in zip("ABCD", (10, 34, 60, 44), strict=True):
        ws.column_dimensions[col].width = width
    ws.print_options.gridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.oddFooter.center.text = "Trang &P/&N"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

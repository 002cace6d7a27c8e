"""The per-row error report written beside the input: CSV (UTF-8 with BOM, so Excel opens it) or XLSX.

Cells that Excel would read as a formula (= + - @) are written as text, so a malicious or unlucky value
in the input cannot run in the officer's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from common.files import atomic_write
from common.spreadsheet import csv_text
from desktop.services.register.types import ERROR, RowIssue

HEADINGS = ["Dòng", "Cột", "Giá trị", "Lý do", "Mức độ"]


def default_report_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.loi.csv")


def _rows(issues: list[RowIssue]) -> list[list[object]]:
    ordered = sorted(issues, key=lambda i: (i.row, i.severity != ERROR))
    return [
        [i.row or "", i.column, i.value, i.reason, "Lỗi" if i.severity == ERROR else "Cảnh báo"]
        for i in ordered
    ]


def write_report(path: Path, issues: list[RowIssue]) -> Path:
    """Written whole or not at all (the officer opens it from the stick the input came on)."""
    if path.suffix.lower() == ".xlsx":
        return atomic_write(path, _xlsx_bytes(issues))
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(HEADINGS)
    for row in _rows(issues):
        w.writerow([csv_text(c) for c in row])
    return atomic_write(path, buf.getvalue().encode("utf-8-sig"))


def _xlsx_bytes(issues: list[RowIssue]) -> bytes:
    # openpyxl is heavy (a few hundred ms to import): loaded only when an .xlsx report is asked for.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "Lỗi nhập"
    ws.append(HEADINGS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(_rows(issues), start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the first character
    for col, width in zip("ABCDE", (8, 24, 30, 70, 10), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

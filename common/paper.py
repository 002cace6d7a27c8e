"""Wording of dates on paper, per Decree 30/2020/NĐ-CP on administrative documents (Phụ lục I, Mục II,
"Địa danh và thời gian ban hành văn bản"): the date is written in full, "ngày … tháng … năm …", in Arabic
digits, with a leading zero for a day below 10 and for the months 1 and 2 ("ngày 05 tháng 01 năm 2026",
"ngày 15 tháng 3 năm 2026", "ngày 09 tháng 02 năm 2026"). Shared by the laptop's printouts and anything
the hub prints.
"""

from __future__ import annotations

import datetime as dt

BLANK_DATE = "ngày …… tháng …… năm ………"


def paper_date(day: dt.date | None) -> str:
    """'ngày 05 tháng 01 năm 2026'; dotted blanks when the date is left to write by hand."""
    if day is None:
        return BLANK_DATE
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {dd} tháng {mm} năm {day.year}"

"""CSV and XLSX exports of the province table. Cells that a spreadsheet would run as a formula (starting
with = + - @, tab or CR) are written as text: quoted with ' in CSV, typed as strings in XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from common.spreadsheet import csv_text
from province.dashboard.data import CONTEXT, LABELS, MAIN, MET_LABELS, Row, local, vn_date


def header() -> list[str]:
    cols = ["Mã xã", "Tên xã", "Mã tỉnh", "Tỉnh", "Hạng"]
    for ind in MAIN:
        lab = LABELS[ind]
        cols += [f"{lab} - trong ngày", f"{lab} - lũy kế", f"{lab} - chỉ tiêu", f"{lab} - % chỉ tiêu",
                 f"{lab} - kết quả"]
    cols += [f"{LABELS[i]} - trong ngày" for i in CONTEXT]
    cols += ["Tình trạng báo cáo", "Ngày báo cáo gần nhất", "Nhận lúc", "Số ngày không báo cáo",
             "Số máy", "Máy không gửi", "Máy trong xã: báo cáo gần nhất",
             "Số liệu tạm (mã ngày qua điện thoại)", "Đã điều chỉnh", "Máy đang gửi"]
    return cols


def values(r: Row, on: dt.date) -> list[Any]:
    """Not reported stays empty (never 0); the status column says why."""
    out: list[Any] = [r.code, r.name, r.province_code, r.province_name, r.rank]
    for ind in MAIN:
        tgt = r.targets.get(ind)
        pct = r.pct.get(ind)
        met = r.met.get(ind)
        out += [r.today[ind] if r.today is not None else None, r.cumul[ind] if r.cumul is not None else None,
                tgt[0] if tgt else None, round(pct, 1) if pct is not None else None, MET_LABELS[met] if met else None]
    out += [r.today[i] if r.today is not None else None for i in CONTEXT]
    out += [r.status_text(on) or "Đã báo cáo", vn_date(r.last_day) or None, local(r.last_received) or None,
            r.days_silent]
    laps = [lap for lap in r.laptops if not lap.revoked]
    out += [len(laps), "; ".join(lap.text() for lap in laps if lap.silent) or None,
            "; ".join(lap.text() + (f" (nhận {local(lap.last_received)})" if lap.last_received else "")
                      for lap in laps) or None]
    tam = [words for flag, words in ((r.provisional, "trong ngày"), (r.provisional_cumul, "lũy kế")) if flag]
    out += [f"tạm: {', '.join(tam)}" if tam else None, "đã điều chỉnh" if r.adjusted else None, r.machines or None]
    return out


def to_csv(rows: list[Row], on: dt.date) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header())
    for r in rows:
        w.writerow(["" if v is None else csv_text(v) for v in values(r, on)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Vietnamese correctly


def to_xlsx(rows: list[Row], on: dt.date) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = f"Tiến độ {on.isoformat()}"
    ws.append(header())
    for r in rows:
        ws.append(values(r, on))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a leading '=' is data, never a formula
    ws.freeze_panes = "C2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


COMPLETENESS_HEADER = ["Mã xã", "Tên xã", "Tỉnh", "Tình trạng", "Kênh về đầu tiên", "Về lúc", "Số liệu tạm",
                       "Máy đã báo cáo", "Số ngày không báo cáo", "Báo cáo gần nhất", "Kênh gần nhất",
                       "Máy gửi gần nhất", "Lãnh đạo phụ trách"]


def completeness_csv(c: Any) -> bytes:
    """The completeness page's communes as CSV (UTF-8 with BOM): every expected commune with its status and
    first channel, the missing ones with when, how and from which laptop they were last heard."""
    from province.dashboard import completeness as cp

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COMPLETENESS_HEADER)
    rows = sorted(c.communes, key=lambda x: (x.status != cp.MISSING, x.code))
    for x in rows:
        silent = x.days_silent(c.day) if x.status == cp.MISSING else None
        heard = f"{x.heard}/{len(x.laptops)}"
        w.writerow([csv_text(v) if v not in (None, "") else "" for v in (
            x.code, x.name, x.province_name, cp.STATUS_LABELS[x.status], cp.CHANNEL_SHORT.get(x.channel, ""),
            local(x.first_at), "tạm" if x.provisional else "", heard,
            silent if silent is not None else ("Chưa từng báo cáo" if x.status == cp.MISSING else ""),
            vn_date(x.last_day), cp.CHANNEL_SHORT.get(x.last_channel, ""), x.last_laptop, x.leader)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


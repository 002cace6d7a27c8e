"""Render page 1 of each printed document to PNG in docs/samples/ (fictional people; needs pdftoppm).

    .venv/bin/python scripts/render_samples.py [--dpi 110] [--out docs/samples]

Look at the images after any change to the printing code: floating accents, clipped text and
overlapping columns show up here before they reach a village head.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.printing.daily_report import build_report_pdf  # noqa: E402
from desktop.printing.data import (  # noqa: E402
    DailyReportData,
    IndicatorLine,
    ListDoc,
    ListRow,
    NoShow,
    SlipData,
    Unit,
    VillageLine,
)
from desktop.printing.slips import build_slips_pdf  # noqa: E402
from desktop.printing.village_list import build_list_pdf  # noqa: E402

UNIT = Unit("Xã Tân Lập", "Khánh Hòa")
DAY = dt.date(2026, 3, 5)
PEOPLE = [
    ("Nguyễn Thị Thuý", 1987, "Thôn Đông", "card"),
    ("Đặng Văn Hoà", 1962, "Thôn Đông", "both"),
    ("Đặng Thị Hòa", 2011, "Thôn Tây", "card"),
    ("Ưng Hoàng Phúc", 1995, "Thôn Tây", "vneid"),
    ("Lê Ỷ", 1950, "Thôn Đông", "both"),
    (unicodedata.normalize("NFD", "Phạm Thị Huyền Trâm"), 1999, "Thôn Bắc", "vneid"),
    ("Tôn Nữ Thị Hoàng Bảo Ngọc Quỳnh Như Nguyễn Phước", 1978, "Tổ dân phố Hưng Thịnh Vượng", "both"),
    ("Trần Quốc Ưng", 1983, "Thôn Bắc", "card"),
    ("Bùi Thị Ánh Nguyệt", 1991, "Thôn Tây", "both"),
    ("Võ Minh Đức", 2008, "Thôn Nam", "card"),
    ("Hồ Thị Yến", 1972, "Thôn Nam", "vneid"),
    ("Dương Văn An", 1966, "Thôn Đông", "both"),
]
CODES = ["K7Q2M9XD4A", "B3N8P1RZ6C", "H5T0V7WY2E", "M9X4K2Q8JF"]


def documents() -> dict[str, tuple[bytes, int]]:
    rows = [ListRow(n, y, v, "07:30 - 08:00" if i % 2 else "08:00 - 08:30", p) for i, (n, y, v, p) in enumerate(PEOPLE)]
    lst = build_list_pdf(ListDoc(UNIT, rows * 3, DAY, "Nhà văn hóa thôn Đông"))
    slips = [
        SlipData(code, PEOPLE[i][0], PEOPLE[i][1], PEOPLE[i][2], PEOPLE[i][3], DAY, dt.time(7, 30), dt.time(8, 0),
                 "Nhà văn hóa thôn Đông", "Thôn Đông, xã Tân Lập", UNIT, "Trung úy Phạm Văn Minh",
                 f"{code[:5]}-{code[5:]}")
        for i, code in enumerate(CODES)
    ]
    a6 = build_slips_pdf(slips, "a6")
    thermal = build_slips_pdf(slips[1:2], "thermal")
    inds = [
        IndicatorLine("card_captured", "Hồ sơ CCCD đã thu nhận", 85, 5687, 5754),
        IndicatorLine("vneid_l2_captured", "Hồ sơ VNeID mức 2 đã thu nhận", 60, 4329, 4979),
        IndicatorLine("vneid_activated", "Tài khoản VNeID đã kích hoạt", 31, 2011, 3500),
        IndicatorLine("attended", "Số người đến", 92, 6102, None),
    ]
    villages = [VillageLine(v, (20 + i, 15 + i, 8 + i, 22 + i), (1200 + 90 * i, 900 + 70 * i, 500 + 40 * i, 1300 + 95 * i))
                for i, v in enumerate(["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây", "Tổ dân phố Hưng Thịnh Vượng"])]
    report = build_report_pdf(DailyReportData(
        UNIT, DAY, inds, villages, no_show_count=2,
        no_shows=[NoShow("Hồ Thị Yến", 1972, "Thôn Nam", "07:30"), NoShow("Võ Minh Đức", 2008, "Thôn Nam", "08:00")],
        point_name="Nhà văn hóa thôn Đông", appointments_count=94, attended_count=92, prepared_by="Trần Thị Lan",
        chief_name="Nguyễn Văn Hùng"))
    return {"village-list": (lst, 1), "slips-a6": (a6, 1), "slip-thermal": (thermal, 1), "daily-report": (report, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=110)
    ap.add_argument("--out", default=str(ROOT / "docs" / "samples"))
    args = ap.parse_args()
    exe = shutil.which("pdftoppm")
    if not exe:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (pdf, page) in documents().items():
            src = Path(tmp) / f"{name}.pdf"
            src.write_bytes(pdf)
            dpi = args.dpi * 2 if name == "slip-thermal" else args.dpi
            subprocess.run([exe, "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(src),
                            str(out / name)], check=True, timeout=120)
            print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Printing speed: the canvas village list against platypus LongTable in the same run, and 1,000 slips.

    .venv/bin/python bench/bench_print.py [--rows 10000] [--slips 1000] [--skip-baseline]

Targets (issue "Printing"): 10,000-row list < 3 s and >= 4x faster than LongTable; 1,000 slips < 3 s
in each format. Prints one line per measurement and a Markdown block for bench/RESULTS-print.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle  # noqa: E402

from desktop.printing.data import ListDoc, ListRow, SlipData, Unit  # noqa: E402
from desktop.printing.slips import build_slips_pdf  # noqa: E402
from desktop.printing.text import purpose_label  # noqa: E402
from desktop.printing.village_list import COL_W, COLUMNS, build_list_pdf, sorted_rows  # noqa: E402
from paper import fonts  # noqa: E402
from paper.layout import numbered_canvas, t  # noqa: E402

UNIT = Unit("Xã Tân Lập", "Khánh Hòa")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Ưng", "Tôn Nữ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thị Thu", "Hoàng Bảo", "Thị Ngọc Quỳnh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoà", "Hòa", "Thuý", "Thủy", "Ỷ", "Lan", "Hương", "Khánh", "Tuấn", "Yến",
         "Đạt", "Ánh", "Nguyệt", "Phượng"]


def make_doc(n: int, seed: int = 1) -> ListDoc:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        if i % 50 == 0:  # a few long names that must wrap
            name += " Hoàng Bảo Ngọc Quỳnh Như Nguyễn Phước"
        rows.append(ListRow(name, rnd.randint(1940, 2012), f"Thôn {rnd.randint(1, 12)}",
                            "07:30 - 08:00", rnd.choice(["card", "vneid", "both"])))
    return ListDoc(UNIT, rows, dt.date(2026, 3, 5), "Nhà văn hóa thôn 3")


def longtable_baseline(doc: ListDoc) -> bytes:
    """The same table with platypus: LongTable, fixed widths, Paragraph cells, repeated header, Trang x/y."""
    fonts.register()
    cell = ParagraphStyle("c", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("h", cell, fontName=fonts.BOLD)
    data = [[Paragraph(c[0], head) for c in COLUMNS]]
    for i, r in enumerate(sorted_rows(doc), start=1):
        data.append([str(i), Paragraph(t(r.full_name), cell), str(r.birth_year or ""), Paragraph(t(r.village), cell),
                     Paragraph(t(r.slot), cell), Paragraph(purpose_label(r.purpose, short=True), cell), ""])
    table = LongTable(data, colWidths=list(COL_W), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
    ]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                      bottomMargin=16 * mm).build([table], canvasmaker=numbered_canvas(A4[0], 15 * mm - 2))
    return buf.getvalue()


def make_slips(n: int) -> list[SlipData]:
    rnd = random.Random(2)
    return [
        SlipData(f"K7Q2M{i:05d}"[:10], f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                 rnd.randint(1940, 2015), f"Thôn {rnd.randint(1, 12)}", rnd.choice(["card", "vneid", "both"]),
                 dt.date(2026, 3, 5), dt.time(7, 30), dt.time(8, 0), "Nhà văn hóa thôn 3", "Thôn 3, xã Tân Lập",
                 UNIT, "Trung úy Phạm Văn Minh")
        for i in range(n)
    ]


CPU: dict[str, float] = {}


def timed(fn, *a):  # type: ignore[no-untyped-def]
    """Wall time (returned) and CPU time (kept in CPU): on a shared 2-core box the CPU time is the fair one."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*a)
    CPU[fn.__name__ + repr(a[1:])] = time.process_time() - c0
    return time.perf_counter() - t0, out


def cpu_of(fn, *a) -> float:  # type: ignore[no-untyped-def]
    return CPU[fn.__name__ + repr(a)]


def machine() -> str:
    from machine_info import cpu_model

    cpu = cpu_model()
    import reportlab

    return (f"{cpu}; {os.cpu_count()} logical CPUs (shared); Python {platform.python_version()}; "
            f"ReportLab {reportlab.Version}; {platform.system()} {platform.release()}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--slips", type=int, default=1_000)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    fonts.register()
    doc = make_doc(args.rows)
    build_list_pdf(make_doc(50))  # warm the font subsets once, as a running app would have
    results = []
    list_s, pdf = timed(build_list_pdf, doc)
    results.append(("village list, canvas", args.rows, list_s, len(pdf), cpu_of(build_list_pdf)))
    print(f"list canvas   {args.rows} rows: {list_s:.2f} s  ({len(pdf) / 1e6:.1f} MB)")
    if not args.skip_baseline:
        base_s, base_pdf = timed(longtable_baseline, doc)
        results.append(("village list, platypus LongTable (baseline)", args.rows, base_s, len(base_pdf),
                        cpu_of(longtable_baseline)))
        print(f"list LongTable {args.rows} rows: {base_s:.2f} s  → ratio {base_s / list_s:.1f}x")
    slips = make_slips(args.slips)
    for fmt in ("a6", "thermal"):
        s, out = timed(build_slips_pdf, slips, fmt)
        results.append((f"slips, {fmt}", args.slips, s, len(out), cpu_of(build_slips_pdf, fmt)))
        print(f"slips {fmt:8s} {args.slips}: {s:.2f} s  ({len(out) / 1e6:.1f} MB)")
    print("\n| document | n | wall s | CPU s | PDF size |\n|---|---:|---:|---:|---:|")
    for name, n, s, size, cpu in results:
        print(f"| {name} | {n:,} | {s:.2f} | {cpu:.2f} | {size / 1e6:.1f} MB |")
    if not args.skip_baseline:
        print(f"\nRatio LongTable / canvas: wall {base_s / list_s:.1f}x, CPU "
              f"{cpu_of(longtable_baseline) / cpu_of(build_list_pdf):.1f}x (target >= 4x); "
              f"canvas {list_s:.2f} s wall (target < 3 s)")
    try:
        print(f"Load average during the run: {os.getloadavg()[0]:.1f}")
    except OSError:
        pass
    print(f"Machine: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

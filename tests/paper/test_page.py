"""`paper` alone prints an administrative A4 report, as the hub will: Vietnamese text that reads back, the
state heading and place-date line of Decree 30, "Trang x/y" with the final count on every page — in a fresh
process that loads nothing of the desktop app, the hub, the contract or Qt."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime as dt, io, json, sys
from reportlab.lib.pagesizes import A4
from paper import fonts, headings, layout

fonts.register()
buf = io.BytesIO()
c = layout.numbered_canvas(A4[0], 20)(buf, pagesize=A4)
commune, province = "Phường Ba Đình", "Thành phố Hà Nội"
y = layout.state_header(c, 40, A4[0] - 40, A4[1] - 40,
                        (headings.province_police(province), headings.police_unit(commune)), 11)
c.setFont(fonts.REGULAR, 11)
c.drawString(300, y - 20, headings.place_date(commune, dt.date(2026, 1, 5)))
for line in headings.report_copies(commune, ("Ủy ban nhân dân phường",)):
    y -= 16
    c.drawString(40, y - 40, line)
c.showPage()
layout.centred_lines(c, A4[0] / 2, A4[1] - 60, "Trang hai: " + "tiếng Việt có dấu " * 20, fonts.BOLD, 12, 300, 15)
c.showPage()
c.save()
sys.stdout.buffer.write(buf.getvalue())
loaded = sorted({m.split(".")[0] for m in sys.modules})
sys.stderr.write(json.dumps(loaded))
"""


def test_paper_prints_a_numbered_administrative_page_without_either_program() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, env=env, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr.decode()[-2000:]
    loaded = set(json.loads(out.stderr.decode().strip().splitlines()[-1]))
    assert not loaded & {"desktop", "province", "sync", "PySide6", "shiboken6", "sqlalchemy"}
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(out.stdout)).pages]
    assert len(pages) == 2
    first = " ".join(pages[0].split())
    assert "CÔNG AN THÀNH PHỐ HÀ NỘI" in first and "CÔNG AN PHƯỜNG BA ĐÌNH" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "Ba Đình, ngày 05 tháng 01 năm 2026" in first
    assert "- Lưu: VT, CAP." in first and "- Ủy ban nhân dân phường;" in first
    assert "Trang 1/2" in first and "Trang 2/2" in pages[1] and "tiếng Việt có dấu" in pages[1]


def test_the_fonts_ship_inside_the_package() -> None:
    from paper import fonts

    folder = fonts.fonts_dir()
    assert folder == ROOT / "paper" / "fonts"
    assert all((folder / name).stat().st_size > 50_000 for name in fonts.FONT_FILES.values())
    assert "SIL OPEN FONT LICENSE" in (folder / fonts.LICENCE_FILE).read_text(encoding="utf-8").upper()

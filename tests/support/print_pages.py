"""Helpers for the printing tests (no tests here): sample data, PDF text with positions, QR decoding."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from desktop.printing.data import ListDoc, ListRow, SlipData, Unit

UNIT = Unit("Xã Tân Lập", "Khánh Hòa")
DAY = dt.date(2026, 3, 5)

# The names the issue asks for: stacked marks, đ, both tone placements, ư, a one-letter given name.
NAMES = [
    "Nguyễn Thị Thuý",
    "Nguyễn Văn Thúy",
    "Đặng Văn Hoà",
    "Đặng Thị Hòa",
    "Ưng Hoàng Phúc",
    "Lê Ỷ",
    "Trần Quốc Ưng",
    "Bùi Thị Ánh Nguyệt",
]
NFD_NAME = unicodedata.normalize("NFD", "Phạm Thị Huyền Trâm")  # must come out NFC
LONG_NAME = "Tôn Nữ Thị Hoàng Bảo Ngọc Quỳnh Như Nguyễn Phước Thuỵ Khuê Diễm Kiều"


def list_doc(names: list[str], **kw: object) -> ListDoc:
    rows = [
        ListRow(n, 1950 + i % 60, f"Thôn {i % 3 + 1}", "07:30 - 08:00", ("card", "vneid", "both")[i % 3])
        for i, n in enumerate(names)
    ]
    return ListDoc(unit=kw.pop("unit", UNIT), rows=rows, day=DAY, point_name="Nhà văn hóa thôn Đông", **kw)


def slip(code: str, name: str, **kw: object) -> SlipData:
    base: dict[str, object] = dict(
        code=code, full_name=name, birth_year=1990, village="Thôn Đông", purpose="both", day=DAY,
        slot_start=dt.time(7, 30), slot_end=dt.time(8, 0), point_name="Nhà văn hóa thôn Đông",
        point_address="Thôn Đông, xã Tân Lập", unit=UNIT, officer="Trung úy Phạm Văn Minh",
    )
    base.update(kw)
    return SlipData(**base)  # type: ignore[arg-type]


def page_texts(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def fragments(pdf: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    """(x, y, text) of every text show on a page, from pypdf's visitor (ReportLab sets no CTM)."""
    out: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, y, text))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return out


def render_png(pdf: bytes, page: int = 1, dpi: int = 200) -> Path:
    """Render one page with poppler's pdftoppm (CI installs poppler-utils)."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm (poppler-utils) is required for the QR tests"
    tmp = Path(tempfile.mkdtemp(prefix="ep-print-"))
    src = tmp / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run([exe, "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(src),
                    str(tmp / "page")], check=True, timeout=60)
    return tmp / "page.png"


def decode_qr(png: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    with Image.open(png) as img:
        return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def words(pdf: bytes, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """Every word on a page with its box (xMin, yMin, xMax, yMax; y from the top), from `pdftotext -bbox`."""
    import html
    import re

    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is required"
    with tempfile.TemporaryDirectory(prefix="ep-print-") as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([exe, "-bbox", "-f", str(page), "-l", str(page), str(src), "-"], check=True,
                             capture_output=True, timeout=60).stdout.decode("utf-8")
    pat = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in pat.findall(out)]


def flat_text(pdf: bytes) -> str:
    """All pages' text, NFC, whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", " ".join(page_texts(pdf))).split())

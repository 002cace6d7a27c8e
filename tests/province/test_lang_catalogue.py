"""The English catalogue on its own: every `_("…")` of the templates has its English, the register's names
print as entered, Vietnamese numbers become English ones and nothing else does, patterns translate the lines
the modules build."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from province.dashboard import lang
from province.dashboard.lang_catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "province" / "dashboard" / "templates"


def test_every_template_word_has_its_english() -> None:
    words = {w for t in TEMPLATES.glob("*.html") for w in re.findall(r'_\("([^"]*)"', t.read_text(encoding="utf-8"))}
    assert len(words) > 150
    missing = sorted(w for w in words if w not in CATALOGUE)
    assert not missing, missing
    for w in words:  # the same placeholders on both sides
        assert sorted(re.findall(r"%\((\w+)\)s", w)) == sorted(re.findall(r"%\((\w+)\)s", CATALOGUE[w])), w


def test_the_register_names_print_as_entered() -> None:
    with (ROOT / "sync" / "data" / "communes-2025.csv").open(encoding="utf-8") as f:
        names = {n for r in csv.DictReader(f) for n in (r["commune_name"], r["province_name"])}
    assert len(names) > 3000
    assert [n for n in names if lang.en_numbers(lang.translate(n)) != n] == []


def test_numbers_dates_and_coordinates() -> None:
    cases = {"56.873/57.543 — 98,83%": "56,873/57,543 — 98.83%", "3.321 đơn vị.": "3,321 đơn vị.", "2,50": "2.50",
             "1.234,5%": "1,234.5%", "21/06/2026 16:30": "21/06/2026 16:30", "40.0,120.5 52.3,118.0":
             "40.0,120.5 52.3,118.0", "12.5": "12.5", "ab12.345": "ab12.345", "Thôn 1, Thôn 2": "Thôn 1, Thôn 2"}
    assert {k: lang.en_numbers(k) for k in cases} == cases


def test_lines_the_modules_build() -> None:
    assert lang.translate("Máy 2 (Nguyễn Văn An) chưa gửi từ 20/11") == "Laptop 2 (Nguyễn Văn An) silent since 20/11"
    assert lang.translate("Máy 1 (Máy một cửa): 07/12 (nhận 07/12 10:00)") == \
        "Laptop 1 (Máy một cửa): 07/12 (received 07/12 10:00)"
    assert lang.translate("dự kiến đạt 12/01/2027; không tiến triển 7 ngày") == \
        "projected 12/01/2027; no progress for 7 days"
    assert lang.translate("Chưa có dữ liệu từ 01/06/2026") == "No data since 01/06/2026"
    assert lang.translate("Phường Nha Trang") == "Phường Nha Trang"

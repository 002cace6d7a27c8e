"""common.spreadsheet: text a spreadsheet would run as a formula is written as text by every export."""

from __future__ import annotations

import csv
import io

from common.spreadsheet import FORMULA_START, csv_text, looks_like_formula


def test_every_formula_start_is_caught_and_plain_text_is_not() -> None:
    for start in FORMULA_START:
        assert looks_like_formula(start + "cmd|' /C calc'!A0")
        assert csv_text(start + "1+1") == "'" + start + "1+1"
    for fine in ("Nguyễn Văn A", "0912 345 678", "", " =1"):
        assert not looks_like_formula(fine) and csv_text(fine) == fine
    assert csv_text(-5) == -5 and csv_text(None) is None and not looks_like_formula(-5)


def test_a_csv_written_through_the_guard_reads_back_as_text() -> None:
    buf = io.StringIO()
    csv.writer(buf).writerow([csv_text(v) for v in ("=HYPERLINK(\"http://x\")", "@SUM(A1)", "Thôn 1", 3)])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "Thôn 1", "3"]

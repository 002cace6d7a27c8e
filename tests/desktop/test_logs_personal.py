"""Logs keep no names, addresses or dates of birth either, and `log_unexpected` writes a redacted bug."""

from __future__ import annotations

import logging
import stat
import sys
from pathlib import Path

import pytest

from desktop.errors import ValidationError
from desktop.logs import log_unexpected, redact, redacted_traceback, setup_logging, shutdown_logging


@pytest.fixture
def log_file(tmp_path: Path):
    path = setup_logging(tmp_path / "data")
    yield path
    shutdown_logging()


def _read(path: Path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "personal"),
    [
        ("row 12: full_name=Trần Thị Bình, village=Thôn 3", "Bình"),
        ("{'full_name': 'Đỗ Minh Khôi', 'id': 4}", "Khôi"),
        ("Họ và tên: Ông Văn Tư", "Tư"),
        ("Nguyễn Văn An không có lịch hẹn trong buổi này", "Văn An"),
        ("Le Thi Hoa / Nguyen Thi Thuy searched", "Thuy"),
        ("Phạm Thị Mai Anh đã được ghi nhận có mặt hôm nay", "Mai Anh"),
        ("ngày sinh 01/02/1990", "01/02/1990"),
        ("born 1.2.1987 in the commune", "1987"),
        ("dob 1956-07-30", "1956-07-30"),
        ("date_of_birth=datetime.date(1990, 1, 2)", "1990"),
        ("năm sinh: 1961", "1961"),
        ("address: 12 đường Trần Phú, Thôn Đông", "Trần Phú"),
        ("lives at 34/2 hẻm Lê Lợi", "Lê Lợi"),
        ("địa chỉ = Xóm Bãi, Xã X", "Xóm Bãi"),
        ("[SQL: INSERT INTO citizens (full_name) VALUES (?)]\n[parameters: ('Hồ Thị Xuân', '1990-01-02')]", "Xuân"),
    ],
)
def test_personal_values_redacted(raw: str, personal: str):
    out = redact(raw)
    assert personal not in out, out
    assert redact(out) == out  # idempotent


def test_timestamps_counts_and_places_stay():
    line = ("closed 3 reports at 2026-03-01 08:15:02 and 2026-03-01T08:15:02Z; 13500 rows; Hà Nội; "
            "point TRUSO; revision 0002_schedule_reports")
    assert redact(line) == line


def _fail_with_personal_data() -> None:
    name = "Trần Thị Bình"
    try:
        raise ValueError("row 7 has 12/05/1988")
    except ValueError as exc:
        raise ValidationError("full_name", name, f"{name} (sinh 12/05/1988, Thôn Đông) trùng hồ sơ 001190123456") from exc


def test_log_unexpected_writes_a_redacted_traceback(log_file: Path):
    try:
        _fail_with_personal_data()
    except ValidationError:
        text = log_unexpected(*sys.exc_info())
    logged = _read(log_file)
    assert "unexpected error (ValidationError)" in logged and "Traceback (most recent call last)" in logged
    assert "_fail_with_personal_data" in logged  # where it happened stays readable
    assert "ValidationError" in text and "Traceback" in text
    for personal in ("Trần Thị Bình", "Bình", "12/05/1988", "001190123456"):
        assert personal not in logged, personal
        assert personal not in text, personal
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_value_carried_by_the_exception_is_removed_even_without_a_known_shape(log_file: Path):
    odd = "Y Bờ Niê Kdăm"  # an Ê Đê name: no family name from the list, found through ValidationError.value
    try:
        raise ValidationError("full_name", odd, f"Tên «{odd}» quá dài")
    except ValidationError:
        text = redacted_traceback(*sys.exc_info())
        log_unexpected(*sys.exc_info())
    assert odd not in text and odd not in _read(log_file)


def test_logger_exception_uses_the_same_rules(log_file: Path):
    try:
        _fail_with_personal_data()
    except ValidationError:
        logging.getLogger("desktop.test").exception("import failed")
    logged = _read(log_file)
    assert "import failed" in logged and "Bình" not in logged and "12/05/1988" not in logged


def test_ctrl_c_is_not_a_bug(log_file: Path):
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        assert log_unexpected(*sys.exc_info()) == ""
    assert "unexpected error" not in _read(log_file)

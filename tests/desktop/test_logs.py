"""Logs: rotating file in <data>/logs; no ID numbers, phones, tokens or keys ever reach it."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

from common import idnumber
from desktop.logs import BACKUP_COUNT, MAX_BYTES, redact, setup_logging, shutdown_logging

GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Khánh", "Lan", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phúc", "Quang", "Sơn", "Tâm"]


@pytest.fixture
def log_file(tmp_path: Path):
    path = setup_logging(tmp_path / "data")
    yield path
    shutdown_logging()


@pytest.mark.parametrize(
    ("raw", "secret"),
    [
        ("citizen 001190123456 checked in", "001190123456"),
        ("old CMND 123456789", "123456789"),
        ("Excel ate the zero: 56179007777", "56179007777"),
        ("phone 0912345678", "0912345678"),
        ("phone 0912 345 678", "0912 345 678"),
        ("phone +84 912 345 678", "912 345 678"),
        ("Authorization: Bearer eyJhbGciOi.J9.abc", "eyJhbGciOi"),
        ("device token=Zm9vYmFyYmF6cXV4MTIzNDU2", "Zm9vYmFyYmF6cXV4MTIzNDU2"),
        ("PRAGMA key = \"x'" + "ab" * 32 + "'\"", "abababab"),
        ("secret " + "0f" * 20, "0f0f0f0f"),
    ],
)
def test_redact(raw: str, secret: str):
    assert secret not in redact(raw)


def test_counts_and_dates_stay_readable():
    line = "imported 13500 rows (120 errors) in 2.5 s on 2026-03-01 08:15:02; citizen id 4711; backup enrollpoint-20260301-081502-auto.db"
    assert redact(line) == line


def test_rotation_settings(log_file: Path):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(log_file))
    assert log_file.parent.name == "logs"
    assert handler.maxBytes == MAX_BYTES == 1_000_000 and handler.backupCount == BACKUP_COUNT == 5


def test_full_flow_leaves_no_personal_data_in_log(db, tmp_path: Path, log_file: Path):
    from desktop.models import Citizen
    from desktop.services.importer import import_file
    from desktop.services.register import statuses

    ids = [idnumber.make("001", 1990 + i, "F" if i % 2 else "M", 100 + i) for i in range(20)]
    phones = [f"09{i:08d}" for i in range(20)]
    csv = tmp_path / "danh_sach.csv"
    lines = ["Họ và tên,Số định danh,Ngày sinh,Giới tính,Thôn/Tổ dân phố,Số điện thoại"]
    for i, (n, p) in enumerate(zip(ids, phones, strict=True)):
        sex = "Nữ" if i % 2 else "Nam"
        lines.append(f"Nguyễn Văn {GIVEN[i]},{n},01/02/{1990 + i},{sex},Thôn Đông,{p}")
    lines.append("Dòng Lỗi,12345,99/99/1990,Nam,Thôn Đông,")  # an invalid row: its value goes to the report only
    csv.write_text("\n".join(lines), encoding="utf-8")

    log = logging.getLogger("desktop.flow")
    result = import_file(db, csv)
    assert result.inserted == 20
    log.info("import done: %s inserted", result.inserted)
    with db.session() as s:
        for c in s.query(Citizen).limit(5):
            statuses.record_event(s, c, statuses.EventType.ATTENDED)
            log.info("event for citizen %s (%s), phone %s", c.id, c.id_number, c.phone)
    token = secrets.token_urlsafe(32)
    log.warning("hub refused Authorization: Bearer %s for device %s", token, ids[0])
    try:
        raise ValueError(f"bad number {ids[1]} with api_key={token}")
    except ValueError:
        log.exception("unexpected failure")
    for h in logging.getLogger().handlers:
        h.flush()
    text = "\n".join(p.read_text(encoding="utf-8") for p in log_file.parent.iterdir())
    assert "import done: 20 inserted" in text and "unexpected failure" in text
    for secret in [*ids, *phones, token, "12345 "]:
        assert secret not in text, secret

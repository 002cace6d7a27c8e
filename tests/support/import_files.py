"""Shared helpers for the import tests: writing real files in every format offices produce."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from sqlalchemy import text

from common import idnumber

HEADER = ["STT", "Họ và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số CCCD", "Thôn/Tổ dân phố", "SĐT"]
TITLES = [["CÔNG AN XÃ HOÀ BÌNH"], ["DANH SÁCH CÔNG DÂN CHƯA CÓ CĂN CƯỚC"], []]

PEOPLE = [
    # name, dob, sex, village, phone
    ("Nguyễn Văn An", dt.date(1985, 3, 2), "M", "Thôn Đông", "0912345678"),
    ("Trần Thị Bình", dt.date(1990, 11, 25), "F", "Thôn Tây", "0987654321"),
    ("Lê Thị Thuý", dt.date(2001, 1, 31), "F", "Tổ dân phố 3", "0355123456"),
    ("Đặng Quốc Khánh", dt.date(1962, 7, 9), "M", "Ấp Tân Lợi", ""),
]


def id_for(dob: dt.date, sex: str, serial: int) -> str:
    return idnumber.make("056", dob.year, sex, serial)


def people_rows(people=PEOPLE, with_ids: bool = True) -> list[list[str]]:
    rows = []
    for i, (name, dob, sex, village, phone) in enumerate(people, start=1):
        rows.append([
            str(i), name, dob.strftime("%d/%m/%Y"), "Nam" if sex == "M" else "Nữ",
            id_for(dob, sex, i) if with_ids else "", village, phone,
        ])
    return rows


def csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included): compare before/after to prove no write."""
    with db.engine.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )]
        out = {}
        for n in names:
            if n == "citizens_fts":
                continue  # the virtual table reads through to citizens; its shadow tables are dumped
            out[n] = [tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{n}"')]
        return out


def citizens(db) -> list[dict]:
    with db.engine.connect() as conn:
        res = conn.execute(text("SELECT * FROM citizens ORDER BY id"))
        return [dict(r._mapping) for r in res]


def fts_ids(db, query: str) -> set[int]:
    with db.engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql(
            "SELECT rowid FROM citizens_fts WHERE citizens_fts MATCH ?", (f'"{query}"',)
        )}


def fts_integrity(db) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO citizens_fts(citizens_fts) VALUES('integrity-check')")
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

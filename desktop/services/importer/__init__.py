"""Import of citizen lists (CSV in any encoding a commune office produces, XLSX) into the register:
`reading`/`legacy` (files, encodings), `header` (finding the heading row), `report` (the error report beside
the file), `writer` (bulk insert); the row rules themselves (cells, validate, record) live in `register/`.

One file is one transaction: a crash, a cancel or a fatal error leaves the database exactly as before.
Valid rows are inserted or update the citizen with the same ID number; invalid rows are skipped and
listed, with the reason in Vietnamese, in a report written beside the input.

    result = import_file(db, "danh_sach.xlsx", progress=cb, cancel=flag.is_set)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common.vietnamese import fold
from desktop.changes import Changes, declares
from desktop.services.register.cells import clean_text, is_column_numbering, is_empty, text_value
from desktop.services.register.record import FLAG_COLUMNS, LABELS, CitizenRecord, build_record
from desktop.services.register.types import (
    ERROR,
    WARNING,
    ImportCancelled,
    ImportFileError,
    ImportResult,
    RowIssue,
)
from desktop.services.register.validate import RowValidator
from desktop.storage.db import Database

from .header import Header, find_header
from .reading import Table, open_tables
from .report import default_report_path, write_report
from .writer import BulkWriter

__all__ = [
    "CitizenRecord",
    "ImportCancelled",
    "ImportFileError",
    "ImportResult",
    "RowIssue",
    "RowValidator",
    "build_record",
    "import_file",
]

IMPORT_CACHE_KIB = 262_144  # page cache during an import (256 MB at most, only as far as used)
CHUNK = 5000  # rows between progress calls, cancel checks and batch writes (fewer = faster FTS inserts)
_STRONG_SECTION_WORDS = ("thon", "ap", "xom", "khom", "tdp", "khu", "plei", "buon", "soc", "phum")
_SECTION_WORDS = (
    "thon", "to", "ap", "ban", "xom", "khu", "tdp", "khom", "doi", "lang", "buon", "plei", "soc", "phum", "bon",
    "khoi", "tieu",
)
# Two-word village words that are unambiguous even in the name column ('Khối phố 3', 'Tiểu khu 5').
_STRONG_PAIRS = (("to", "dan"), ("khoi", "pho"), ("tieu", "khu"))


def _pick_table(path: Path) -> tuple[Table, Header]:
    first_error: ImportFileError | None = None
    for table in open_tables(path):
        try:
            return table, find_header(table.head, path.name)
        except ImportFileError as exc:
            first_error = first_error or exc
    raise first_error or ImportFileError(f"Tệp {path.name} không có trang nào chứa dữ liệu",
                                         en=f"The file {path.name} has no sheet with data")


def _section_village(text: str, in_name_column: bool) -> str | None:
    """'THÔN ĐÔNG', 'Tổ dân phố 3', 'Ấp Tân Lợi:' → the village a merged section row announces.

    In the name column only unambiguous forms count: 'Tô', 'Bàn', 'Lăng' are also family names.
    """
    words = fold(text).replace(":", " ").split()
    if not 1 < len(words) <= 6 or words[0] not in _SECTION_WORDS:
        return None
    strong = words[0] in _STRONG_SECTION_WORDS or (words[0], words[1]) in _STRONG_PAIRS or (
        words[0] == "to" and words[1].isdigit()
    )
    if in_name_column and not strong:
        return None
    return text_value(text).rstrip(": ")


@declares(Changes(citizens=True, statuses=True))
def import_file(
    db: Database,
    path: str | os.PathLike[str],
    *,
    report_path: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    operator_id: int | None = None,
) -> ImportResult:
    """Import one citizen list. Raises ImportFileError (nothing written) or ImportCancelled (rolled back)."""
    src = Path(path)
    table, header = _pick_table(src)
    if cancel is not None and cancel():
        raise ImportCancelled()
    run = _ImportRun(src, table, header, progress, cancel)
    raw = db.engine.raw_connection()
    conn = raw.driver_connection
    assert conn is not None  # a fresh pooled connection always has its DB-API connection
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    try:
        # A big list rewrites FTS5 segments many times: keep them in memory instead of spilling to the WAL.
        conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # sqlite3 or sqlcipher3 OperationalError: another writer holds the lock
            if "OperationalError" not in type(exc).__name__:
                raise
            raise ImportFileError(f"Cơ sở dữ liệu đang bận, hãy thử lại sau ({exc})",
                                  en=f"The database is busy, try again later ({exc})") from exc
        try:
            run.write(conn)
            run.finish(conn, operator_id, report_path)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        try:
            conn.execute(f"PRAGMA cache_size={int(old_cache)}")  # the pooled connection serves the app next
        finally:
            raw.close()
    if progress is not None:
        progress(run.total_est, run.total_est)
    return run.result


class _ImportRun:
    """One file's rows on their way into one transaction: which rows hold people, the checks, the counts."""

    def __init__(self, src: Path, table: Table, header: Header, progress: Callable[[int, int], None] | None,
                 cancel: Callable[[], bool] | None) -> None:
        self.src, self.table, self.header = src, table, header
        self.progress, self.cancel = progress, cancel
        self.result = ImportResult(encoding=table.encoding)
        self.labels = {**LABELS, **header.labels}
        self.validator = RowValidator(header.labels)
        self.total_est = max(table.estimated_rows - header.row, 1)
        self.now_s = dt.datetime.now().replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.seen_ids: dict[str, int] = {}

    def people_rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(row number, field → cell) of each row that holds a person: blank, title, section and column
        numbering rows are skipped; a section row ("Thôn Đông") gives its village to the rows below it."""
        columns = self.header.columns
        items = list(columns.items())
        name_idx = columns["full_name"]
        section = ""
        for rowno, cells in self.table.rows(self.header.index + 1):
            n_filled = len(cells) - cells.count("") - cells.count(None)
            if n_filled <= 2:  # blank, title or section row? (whitespace-only cells count as empty)
                filled = [c for c in cells if not is_empty(c)]
                n_filled = len(filled)
                if not n_filled:
                    continue
            name_cell = cells[name_idx] if name_idx < len(cells) else None
            if n_filled == 1 and len(columns) > 1:
                village = _section_village(clean_text(filled[0]), not is_empty(name_cell))
                if village or is_empty(name_cell):
                    section = village or section
                    continue  # a merged title or section row
            if isinstance(name_cell, str) and name_cell.strip()[:1] in "(0123456789" and is_column_numbering(cells):
                continue
            values = {f: (cells[i] if i < len(cells) else None) for f, i in items}
            if section and is_empty(values.get("village")):
                values["village"] = section
            yield rowno, values

    def write(self, conn: Any) -> None:
        """Every person row checked and written in chunks (progress and cancel between chunks)."""
        authoritative = frozenset(f for f in FLAG_COLUMNS if f in self.header.columns)
        writer = BulkWriter(conn, self.now_s, authoritative, self.labels["full_name"])
        since = 0
        for rowno, values in self.people_rows():
            self.take(writer, rowno, values)
            since += 1
            if since >= CHUNK:
                since = 0
                writer.flush()
                self.check_cancel()
                if self.progress is not None:
                    self.progress(min(rowno - self.header.row, self.total_est), self.total_est)
        writer.finish()
        self.check_cancel()
        counts, result = writer.counts, self.result
        result.inserted, result.updated, result.unchanged = counts.inserted, counts.updated, counts.unchanged
        result.possible_duplicates = counts.possible_duplicates
        result.warnings = sum(1 for i in result.issues if i.severity == WARNING)

    def take(self, writer: BulkWriter, rowno: int, values: dict[str, object]) -> None:
        """One row: the row rules, then an ID number seen earlier in the same file is an error."""
        self.result.rows_total += 1
        rec, row_issues = self.validator.validate(values, rowno)
        id_number = rec.id_number if rec is not None else None
        if id_number is not None:
            first = self.seen_ids.get(id_number)
            if first is not None:
                row_issues.append(RowIssue(rowno, self.labels["id_number"], id_number,
                                           f"Số định danh trùng với dòng {first} trong cùng tệp", ERROR, "id_number"))
                rec = None
            else:
                self.seen_ids[id_number] = rowno
        if rec is None:
            self.result.errors += 1
        else:
            writer.add(rec, rowno, row_issues)
        if row_issues:
            self.result.issues.extend(row_issues)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise ImportCancelled()

    def finish(self, conn: Any, operator_id: int | None, report_path: str | os.PathLike[str] | None) -> None:
        """The audit entry and, when a row had something to say, the error report beside the file."""
        conn.execute(
            "INSERT INTO audit_log (at, operator_id, action, entity, entity_id, detail) "
            "VALUES (?, ?, 'import', 'citizen', NULL, ?)",
            (self.now_s, operator_id, _audit_detail(self.src.name, self.result)),
        )
        if self.result.issues:
            target = Path(report_path) if report_path else default_report_path(self.src)
            try:
                self.result.report_path = write_report(target, self.result.issues)
            except OSError as exc:
                raise ImportFileError(
                    f"Không ghi được báo cáo lỗi {target}: {exc.strerror or exc}; chưa nhập gì",
                    en=f"The error report {target} could not be written: {exc.strerror or exc}; nothing was "
                       "imported",
                ) from exc


def _audit_detail(name: str, r: ImportResult) -> str:
    return (
        f"{name}: {r.rows_total} dòng; thêm {r.inserted}, cập nhật {r.updated}, không đổi {r.unchanged}, "
        f"lỗi {r.errors}, cảnh báo {r.warnings}, nghi trùng {r.possible_duplicates}"
    )

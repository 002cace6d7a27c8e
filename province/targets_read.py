"""Reading a targets file (CSV or XLSX) into typed records, separate from storing them (`targets_write`).

Bounded before anything is parsed: the file's size, an XLSX's unpacked size (a zip bomb is refused from its
directory), the number of rows and of columns. Two layouts, told apart by the header row:

- long: `commune_code, indicator, value[, deadline]` — one target per row;
- wide: `commune_code, card_captured, vneid_l2_captured, …[, deadline]` — one commune per row, an empty cell
  meaning "no target for this indicator".

Header names are matched without case, spaces or Vietnamese marks ("Mã xã", "Chỉ tiêu", "Giá trị", "Hạn");
a commune name column is allowed and ignored. Every fault is collected with its row, column and reason and
the whole file is refused (`TargetFileRefused`): nothing is stored from a file with one bad cell. Callers
that need more columns (target sets, denominators) pass `extra` names and find their cells in
`TargetRecord.extra`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from province.errors import HubRefusal
from sync import indicators

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 40
MAX_VALUE = 100_000_000
MAX_FAULTS = 30

ALIASES = {
    "commune": ("commune", "communecode", "maxa", "madonvi"),
    "name": ("communename", "tenxa", "ten"),
    "indicator": ("indicator", "chitieu", "loaichitieu"),
    "value": ("value", "target", "giatri", "muctieu", "sochitieu"),
    "deadline": ("deadline", "han", "hanchot", "thoihan"),
}
# Names an `extra` column is also known by (the target sets' columns, province.target_sets).
EXTRA_ALIASES = {
    "set": ("set", "targetset", "bochitieu", "tenbochitieu", "dot"),
    "denominator": ("denominator", "mauso"),
    "basis": ("basis", "loaimauso"),
}


@dataclass(frozen=True, slots=True)
class Fault:
    row: int
    column: str
    reason_vi: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class TargetRecord:
    """One target as the file gives it (the commune is not yet checked against the register)."""

    row: int
    commune: str
    indicator: str
    value: int
    deadline: dt.date | None
    extra: dict[str, str] = field(default_factory=dict)


class TargetFileRefused(HubRefusal):
    """The targets file was refused whole; `faults` name each row, column and reason."""

    title = "Không nhập được tệp chỉ tiêu"

    def __init__(self, name: str, faults: list[Fault]) -> None:
        self.faults = faults
        shown = faults[:MAX_FAULTS]
        more = len(faults) - len(shown)
        vi = "; ".join(f"dòng {f.row}, cột {f.column}: {f.reason_vi}" for f in shown)
        en = "; ".join(f"row {f.row}, column {f.column}: {f.reason_en}" for f in shown)
        super().__init__(f"{name}: nothing imported — {en}" + (f"; and {more} more" if more else ""),
                         vi=f"{name}: không nhập gì — {vi}" + (f"; và {more} lỗi nữa" if more else ""))


def header_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed.lower() if c.isalnum() and not unicodedata.combining(c))


def _whole(name: str, vi: str, en: str, column: str = "—") -> TargetFileRefused:
    return TargetFileRefused(name, [Fault(0, column, vi, en)])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(data: bytes, name: str) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _whole(name, "tệp CSV không phải UTF-8 (lưu lại dưới dạng CSV UTF-8)",
                     "the CSV file is not UTF-8 (save it as CSV UTF-8)") from None
    sample = text[:4096]
    delimiter = max(",;\t", key=sample.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(path: Path, name: str) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise _whole(name, "tệp Excel giải nén quá lớn", "the Excel file unpacks too large")
        from python_calamine import CalamineWorkbook  # lazy: only spreadsheets need the Rust reader

        wb = CalamineWorkbook.from_path(str(path))
        sheet = wb.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except TargetFileRefused:
        raise
    except Exception as exc:  # zipfile and calamine raise their own types for every kind of damage
        raise _whole(name, "tệp Excel hỏng hoặc không phải bảng tính", "the Excel file is damaged or not a "
                     "spreadsheet") from exc


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header cells, [(row number in the file, cells as text)]) of a CSV or XLSX file, bounded; empty rows
    skipped. Refused whole on size, rows, columns or damage."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _whole(name, f"không đọc được tệp ({exc.strerror})", f"cannot read the file ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise _whole(name, f"tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB", f"the file is over {MAX_BYTES // 1024 // 1024} MB")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw: Iterable[list[Any]] = _csv_rows(path.read_bytes(), name)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path, name)
    else:
        raise _whole(name, "chỉ nhận tệp .csv hoặc .xlsx", "only .csv or .xlsx files are read")
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(raw, start=1):
        if len(cells) > MAX_COLUMNS and any(_cell_text(c) for c in cells[MAX_COLUMNS:]):
            raise _whole(name, f"dòng {number} có hơn {MAX_COLUMNS} cột", f"row {number} has over {MAX_COLUMNS} columns")
        texts = [_cell_text(c) for c in cells[:MAX_COLUMNS]]
        if not any(texts):
            continue
        if header is None:
            header = texts
            continue
        if len(rows) >= MAX_ROWS:
            raise _whole(name, f"tệp có hơn {MAX_ROWS} dòng", f"the file has over {MAX_ROWS} rows")
        rows.append((number, texts))
    if header is None:
        raise _whole(name, "tệp trống", "the file is empty")
    return header, rows


def _deadline(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _value(text: str) -> int:
    number = float(text.replace(" ", ""))
    if not number.is_integer() or not 0 <= number <= MAX_VALUE:
        raise ValueError(text)
    return int(number)


def _roles(header: list[str], extra: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int], list[Fault]]:
    """Which column is what: (role → index, indicator → index for the wide layout), and unknown columns."""
    roles: dict[str, int] = {}
    wide: dict[str, int] = {}
    faults: list[Fault] = []
    by_alias = {alias: role for role, names in ALIASES.items() for alias in names}
    by_alias.update({header_key(a): f"extra:{e}" for e in extra for a in EXTRA_ALIASES.get(e, (e,))})
    keys = {header_key(k): k for k in indicators.KEYS}
    for i, cell in enumerate(header):
        k = header_key(cell)
        role = by_alias.get(k)
        if role is None and k in keys:
            wide[keys[k]] = i
        elif role is None:
            faults.append(Fault(1, cell or f"#{i + 1}", "cột không biết (tên cột: mã xã, chỉ tiêu, giá trị, hạn, "
                                "hoặc tên chỉ tiêu: " + ", ".join(indicators.KEYS) + ")",
                                "unknown column (columns: commune_code, indicator, value, deadline, or an "
                                "indicator key: " + ", ".join(indicators.KEYS) + ")"))
        elif role in roles:
            faults.append(Fault(1, cell, "cột bị lặp", "column given twice"))
        else:
            roles[role] = i
    return roles, wide, faults


def parse(path: Path, extra: tuple[str, ...] = ()) -> list[TargetRecord]:
    """The file's targets, or TargetFileRefused naming every faulty row and column."""
    header, rows = read_table(path)
    roles, wide, faults = _roles(header, extra)
    long_form = "indicator" in roles or "value" in roles
    if "commune" not in roles:
        faults.append(Fault(1, "commune_code", "thiếu cột mã xã", "no commune code column"))
    if long_form and ("indicator" not in roles or "value" not in roles or wide):
        faults.append(Fault(1, "indicator/value", "dạng một chỉ tiêu mỗi dòng cần đúng hai cột chỉ tiêu và giá trị",
                            "the one-target-per-row layout needs exactly the indicator and value columns"))
    if not long_form and not wide:
        faults.append(Fault(1, "—", "không có cột chỉ tiêu nào", "no indicator column"))
    if faults:
        raise TargetFileRefused(path.name, faults)
    records: list[TargetRecord] = []
    for number, cells in rows:
        records.extend(_row(number, cells, header, roles, wide, long_form, faults))
    if faults:
        raise TargetFileRefused(path.name, faults)
    return records


def _row(number: int, cells: list[str], header: list[str], roles: dict[str, int], wide: dict[str, int],
         long_form: bool, faults: list[Fault]) -> list[TargetRecord]:
    def cell(i: int) -> str:
        return cells[i] if i < len(cells) else ""

    commune = cell(roles["commune"])
    if not commune:
        faults.append(Fault(number, header[roles["commune"]], "thiếu mã xã", "commune code missing"))
    deadline = None
    if "deadline" in roles and (text := cell(roles["deadline"])):
        try:
            deadline = _deadline(text)
        except ValueError:
            faults.append(Fault(number, header[roles["deadline"]], f"ngày không hợp lệ {text!r} (YYYY-MM-DD hoặc "
                                "DD/MM/YYYY)", f"not a date {text!r} (YYYY-MM-DD or DD/MM/YYYY)"))
    extra = {role[6:]: cell(i) for role, i in roles.items() if role.startswith("extra:")}
    pairs: list[tuple[str, str, str]] = []  # (indicator, value text, column name)
    if long_form:
        ind_text = cell(roles["indicator"])
        ind = {header_key(k): k for k in indicators.KEYS}.get(header_key(ind_text))
        if ind is None:
            faults.append(Fault(number, header[roles["indicator"]], f"không có chỉ tiêu {ind_text!r}",
                                f"unknown indicator {ind_text!r}"))
        else:
            pairs.append((ind, cell(roles["value"]), header[roles["value"]]))
    else:
        pairs = [(ind, cell(i), header[i]) for ind, i in wide.items() if cell(i)]
    out = []
    for ind, text, column in pairs:
        try:
            value = _value(text)
        except ValueError:
            faults.append(Fault(number, column, f"giá trị {text!r} không phải số nguyên từ 0 đến {MAX_VALUE}",
                                f"value {text!r} is not a whole number from 0 to {MAX_VALUE}"))
            continue
        if commune:
            out.append(TargetRecord(number, commune, ind, value, deadline, extra))
    return out

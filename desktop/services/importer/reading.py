"""Bytes → rows: CSV in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1258, TCVN3
or VNI; XLSX/XLS/ODS through python-calamine. Rows are streamed as (row number in the file, cells).

Everything that makes the whole file unusable raises ImportFileError here, before the database is touched.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from desktop.services.register.types import ImportFileError

from . import legacy

Row = tuple[int, list[object]]  # (1-based row number as in the file, cell values)

HEAD_ROWS = 300  # rows kept in memory for header detection and encoding guesses

_MAGIC = [
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"%PDF", "tệp PDF"),
    (b"BM", None),  # too short to trust alone; checked with the control-byte ratio
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"MZ", "chương trình Windows"),
    (b"\x7fELF", "chương trình"),
]
_MAGIC_EN = {  # the same kinds in English, for ImportFileError's en words
    "ảnh PNG": "a PNG image", "ảnh JPEG": "a JPEG image", "ảnh GIF": "a GIF image", "tệp PDF": "a PDF file",
    "tệp nén gzip": "a gzip archive", "tệp nén RAR": "a RAR archive", "tệp nén 7z": "a 7z archive",
    "chương trình Windows": "a Windows program", "chương trình": "a program",
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_EXT = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


@dataclass
class Table:
    """One sheet (or the CSV): the first rows in memory, the rest streamed."""

    head: list[Row]
    rest: Iterator[Row]
    estimated_rows: int
    encoding: str
    sheet: str | None = None

    def rows(self, start: int = 0) -> Iterator[Row]:
        return itertools.chain(self.head[start:], self.rest)


def open_tables(path: Path) -> Iterator[Table]:
    """The sheets of a spreadsheet (in order) or the single table of a text file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}",
                              en=f"The file {path.name} could not be read: {exc.strerror or exc}") from exc
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(f"Tệp {path.name} rỗng: không có dòng nào để nhập",
                              en=f"The file {path.name} is empty: no rows to import")
    if data.startswith(_ZIP) or data.startswith(_OLE):
        yield from _spreadsheet_tables(path)
        return
    for magic, what in _MAGIC:
        if what and data.startswith(magic):
            raise ImportFileError(f"Tệp {path.name} không phải bảng tính (có vẻ là {what})",
                                  en=f"The file {path.name} is not a spreadsheet (it looks like {_MAGIC_EN.get(what, what)})")
    if path.suffix.lower() in _SPREADSHEET_EXT and not _looks_like_text(data):
        raise ImportFileError(f"Tệp {path.name} không phải tệp Excel hợp lệ (nội dung bị hỏng hoặc sai định dạng)",
                              en=f"The file {path.name} is not a valid Excel file (damaged or in the wrong "
                                 "format)")
    yield _text_table(path, data)


# ---------------------------------------------------------------------------------------------- text files

def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(sample):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 26))
    return controls <= len(sample) // 200


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 4 or b"\x00" not in sample[:4096]:
        return None
    even = sample[0:4096:2].count(0)
    odd = sample[1:4096:2].count(0)
    half = min(len(sample), 4096) // 2
    if odd > half * 0.6 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.6 and odd < half * 0.1:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> tuple[str, str, Callable[[str], str] | None]:
    """(text, encoding label, per-cell converter for legacy text inside Unicode) or ImportFileError."""
    undecodable = f"Không giải mã được tệp {name}: bảng mã không hợp lệ"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, label = data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{undecodable} (có BOM UTF-8 nhưng sai UTF-8 ở byte {exc.start})",
                                  en=f"The file {name} could not be decoded (it has a UTF-8 BOM but is not "
                                     f"valid UTF-8 at byte {exc.start})") from exc
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, label = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{undecodable} (UTF-16 hỏng ở byte {exc.start})",
                                  en=f"The file {name} could not be decoded (broken UTF-16 at byte "
                                     f"{exc.start})") from exc
    elif enc := _utf16_without_bom(data[:65536]):
        try:
            text, label = data.decode(enc), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{undecodable} (UTF-16 hỏng ở byte {exc.start})",
                                  en=f"The file {name} could not be decoded (broken UTF-16 at byte "
                                     f"{exc.start})") from exc
    else:
        if not _looks_like_text(data):
            raise ImportFileError(f"Tệp {name} không phải bảng tính hay tệp văn bản CSV (dữ liệu nhị phân)",
                                  en=f"The file {name} is neither a spreadsheet nor a CSV text file "
                                     "(binary data)")
        try:
            text, label = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            return _decode_legacy(data, name)
    if "\x00" in text:
        raise ImportFileError(f"Tệp {name} không phải bảng tính hay tệp văn bản CSV (chứa ký tự NUL)",
                              en=f"The file {name} is neither a spreadsheet nor a CSV text file (it "
                                 "contains NUL characters)")
    conv = _text_level_converter(text[:200_000])
    if conv:
        label, fn = conv
        return text, label, fn
    return text, label, None


def _decode_legacy(data: bytes, name: str) -> tuple[str, str, None]:
    sample = data[:200_000]
    guess = legacy.guess_bytes(sample)
    if guess == legacy.TCVN3:
        text = legacy.decode_tcvn3(data)
    elif guess == legacy.VNI:
        text = legacy.decode_vni(data)
    else:
        try:
            text = unicodedata.normalize("NFC", data.decode("cp1258"))
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"Không giải mã được tệp {name}: không phải UTF-8, UTF-16, Windows-1258, TCVN3 hay VNI "
                f"(byte lạ 0x{data[exc.start]:02X} ở vị trí {exc.start}). Hãy lưu lại bằng Excel dạng "
                "\"CSV UTF-8\" hoặc .xlsx",
                en=f"The file {name} could not be decoded: not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI "
                   f"(unexpected byte 0x{data[exc.start]:02X} at position {exc.start}). Save it from Excel "
                   "as \"CSV UTF-8\" or .xlsx",
            ) from exc
    good, bad = legacy.score(text[:200_000])
    if bad > good:
        raise ImportFileError(
            f"Không nhận ra bảng mã của tệp {name} (không phải UTF-8, UTF-16, Windows-1258, TCVN3 hay VNI). "
            "Hãy lưu lại bằng Excel dạng \"CSV UTF-8\" hoặc .xlsx",
            en=f"The character encoding of the file {name} was not recognised (not UTF-8, UTF-16, "
               "Windows-1258, TCVN3 or VNI). Save it from Excel as \"CSV UTF-8\" or .xlsx",
        )
    return text, guess, None


def _text_level_converter(sample: str) -> tuple[str, Callable[[str], str]] | None:
    guess = legacy.guess_text(sample)
    fn = legacy.text_converter(guess)
    return (guess, fn) if fn else None


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text[:100_000].splitlines()[:40] if ln.strip()]
    best, best_key = ",", (0, 0)
    for delim in ("\t", ";", ",", "|"):
        counts = [ln.count(delim) for ln in lines]
        with_it = sum(1 for c in counts if c)
        key = (with_it, sum(counts))
        if key > best_key:
            best, best_key = delim, key
    return best


def _text_table(path: Path, data: bytes) -> Table:
    text, label, convert = decode_text(data, path.name)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)

    def rows() -> Iterator[Row]:
        try:
            for i, cells in enumerate(reader, start=1):
                if convert is not None:
                    cells = [convert(c) if c else c for c in cells]
                yield i, cast(list[object], cells)  # list is invariant: list[str] is a list[object] here
        except csv.Error as exc:
            raise ImportFileError(f"Tệp {path.name} hỏng ở dòng {reader.line_num}: {exc}",
                                  en=f"The file {path.name} is damaged at line {reader.line_num}: {exc}") from exc

    it = rows()
    head = list(itertools.islice(it, HEAD_ROWS))
    return Table(head, it, max(text.count("\n"), len(head)), label)


# ------------------------------------------------------------------------------------------- spreadsheets

def _spreadsheet_tables(path: Path) -> Iterator[Table]:
    try:
        from python_calamine import CalamineWorkbook  # lazy: only spreadsheets need the Rust reader

        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own error types for every kind of corruption
        raise ImportFileError(f"Không đọc được tệp Excel {path.name}: tệp hỏng hoặc không phải bảng tính",
                              en=f"The Excel file {path.name} could not be read: the file is damaged or "
                                 "not a spreadsheet") from exc
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            it = _sheet_rows(sheet.iter_rows(), path.name)
            head = list(itertools.islice(it, HEAD_ROWS))
            height = int(getattr(sheet, "total_height", 0) or len(head))
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(f"Không đọc được trang '{name}' của tệp {path.name}",
                                  en=f"The sheet '{name}' of the file {path.name} could not be read") from exc
        convert = _text_level_converter(
            " ".join(str(c) for _, cells in head for c in cells if isinstance(c, str))
        )
        if convert:
            label, fn = convert
            head = [(n, [fn(c) if isinstance(c, str) and c else c for c in cells]) for n, cells in head]
            it = ((n, [fn(c) if isinstance(c, str) and c else c for c in cells]) for n, cells in it)
            encoding = f"Excel ({label})"
        else:
            encoding = "Excel"
        yield Table(head, it, height, encoding, sheet=name)


def _sheet_rows(raw: Iterator[list[Any]], name: str) -> Iterator[Row]:
    try:
        yield from enumerate(raw, start=1)
    except Exception as exc:
        raise ImportFileError(f"Tệp Excel {name} hỏng giữa chừng: {exc}",
                              en=f"The Excel file {name} is damaged part-way through: {exc}") from exc

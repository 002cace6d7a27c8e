"""What an import returns and the errors it raises (messages in Vietnamese)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.errors import ServiceError

ERROR, WARNING = "error", "warning"


class ImportFileError(ServiceError):
    """The whole file is unusable (empty, not a spreadsheet, undecodable, no header, required column missing).

    Raised before anything is written, or with the transaction rolled back.
    """


class ImportCancelled(ServiceError):
    """The officer cancelled; the transaction was rolled back and the register is as before."""

    def __init__(self, message: str = "Đã huỷ nhập danh sách; không có thay đổi nào được ghi", *,
                 en: str | None = "Import cancelled; no change was written") -> None:
        super().__init__(message, en=en)


@dataclass(slots=True)
class RowIssue:
    """One problem on one row: `row` as numbered in the file (1-based), `column` as headed in the file.

    `reason` stays Vietnamese only (no `en`): it is written into the error report returned to the commune,
    a document in the commune's language, not words of the UI.
    """

    row: int
    column: str
    value: str
    reason: str
    severity: str = ERROR  # 'error' (row not imported) or 'warning' (row imported)
    field: str = ""  # internal field name (full_name, birth_date, ...), for forms

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(slots=True)
class ImportResult:
    """Counts of one import. `errors` counts rejected rows; `warnings` counts warning issues.

    inserted + updated + unchanged + errors == rows_total; possible_duplicates is part of inserted.
    """

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: int = 0
    errors: int = 0
    possible_duplicates: int = 0
    rows_total: int = 0
    report_path: Path | None = None
    issues: list[RowIssue] = field(default_factory=list)
    encoding: str = ""  # how the file was read: UTF-8, UTF-16, Windows-1258, TCVN3, VNI, XLSX

    def as_dict(self) -> dict[str, object]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "errors": self.errors,
            "possible_duplicates": self.possible_duplicates,
            "rows_total": self.rows_total,
            "report_path": str(self.report_path) if self.report_path else None,
            "encoding": self.encoding,
        }

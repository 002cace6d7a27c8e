"""The register as a paged table model: 200,000 citizens without ever loading them all.

Rows arrive page by page from `search.query_citizens` as the view scrolls (`canFetchMore`/`fetchMore`);
the view uses a fixed row height, so Qt never asks for more rows than it paints. The fetch function is
injected, so the model knows nothing about sessions.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.ui import lang
from desktop.ui.lang import translator

_ = translator("QueueModel")

PAGE = 200
Index = QModelIndex | QPersistentModelIndex
FetchFn = Callable[[Any, int, int], list[Any]]  # (query, offset, limit) -> rows

COLUMNS = ("full_name", "id_number", "birth", "sex", "village", "phone", "status", "vneid")


def _headers() -> list[str]:
    return [_("Họ và tên"), _("Số định danh"), _("Ngày sinh"), _("Giới"), _("Thôn/Tổ"), _("Điện thoại"),
            _("Trạng thái"), _("VNeID")]


def _vneid(stage: int) -> str:
    return [_("—"), _("Đã thu hồ sơ"), _("Đã duyệt"), _("Đã kích hoạt")][max(0, min(3, int(stage or 0)))]


class CitizenTableModel(QAbstractTableModel):
    page_loaded = Signal(int, float)  # rows now loaded, milliseconds the page query took

    def __init__(self, fetch: FetchFn, parent=None, page: int = PAGE) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._page = page
        self._query: Any = None
        self._rows: list[Any] = []
        self._more = False
        self._fetching = False
        self._headers = _headers()
        self.last_query_ms = 0.0

    # --- loading ---------------------------------------------------------------------------------
    def set_query(self, query: Any) -> None:
        """Replace the rows with the first page of a new query."""
        t0 = time.perf_counter()
        rows = self._fetch(query, 0, self._page)
        self.last_query_ms = (time.perf_counter() - t0) * 1000
        self.beginResetModel()
        self._query = query
        self._rows = list(rows)
        self._more = len(rows) >= self._page
        self.endResetModel()
        self.page_loaded.emit(len(self._rows), self.last_query_ms)

    def query(self) -> Any:
        return self._query

    def refresh(self) -> None:
        """Re-run the current query keeping as many rows as were loaded (after a change)."""
        if self._query is None:
            return
        want = max(len(self._rows), self._page)
        rows = self._fetch(self._query, 0, want)
        self.beginResetModel()
        self._rows = list(rows)
        self._more = len(rows) >= want
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        # Views and testers call back into the model from rowsAboutToBeInserted: never fetch re-entrantly.
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        try:
            t0 = time.perf_counter()
            rows = self._fetch(self._query, len(self._rows), self._page)
            self.last_query_ms = (time.perf_counter() - t0) * 1000
            if rows:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
                self._rows.extend(rows)
                self._more = len(rows) >= self._page
                self.endInsertRows()
            else:
                self._more = False
        finally:
            self._fetching = False
        self.page_loaded.emit(len(self._rows), self.last_query_ms)

    # --- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return self._headers[section]
        return None

    def row_at(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(COLUMNS):
            return None
        r = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == "full_name" and getattr(r, "possible_duplicate_of", None):
            return _("Có thể trùng với một người khác trong danh sách")
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    @staticmethod
    def _display(r: Any, col: str) -> str:
        if col == "full_name":
            mark = " ⚑" if getattr(r, "possible_duplicate_of", None) else ""
            return (r.full_name or "") + mark
        if col == "id_number":
            return r.id_number or ""
        if col == "birth":
            if isinstance(r.birth_date, dt.date):
                return r.birth_date.strftime("%d/%m/%Y")
            return str(r.birth_year or "")
        if col == "sex":
            return {"M": _("Nam"), "F": _("Nữ")}.get(r.sex or "", "")
        if col == "village":
            return r.village or ""
        if col == "phone":
            return r.phone or ""
        if col == "status":
            return lang.status_label(r.status)
        if col == "vneid":
            return _vneid(r.vneid_stage)
        return ""

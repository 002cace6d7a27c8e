"""The register as a paged table model: 200,000 citizens without ever loading them all.

Rows arrive page by page from `search.query_citizens` as the view scrolls (`canFetchMore`/`fetchMore`);
the view uses a fixed row height, so Qt never asks for more rows than it paints. A new query loads only a
first page the size of the screen (cheap on a keystroke); later pages continue from the last row through
the optional `seek` function (keyset paging: page 4,000 costs what page 1 does) and fall back to offsets.
The fetch functions are injected, so the model knows nothing about sessions.

Rows are kept as plain tuples (a dataclass row is rebuilt by `row_at()`): a tuple of strings, numbers
and dates is untracked by Python's garbage collector, so 200,000 loaded rows add nothing to its full
collections (with dataclass rows one collection took 100–200 ms, a visible stall while scrolling).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.ui.support import lang
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit

_ = translator("QueueModel")

PAGE = 200
Index = QModelIndex | QPersistentModelIndex
FetchFn = Callable[[Any, int, int], list[Any]]  # (query, offset, limit) -> rows
SeekFn = Callable[[Any, Any, int], "list[Any] | None"]  # (query, last row, limit) -> rows, None: use offsets

COLUMNS = ("full_name", "id_number", "birth", "sex", "village", "phone", "status", "vneid")


def _headers() -> list[str]:
    return [_("Họ và tên"), _("Số định danh"), _("Ngày sinh"), _("Giới"), _("Thôn/Tổ"), _("Điện thoại"),
            _("Trạng thái"), _("VNeID")]


def _vneid(stage: int) -> str:
    return [_("—"), _("Đã thu hồ sơ"), _("Đã duyệt"), _("Đã kích hoạt")][max(0, min(3, int(stage or 0)))]


class CitizenTableModel(QAbstractTableModel):
    page_loaded = Signal(int, float)  # rows now loaded, milliseconds the page query took

    def __init__(self, fetch: FetchFn, parent=None, page: int = PAGE, first_page: int | None = None,
                 seek: SeekFn | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._seek = seek
        self._page = page
        self._first = first_page or page
        self._query: Any = None
        self._rows: list[tuple] = []
        self._row_type: Any = None  # the dataclass the fetch functions return (rebuilt by row_at)
        self._names: tuple[str, ...] = ()
        self._at: dict[str, int] = {}
        self._more = False
        self._fetching = False
        self._headers = _headers()
        self.last_query_ms = 0.0

    # --- loading ---------------------------------------------------------------------------------
    def set_query(self, query: Any) -> None:
        """Replace the rows with the first page of a new query."""
        t0 = time.perf_counter()
        rows = self._fetch(query, 0, self._first)
        self.last_query_ms = (time.perf_counter() - t0) * 1000
        self.beginResetModel()
        self._query = query
        self._rows = self._pack(rows)
        self._more = len(rows) >= self._first
        self.endResetModel()
        emit(self.page_loaded, len(self._rows), self.last_query_ms)

    def query(self) -> Any:
        return self._query

    def _pack(self, rows: list[Any]) -> list[tuple]:
        if not rows:
            return []
        if self._row_type is not type(rows[0]):
            self._row_type = type(rows[0])
            self._names = tuple(f.name for f in dataclasses.fields(self._row_type))
            self._at = {n: i for i, n in enumerate(self._names)}
        names = self._names
        return [tuple([getattr(r, n) for n in names]) for r in rows]

    def _get(self, t: tuple, name: str) -> Any:
        i = self._at.get(name)
        return None if i is None else t[i]

    def refresh(self) -> None:
        """Re-run the current query keeping as many rows as were loaded (after a change)."""
        if self._query is None:
            return
        want = max(len(self._rows), self._first)
        rows = self._fetch(self._query, 0, want)
        self.beginResetModel()
        self._rows = self._pack(rows)
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
            rows = None
            if self._seek is not None and self._rows:
                rows = self._seek(self._query, self.row_at(len(self._rows) - 1), self._page)
            if rows is None:
                rows = self._fetch(self._query, len(self._rows), self._page)
            self.last_query_ms = (time.perf_counter() - t0) * 1000
            if rows:
                first = len(self._rows)
                packed = self._pack(rows)
                self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
                self._rows.extend(packed)
                self._more = len(rows) >= self._page
                self.endInsertRows()
                # What survived until now (pages, caches) lives long: keep it out of full collector
                # passes, which otherwise grow with the rows loaded and stall a scroll step (gc.freeze
                # is constant-time; rows hold no reference cycles).
                gc.freeze()
            else:
                self._more = False
        finally:
            self._fetching = False
        emit(self.page_loaded, len(self._rows), self.last_query_ms)

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
        return self._row_type(*self._rows[row]) if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(COLUMNS):
            return None
        t = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(t, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "full_name" and self._get(t, "possible_duplicate_of"):
                return _("Có thể trùng với một người khác trong danh sách")
            return self._display(t, col) or None  # the whole text of an elided cell
        if role == Qt.ItemDataRole.UserRole:
            return self._get(t, "id")
        return None

    def _display(self, t: tuple, col: str) -> str:
        g = self._get
        if col == "full_name":
            mark = " ⚑" if g(t, "possible_duplicate_of") else ""
            return (g(t, "full_name") or "") + mark
        if col == "id_number":
            return g(t, "id_number") or ""
        if col == "birth":
            birth = g(t, "birth_date")
            if isinstance(birth, dt.date):
                return birth.strftime("%d/%m/%Y")
            return str(g(t, "birth_year") or "")
        if col == "sex":
            return {"M": _("Nam"), "F": _("Nữ")}.get(g(t, "sex") or "", "")
        if col == "village":
            return g(t, "village") or ""
        if col == "phone":
            return g(t, "phone") or ""
        if col == "status":
            return lang.status_label(g(t, "status"))
        if col == "vneid":
            return _vneid(g(t, "vneid_stage"))
        return ""

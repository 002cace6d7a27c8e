"""The register as a paged table model: 200,000 citizens without ever loading them all.

Rows arrive page by page from `search.query_citizens` as the view scrolls (`canFetchMore`/`fetchMore`);
the view uses a fixed row height, so Qt never asks for more rows than it paints. A new query loads only a
first page the size of the screen (cheap on a keystroke); later pages continue from the last row through
the optional `seek` function (keyset paging: page 4,000 costs what page 1 does) and fall back to offsets.
The fetch functions are injected, so the model knows nothing about sessions.

Only a window of pages stays in memory (`window` pages, least recently read first out): a page that
was dropped is read again when the view scrolls back to it, by key from the last row of the page before
it (kept, one tuple per page, with its sort key) or by offset for the ranked search. Scrolling the whole
200,000-row register therefore holds ~2,000 rows, not 200,000 (the GUI's peak RSS, docs/decisions.md). The row
count is that of the rows reached so far, as before (the scroll bar grows as pages arrive; the count
label shows the real total).

Rows are kept as plain tuples (a dataclass row is rebuilt by `row_at()`): a tuple of strings, numbers
and dates is untracked by Python's garbage collector, so 200,000 loaded rows add nothing to its full
collections (with dataclass rows one collection took 100–200 ms, a visible stall while scrolling).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from desktop.ui.support import lang
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit

if TYPE_CHECKING:
    from desktop.services.due.search import CitizenQuery
    from desktop.services.register.rows import CitizenRow

_ = translator("QueueModel")

PAGE = 200
WINDOW = 10  # pages kept in memory
Index = QModelIndex | QPersistentModelIndex
FetchFn = Callable[["CitizenQuery", int, int], "list[CitizenRow]"]  # (query, offset, limit) -> rows
# (query, last row, limit) -> rows; None: use offsets
SeekFn = Callable[["CitizenQuery", "CitizenRow", int], "list[CitizenRow] | None"]

COLUMNS = ("full_name", "id_number", "birth", "sex", "village", "phone", "status", "vneid")
_SHARED = ("village", "status", "sex", "birth_date", "card_issued_on")  # few distinct values, many rows


def _headers() -> list[str]:
    return [_("Họ và tên"), _("Số định danh"), _("Ngày sinh"), _("Giới"), _("Thôn/Tổ"), _("Điện thoại"),
            _("Trạng thái"), _("VNeID")]


def _vneid(stage: int) -> str:
    return [_("—"), _("Đã thu hồ sơ"), _("Đã duyệt"), _("Đã kích hoạt")][max(0, min(3, int(stage or 0)))]


class CitizenTableModel(QAbstractTableModel):
    page_loaded = Signal(int, float)  # rows now loaded, milliseconds the page query took

    def __init__(self, fetch: FetchFn, parent: QObject | None = None, page: int = PAGE, first_page: int | None = None,
                 seek: SeekFn | None = None, window: int = WINDOW) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._seek = seek
        self._page = page
        self._first = first_page or page
        self._window = max(2, window)
        self._query: CitizenQuery | None = None
        # Page p holds rows [_starts[p], _starts[p] + _lens[p]); _anchors[p] is the last row of page p - 1
        # (None for the first page), from which a dropped page is read again; _cache holds the kept pages.
        self._starts: list[int] = []
        self._lens: list[int] = []
        self._anchors: list[tuple | None] = []
        self._cache: OrderedDict[int, list[tuple]] = OrderedDict()
        self._tail: tuple | None = None  # the last row reached: where the next page continues
        self._count = 0
        self._row_type: type[CitizenRow] | None = None  # the dataclass the fetch functions return (row_at)
        self._names: tuple[str, ...] = ()
        self._at: dict[str, int] = {}
        self._shared: dict[object, object] = {}  # one object per village, status, sex, date (see _slim)
        self._more = False
        self._fetching = False
        self._headers = _headers()
        self.last_query_ms = 0.0

    # --- loading ---------------------------------------------------------------------------------
    def set_query(self, query: CitizenQuery) -> None:
        """Replace the rows with the first page of a new query."""
        t0 = time.perf_counter()
        rows = self._fetch(query, 0, self._first)
        self.last_query_ms = (time.perf_counter() - t0) * 1000
        self.beginResetModel()
        self._query = query
        self._set_rows(self._pack(rows))
        self._more = len(rows) >= self._first
        self.endResetModel()
        emit(self.page_loaded, self._count, self.last_query_ms)

    def query(self) -> CitizenQuery | None:
        return self._query

    def _set_rows(self, packed: list[tuple]) -> None:
        """Forget every page; `packed` (the rows from the top) becomes page 0."""
        self._starts, self._lens, self._anchors = [], [], []
        self._cache.clear()
        self._count = 0
        self._tail = None
        if len(self._shared) > 50_000:  # a long session of many queries: start sharing afresh
            self._shared = {}
        if packed:
            self._add_page(packed)

    def _add_page(self, packed: list[tuple]) -> None:
        p = len(self._starts)
        self._starts.append(self._count)
        self._lens.append(len(packed))
        self._anchors.append(self._tail)
        self._count += len(packed)
        self._tail = packed[-1]
        self._keep(p, packed)

    def _keep(self, p: int, packed: list[tuple]) -> None:
        self._cache[p] = packed
        self._cache.move_to_end(p)
        while len(self._cache) > self._window:
            self._cache.popitem(last=False)

    def _page_of(self, row: int) -> list[tuple]:
        """The rows of the page holding `row`, read again if they were dropped."""
        p = bisect_right(self._starts, row) - 1
        rows = self._cache.get(p)
        if rows is not None:
            self._cache.move_to_end(p)
            return rows
        want, anchor = self._lens[p], self._anchors[p]
        query, row_type = self._query, self._row_type
        assert query is not None and row_type is not None  # pages exist only for a query's rows
        fresh = None
        if self._seek is not None and anchor is not None:
            fresh = self._seek(query, row_type(*anchor), want)
        if fresh is None:
            fresh = self._fetch(query, self._starts[p], want)
        rows = self._pack(fresh)[:want] if fresh else []
        if len(rows) < want and rows:  # the register changed meanwhile: repeat the last row, a refresh follows
            rows = rows + [rows[-1]] * (want - len(rows))
        if rows:
            self._keep(p, rows)
        return rows

    def _tuple(self, row: int) -> tuple | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page_of(row)
        i = row - self._starts[bisect_right(self._starts, row) - 1]
        return rows[i] if i < len(rows) else None

    def _pack(self, rows: list[CitizenRow]) -> list[tuple]:
        if not rows:
            return []
        if self._row_type is not type(rows[0]):
            self._row_type = type(rows[0])
            self._names = tuple(f.name for f in dataclasses.fields(self._row_type))
            self._at = {n: i for i, n in enumerate(self._names)}
        names = self._names
        packed = [tuple([getattr(r, n) for n in names]) for r in rows]
        return self._slim(packed)

    def _slim(self, packed: list[tuple]) -> list[tuple]:
        """Less memory per kept row: a village, status or date read from the database is a new object per
        row; rows share one per value instead. The listing's sort key is needed only on the last row of a
        page (where the next page continues): the others drop it."""
        shared = self._shared
        idx = [self._at[n] for n in _SHARED if n in self._at]
        key = self._at.get("sort_key")
        last = len(packed) - 1
        out = []
        for i, t in enumerate(packed):
            row = list(t)
            for j in idx:
                v = row[j]
                if v is not None:
                    row[j] = shared.setdefault(v, v)
            if key is not None and i != last:
                row[key] = None
            out.append(tuple(row))
        return out

    def _get(self, t: tuple, name: str) -> Any:
        i = self._at.get(name)
        return None if i is None else t[i]

    def refresh(self) -> None:
        """Re-run the current query keeping as many rows as were reached (after a change): the first pages
        are read now, the others again when the view comes back to them."""
        if self._query is None:
            return
        count = self._count
        if count <= self._first + self._page * (self._window - 1):
            want = max(count, self._first)
            rows = self._fetch(self._query, 0, want)
            self.beginResetModel()
            self._set_rows(self._pack(rows[:self._first]))
            for i in range(self._first, len(rows), self._page):
                self._add_page(self._pack(rows[i:i + self._page]))
            self._more = len(rows) >= want
            self.endResetModel()
            return
        self.beginResetModel()
        self._cache.clear()  # the anchors stay: every page is read again, by key or offset, when shown
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
            query = self._query
            assert query is not None  # more rows exist only for a query
            rows = None
            if self._seek is not None and self._tail is not None and self._row_type is not None:
                rows = self._seek(query, self._row_type(*self._tail), self._page)
            if rows is None:
                rows = self._fetch(query, self._count, self._page)
            self.last_query_ms = (time.perf_counter() - t0) * 1000
            if rows:
                first = self._count
                packed = self._pack(rows)
                self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
                self._add_page(packed)
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
        emit(self.page_loaded, self._count, self.last_query_ms)

    # --- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return self._headers[section]
        return None

    def row_at(self, row: int) -> CitizenRow | None:
        t = self._tuple(row)
        return None if t is None or self._row_type is None else self._row_type(*t)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(COLUMNS):
            return None
        t = self._tuple(index.row())
        if t is None:
            return None
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

"""The queue: a paged model that passes qtmodeltester, search-as-you-type, filters, the detail panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.services.due import search
from desktop.ui.views.queue_model import CitizenTableModel
from tests.support.qt import wait_idle


def test_model_passes_modeltester_and_pages(qtmodeltester, demo_db):
    def fetch(q, off, lim):
        with demo_db.session() as s:
            return search.query_citizens(s, q, off, lim)

    model = CitizenTableModel(fetch, page=50)
    model.set_query(search.CitizenQuery())
    assert model.rowCount() == 50 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 300
    qtmodeltester.check(model)


def test_seek_paging_with_slim_rows_matches_one_query(demo_db):
    """Keyset pages over rows that share villages/dates and keep the sort key only on the last row give the
    same rows, in the same order, as one query of everything."""
    def fetch(q, off, lim):
        with demo_db.session() as s:
            return search.query_citizens(s, q, off, lim)

    def seek(q, last, lim):
        with demo_db.session() as s:
            return search.query_citizens(s, q, 0, lim, search.seek_key(last))

    model = CitizenTableModel(fetch, page=40, seek=seek)
    model.set_query(search.CitizenQuery())
    while model.canFetchMore():
        model.fetchMore()
    rows = [model.row_at(r) for r in range(model.rowCount())]
    everything = fetch(search.CitizenQuery(), 0, 10_000)
    assert [r.id for r in rows] == [r.id for r in everything]
    assert [(r.full_name, r.village, r.birth_date, r.status) for r in rows] == [
        (r.full_name, r.village, r.birth_date, r.status) for r in everything]
    assert rows[-1].sort_key == everything[-1].sort_key and rows[0].sort_key is None
    same_village = [r.village for r in rows if r.village == rows[0].village]
    assert len(same_village) > 1 and all(v is same_village[0] for v in same_village)


def test_typing_filters_without_diacritics(qtbot, window):
    view = window.queue
    first = view.model.row_at(0)
    assert first is not None
    given = first.full_name.split()[-1]
    from common.vietnamese import fold

    view.search.clear()
    QTest.keyClicks(view.search, fold(first.full_name))
    qtbot.waitUntil(lambda: view.model.query() is not None and view.model.query().text == fold(first.full_name),
                    timeout=3000)
    names = [view.model.row_at(r).full_name for r in range(view.model.rowCount())]
    assert first.full_name in names
    assert all(given.lower() in fold(n) or fold(given) in fold(n) for n in names[:3])


def test_village_filter_and_panel_actions(qtbot, window, controller):
    view = window.queue
    qtbot.waitUntil(view.villages_loaded, timeout=5000)  # read on the worker after the first paint
    view.village.setCurrentIndex(1)
    key = view.village.currentData()
    rows = [view.model.row_at(r) for r in range(view.model.rowCount())]
    assert rows and all(fold_village(r.village) == key for r in rows)
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.waitUntil(lambda: view.panel.title.text() == rows[0].full_name, timeout=3000)
    assert view.panel.buttons, "allowed next events are shown as buttons"
    if "deferred" in view.panel.buttons:
        before = view.panel.history.rowCount()
        qtbot.mouseClick(view.panel.buttons["deferred"], Qt.MouseButton.LeftButton)
        wait_idle(qtbot, controller.runner)
        qtbot.waitUntil(lambda: view.panel.history.rowCount() == before + 1, timeout=3000)


def fold_village(v: str) -> str:
    from common.vietnamese import fold

    return fold(v)


def test_window_keeps_few_pages_and_reads_dropped_ones_again(qtmodeltester, demo_db):
    """The model keeps only `window` pages; a dropped page is read again (by key from the last row
    of the page before it for the listing, by offset for a search) with the same rows, so scrolling back,
    selection by row and the citizen panel see exactly what one query of everything gives."""
    reads: list[str] = []

    def fetch(q, off, lim):
        reads.append("offset")
        with demo_db.session() as s:
            return search.query_citizens(s, q, off, lim)

    def seek(q, last, lim):  # as the queue view's: None (use offsets) unless the sorted listing
        if not search.is_listing(q) or search.seek_key(last) is None:
            return None
        reads.append("seek")
        with demo_db.session() as s:
            return search.query_citizens(s, q, 0, lim, search.seek_key(last))

    everything = fetch(search.CitizenQuery(), 0, 10_000)
    model = CitizenTableModel(fetch, page=30, first_page=20, seek=seek, window=3)
    model.set_query(search.CitizenQuery())
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(everything) == 300
    assert len(model._cache) == 3, "only the window of pages is kept"
    reads.clear()
    backwards = [model.row_at(r).id for r in reversed(range(model.rowCount()))]
    assert backwards[::-1] == [r.id for r in everything]
    assert len(model._cache) == 3 and "seek" in reads and reads.count("offset") == 1  # page 0 by offset
    assert model.data(model.index(299, 0)) == everything[299].full_name + (
        " ⚑" if everything[299].possible_duplicate_of else "")

    # a ranked search pages by offset and reads dropped pages by offset too
    q = search.CitizenQuery(text="n")
    found = fetch(q, 0, 10_000)
    assert len(found) > 60
    searched = CitizenTableModel(fetch, page=30, first_page=20, seek=seek, window=3)
    searched.set_query(q)
    while searched.canFetchMore():
        searched.fetchMore()
    assert [searched.row_at(r).id for r in reversed(range(searched.rowCount()))][::-1] == [r.id for r in found]
    assert len(searched._cache) <= 3

    # refresh after a change keeps the rows reached and reads them again when shown
    model.refresh()
    assert model.rowCount() == 300 and not model._cache
    assert [model.row_at(r).id for r in range(300)] == [r.id for r in everything]
    qtmodeltester.check(model)

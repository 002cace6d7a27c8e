"""The queue: a paged model that passes qtmodeltester, search-as-you-type, filters, the detail panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.services import search
from desktop.ui.views.queue_model import CitizenTableModel

from .conftest import wait_idle


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

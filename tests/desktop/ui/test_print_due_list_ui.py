"""The due list per village from the File menu: the preview gets a real PDF built on the worker."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from tests.support.qt import wait_idle


def test_due_list_action_previews_a_pdf(qtbot, window, controller):
    from desktop.ui.actions import printing as print_actions

    titles = [a.text() for a in window.shell.menu("file").actions()]
    assert "In danh sách &cần đến theo thôn…" in titles
    dlg = print_actions.print_due_list(window.shell, dt.date.today())
    qtbot.addWidget(dlg)
    wait_idle(qtbot, controller.runner, timeout=60_000)
    qtbot.waitUntil(lambda: dlg.page_count() > 0, timeout=10_000)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(dlg.pdf_bytes())).pages[:2])
    assert "DANH SÁCH CÔNG DÂN CẦN ĐẾN LÀM THỦ TỤC" in " ".join(text.split())
    assert "Ghi chú của trưởng thôn/tổ" in " ".join(text.split())


def test_progress_view_shows_village_targets(qtbot, window, demo_db):
    from desktop.services.figures import progress, village_targets

    with demo_db.session() as s:
        first = progress.progress(s, dt.date.today(), series_days=1).villages[0]
        village_targets.set_village_target(s, first.village, "card_captured", 1)
        other = progress.progress(s, dt.date.today(), series_days=1).villages[1]
        village_targets.set_village_target(s, other.village, "card_captured", 10**6)
    window.tabs.setCurrentWidget(window.progress)
    window.progress.reload()
    table = window.progress.villages
    cells = {table.item(r, 0).text(): table.item(r, 5).text() for r in range(table.rowCount())}
    assert table.horizontalHeaderItem(5).text() == "Chỉ tiêu của thôn (% đạt)"
    reached = first.cumulative.get("card_captured", 0) >= 1
    assert cells[first.village].endswith("— Đạt" if reached else "— Chưa đạt")
    assert cells[other.village].endswith("— Chưa đạt") and cells[other.village].startswith("Thẻ ")
    assert sum(1 for v in cells.values() if v == "—") == len(cells) - 2

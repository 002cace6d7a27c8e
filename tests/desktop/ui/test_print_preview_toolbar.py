"""Print preview: a toolbar with shortcuts (print, save, zoom, pages) and a page count; Esc closes it."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


def _pdf(tmp_path: Path, pages: int) -> bytes:
    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    out = tmp_path / "p.pdf"
    with out.open("wb") as f:
        w.write(f)
    return out.read_bytes()


def test_toolbar_pages_zoom_and_save(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui.dialogs.print_preview import PrintPreviewDialog

    dlg = PrintPreviewDialog(_pdf(tmp_path, 3), title="Danh sách thôn")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    acts = dlg.actions_by_name
    assert acts["print"].shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    assert acts["save"].shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert dlg.page_label.text() == "Trang 1/3"
    assert acts["next"].shortcut() == QKeySequence(Qt.Key.Key_PageDown)
    assert acts["previous"].shortcut() == QKeySequence(Qt.Key.Key_PageUp)
    acts["next"].trigger()
    assert dlg.current_page() == 1
    assert dlg.page_label.text() == "Trang 2/3"
    acts["next"].trigger()
    acts["next"].trigger()  # stays on the last page
    assert dlg.current_page() == 2
    before = dlg.view.zoomFactor()
    acts["zoom_in"].trigger()
    assert dlg.view.zoomFactor() > before
    acts["fit"].trigger()
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    acts["save"].trigger()  # Ctrl+S (its shortcut, checked above)
    assert len(PdfReader(target).pages) == 3
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_preview_never_larger_than_the_screen(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from desktop.ui.dialogs.print_preview import PrintPreviewDialog
    from desktop.ui.support import fit

    fit.install(QApplication.instance())
    dlg = PrintPreviewDialog(_pdf(tmp_path, 1))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    area = dlg.screen().availableGeometry()
    assert dlg.height() < 960  # it asks for 820×960
    qtbot.waitUntil(lambda: area.contains(dlg.frameGeometry()), timeout=2000)  # the frame, once known

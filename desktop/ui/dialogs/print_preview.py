"""Print preview: the PDF's pages on screen, "In…" to a printer through Qt, "Lưu PDF…" to a file.

The dialog never generates anything: it receives finished PDF bytes (or a path). To keep the window
responsive, it is opened first in its loading state while the runner builds the bytes
(`actions/printing.open_preview`, with a worker function of `operations/printing.py`). Preview and
printing use QtPdf (the PySide6-Pdf wheel): pages are rendered by PDFium to images at the printer's resolution (capped at 300 dpi) and
painted onto the QPrinter page, so the print matches the preview and the saved PDF.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QSize, QSizeF, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from common.files import atomic_write
from desktop.ui.support.lang import translator

_ = translator("PrintPreview")

MAX_PRINT_DPI = 300
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0


class PrintPreviewDialog(QDialog):
    """Shows a PDF and prints or saves it. `pdf` may be given now or later through `set_pdf()`."""

    def __init__(
        self,
        pdf: bytes | str | os.PathLike[str] | None = None,
        *,
        title: str = "",
        file_name: str = "ban-in.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Xem trước bản in"))
        self.resize(820, 960)
        self._file_name = file_name
        self._data = b""
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)

        self.status = QLabel(_("Đang tạo bản in…"))
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        # Alt+I, Alt+L, Alt+G (Alt+P, Alt+S, Alt+C in English); the toolbar shows the same words without them
        self.print_button = QPushButton(_("&In…"))
        self.save_button = QPushButton(_("&Lưu PDF…"))
        self.close_button = QPushButton(_("Đón&g"))
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        self.toolbar = self._build_toolbar()
        layout.setMenuBar(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._set_ready(False)
        if pdf is not None:
            self.set_pdf(pdf)

    def _build_toolbar(self) -> QToolBar:
        """Print, save, zoom and pages at the top, each with its shortcut: reachable at any window height."""
        bar = QToolBar(self)
        bar.setObjectName("previewToolbar")
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("print", _("In…"), [QKeySequence(QKeySequence.StandardKey.Print)], self.print_dialog),
            ("save", _("Lưu PDF…"), [QKeySequence(QKeySequence.StandardKey.Save)], self.save_dialog),
            ("zoom_in", _("Phóng to"), [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")],
             self.zoom_in),
            ("zoom_out", _("Thu nhỏ"), [QKeySequence(QKeySequence.StandardKey.ZoomOut)], self.zoom_out),
            ("fit", _("Vừa khổ"), [QKeySequence("Ctrl+0")], self.zoom_fit),
            ("previous", _("Trang trước"), [QKeySequence(Qt.Key.Key_PageUp)], lambda: self.go_page(-1)),
            ("next", _("Trang sau"), [QKeySequence(Qt.Key.Key_PageDown)], lambda: self.go_page(1)),
        ):
            act = QAction(text, self)
            act.setObjectName(f"preview_{name}")
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(f"{text} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
            act.triggered.connect(lambda _c=False, fn=slot: fn())
            bar.addAction(act)
            self.addAction(act)
            self.actions_by_name[name] = act
            if name in ("save", "fit"):
                bar.addSeparator()
        self.page_label = QLabel("")
        self.page_label.setObjectName("pageLabel")
        bar.addWidget(self.page_label)
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._show_page())
        return bar

    def zoom_in(self) -> None:
        self._zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(1 / ZOOM_STEP)

    def _zoom(self, factor: float) -> None:
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            width = self.view.viewport().width()
            page = self.document.pagePointSize(0).width() if self.page_count() else 0
            self.view.setZoomFactor(width / (page * self.logicalDpiX() / 72) if page else 1.0)
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(MAX_ZOOM, max(MIN_ZOOM, self.view.zoomFactor() * factor)))

    def zoom_fit(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_page(self, step: int) -> None:
        n = self.page_count()
        if n:
            page = min(n - 1, max(0, self.current_page() + step))
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
            self._show_page()

    def _show_page(self) -> None:
        n = self.page_count()
        self.page_label.setText(_("Trang {0}/{1}").format(self.current_page() + 1, n) if n else "")

    # --- content -------------------------------------------------------------------------------

    def set_pdf(self, pdf: bytes | str | os.PathLike[str]) -> None:
        """Show the finished document (bytes, or a path to a PDF file)."""
        data = bytes(pdf) if isinstance(pdf, bytes | bytearray) else Path(pdf).read_bytes()
        self.document.close()
        self._data = data
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        ok = self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0
        if ok:
            n = self.document.pageCount()
            self.status.setText(_("%n trang").replace("%n", str(n)))
            self._show_page()
        else:
            self.status.setText(_("Không đọc được tệp PDF."))
        self._set_ready(ok)

    def set_failure(self, exc: BaseException, tb: str = "") -> None:
        """The worker failed (for example an empty selection): say why, in the dialog itself."""
        from desktop.ui.support.errors import user_message

        message = user_message(exc) or str(exc) or exc.__class__.__name__
        self.set_message(message)

    def set_message(self, message: str) -> None:
        self.status.setText(message)
        self.status.setWordWrap(True)
        self._set_ready(False)

    def page_count(self) -> int:
        return self.document.pageCount() if self._data else 0

    def pdf_bytes(self) -> bytes:
        return self._data

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        for act in self.actions_by_name.values():
            act.setEnabled(ready)

    # --- saving --------------------------------------------------------------------------------

    def save_to(self, path: str | os.PathLike[str]) -> Path:
        """Write the PDF (atomically: a half-written file on a USB stick is worse than none)."""
        return atomic_write(path, self._data)

    def save_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu PDF"), self._file_name, _("Tệp PDF (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            self.save_to(path)
        except OSError as exc:
            QMessageBox.warning(self, _("Lưu PDF"), _("Không ghi được tệp: ") + str(exc))
            return
        self.status.setText(_("Đã lưu: ") + path)

    # --- printing ------------------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        """A printer set to the document's own page size (A4, or 80 mm wide for a thermal roll)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        if self.page_count():
            size = self.document.pagePointSize(0)
            page = QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
            printer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
            printer.setFromTo(1, self.page_count())
        return printer

    def print_dialog(self) -> None:
        printer = self.make_printer()
        dlg = QPrintDialog(printer, self)
        dlg.setWindowTitle(_("In"))
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        printed = self.print_to(printer, show_progress=True)
        if printed:
            self.status.setText(_("Đã gửi %n trang tới máy in.").replace("%n", str(printed)))

    def print_to(self, printer: QPrinter, show_progress: bool = False) -> int:
        """Render pages to images at the printer's resolution and paint them; returns pages printed.

        Pages are painted one at a time with the event loop turning between them, so a 250-page list
        can be cancelled and the window keeps repainting.
        """
        n = self.page_count()
        if not n:
            return 0
        first = max(1, printer.fromPage() or 1)
        last = min(n, printer.toPage() or n)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        progress = None
        if show_progress and last > first:
            progress = QProgressDialog(_("Đang in…"), _("Hủy"), 0, last - first + 1, self)
            progress.setWindowModality(Qt.WindowModality.WindowModal)
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, _("In"), _("Không mở được máy in."))
            return 0
        printed = 0
        try:
            for page in range(first - 1, last):
                if progress is not None:
                    if progress.wasCanceled():
                        break
                    progress.setValue(page - first + 1)
                    QApplication.processEvents()
                if printed:
                    printer.newPage()
                pts = self.document.pagePointSize(page)
                px = QSize(round(pts.width() / 72 * dpi), round(pts.height() / 72 * dpi))
                image = self.document.render(page, px)
                if image.format() != QImage.Format.Format_ARGB32:
                    image = image.convertToFormat(QImage.Format.Format_ARGB32)
                target = printer.pageLayout().paintRectPixels(printer.resolution())
                target.moveTo(0, 0)
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.fillRect(0, 0, scaled.width(), scaled.height(), Qt.GlobalColor.white)
                painter.drawImage(target.x(), target.y(), image.scaled(
                    scaled, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
                printed += 1
        finally:
            painter.end()
            if progress is not None:
                progress.close()
        return printed

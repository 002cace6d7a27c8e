"""The print preview dialog offscreen: pages shown, saved bytes identical, printing through QPrinter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.printing.data import ListDoc, ListRow, NothingToPrint, SlipData, Unit
from desktop.printing.slips import build_slips_pdf
from desktop.printing.village_list import build_list_pdf

UNIT = Unit("Xã Tân Lập", "Khánh Hòa")


def _list_pdf(rows: int = 90) -> bytes:
    doc = ListDoc(UNIT, [ListRow(f"Nguyễn Thị Thuý {i}", 1980, "Thôn Đông", "07:30", "card") for i in range(rows)],
                  dt.date(2026, 3, 5), "Nhà văn hóa thôn Đông")
    return build_list_pdf(doc)


def test_preview_shows_pages_and_saves_the_same_bytes(qtbot, tmp_path: Path) -> None:
    from desktop.ui.dialogs.print_preview import PrintPreviewDialog

    pdf = _list_pdf()
    dlg = PrintPreviewDialog(pdf, title="Danh sách", file_name="ds.pdf")
    qtbot.addWidget(dlg)
    n = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert dlg.page_count() == n > 1
    assert dlg.print_button.text() == "&In…" and dlg.save_button.text() == "&Lưu PDF…"
    assert dlg.print_button.isEnabled() and dlg.save_button.isEnabled()
    out = dlg.save_to(tmp_path / "ds.pdf")
    assert out.read_bytes() == pdf


def test_preview_buttons_answer_their_own_alt_keys(qtbot) -> None:
    """Print, save and close each offer an Alt+letter of their own (the toolbar shows the words without)."""
    from PySide6.QtGui import QKeySequence

    from desktop.ui.dialogs.print_preview import PrintPreviewDialog
    from tests.support.mnemonics import clashes, mnemonic

    dlg = PrintPreviewDialog(_list_pdf(5), title="Danh sách")
    qtbot.addWidget(dlg)
    dlg.show()
    keys = [mnemonic(b.text()) for b in (dlg.print_button, dlg.save_button, dlg.close_button)]
    assert keys == ["i", "l", "g"] and clashes(dlg) == {}
    assert dlg.close_button.shortcut() == QKeySequence("Alt+G")


def test_loading_state_then_pdf_then_failure(qtbot) -> None:
    from desktop.ui.dialogs.print_preview import PrintPreviewDialog

    dlg = PrintPreviewDialog(title="Giấy hẹn")
    qtbot.addWidget(dlg)
    assert not dlg.print_button.isEnabled() and dlg.page_count() == 0
    dlg.set_pdf(_list_pdf(5))
    assert dlg.print_button.isEnabled() and dlg.page_count() == 1
    dlg.set_failure(NothingToPrint("Không có lịch hẹn nào: không có giấy hẹn để in."))
    assert not dlg.print_button.isEnabled()
    assert "Không có lịch hẹn nào" in dlg.status.text()


def test_print_to_a_pdf_printer_keeps_page_count_and_size(qtbot, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from desktop.ui.dialogs.print_preview import PrintPreviewDialog

    slip = SlipData("K7Q2M9XD4A", "Đặng Văn Hoà", 1980, "Thôn Đông", "both", dt.date(2026, 3, 5),
                    dt.time(7, 30), dt.time(8, 0), "Nhà văn hóa", "", UNIT)
    pdf = build_slips_pdf([slip, slip], "thermal")
    dlg = PrintPreviewDialog(pdf)
    qtbot.addWidget(dlg)
    printer = dlg.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert dlg.print_to(printer) == 2
    pages = PdfReader(str(tmp_path / "printed.pdf")).pages
    assert len(pages) == 2
    assert float(pages[0].mediabox.width) == pytest.approx(80 / 25.4 * 72, abs=1.5)  # 80 mm roll
    # what reached the "printer" is the slip itself, not a blank page: its QR still decodes
    import shutil
    import subprocess

    import zxingcpp
    from PIL import Image

    exe = shutil.which("pdftoppm")
    assert exe
    subprocess.run([exe, "-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "printed.pdf"),
                    str(tmp_path / "p")], check=True, timeout=60)
    with Image.open(tmp_path / "p.png") as img:
        assert [r.text for r in zxingcpp.read_barcodes(img.convert("L"))] == ["K7Q2M9XD4A"]


def test_ui_module_does_not_import_sqlalchemy() -> None:
    import desktop.ui.dialogs.print_preview as m

    assert "sqlalchemy" not in Path(m.__file__).read_text(encoding="utf-8")

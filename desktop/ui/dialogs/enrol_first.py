"""What the functions that need an enrolled laptop (the USB file, the day code) say before it is: what to do
first, with a button that does it ("Kết nối bằng tệp…"), instead of a Save dialog for a file that would
never be written. Non-blocking (`open()`); the caller keeps the box to close or test it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.support.lang import translator

_ = translator("EnrolFirst")


def ask_enrol_first(parent: QWidget, title: str, doing: str, enrol: Callable[[], object]) -> QMessageBox:
    """Tell that `doing` needs the laptop connected to the province first; the button opens enrolment by file."""
    box = QMessageBox(QMessageBox.Icon.Information, title,
                      _("Máy chưa được kết nối với máy chủ tỉnh nên chưa thể {0}. Hãy kết nối máy trước: "
                        "không cần mạng, chỉ cần mã kết nối một lần do công an tỉnh cấp.").format(doing),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("enrolFirstBox")
    button = box.addButton(_("&Kết nối bằng tệp…"), QMessageBox.ButtonRole.AcceptRole)
    button.setObjectName("enrolFirstButton")
    button.clicked.connect(enrol)
    box.setDefaultButton(button)
    box.open()
    return box

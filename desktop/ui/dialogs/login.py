"""Who is at the laptop: the login dialog (name + PIN) and the first-run supervisor dialog.

Both write through the runner (`operations/auth.py`: a login records failed
attempts and the audit trail; creating an account hashes the PIN with scrypt). `actions/login.py` runs
them at start-up (desktop/app.py) and for "Đổi cán bộ…".

The login dialog paints before SQLAlchemy is imported (a start's largest cost): its names come over the
bare driver (`services.start_facts`), and `services.auth` (the ORM) is imported only when an answer needs
it, by then loaded on the worker while the officer typed (`operations.auth.prepare_login`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, QTimer
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.errors import ServiceError
from desktop.services import start_facts
from desktop.ui.operations import auth as auth_ops
from desktop.ui.support import fit, lang
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo, OperatorLocked

_ = translator("LoginDialog")
MIN_WIDTH = 440  # px: a name with diacritics, the PIN field and a two-line message at most
TITLE_CHROME = 140  # px beside the title in a title bar: icon and buttons


def _now() -> dt.datetime:
    """`auth.now` (tests move it), looked up when needed: only after an answer, when the ORM is loaded."""
    from desktop.services import auth

    return auth.now()


def _roomy(dialog: QDialog, message: QLabel) -> None:
    """Wide enough for the whole title in the window manager's title bar, and room for a three-line message,
    so a wrong-PIN message never loses the top of its first line and the fields are never squashed."""
    fm = dialog.fontMetrics()
    dialog.setMinimumWidth(max(MIN_WIDTH, fm.horizontalAdvance(dialog.windowTitle()) + TITLE_CHROME))
    message.setMinimumHeight(fm.lineSpacing() * 3)
    message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


def _say(dialog: QDialog, message: QLabel, text: str) -> None:
    message.setText(text)
    fit.refit(dialog)


def _pin_field(parent: QWidget, name: str) -> QLineEdit:
    f = QLineEdit(parent)
    f.setObjectName(name)
    f.setEchoMode(QLineEdit.EchoMode.Password)
    f.setMaxLength(8)
    f.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), f))
    f.setPlaceholderText(_("4–8 chữ số"))
    return f


class LoginDialog(QDialog):
    """Operator name (combobox) + PIN; shows wrong-PIN messages and the lockout time."""

    def __init__(self, app: AppContext, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.operator: OperatorInfo | None = None
        self._clock = clock or _now
        self.setWindowTitle(_("Đăng nhập EnrollPoint"))
        self.setObjectName("loginDialog")

        self.name_box = QComboBox(self)
        self.name_box.setObjectName("operatorName")
        self.name_box.setEditable(True)
        self.name_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.pin_edit = _pin_field(self, "pin")
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Đăng nhập"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Thoát"))
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Cán bộ:"), self.name_box)
        form.addRow(_("Mã PIN:"), self.pin_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        _roomy(self, self.message)

        self._unlock_timer = QTimer(self)
        self._unlock_timer.setSingleShot(True)
        self._unlock_timer.timeout.connect(self._unlocked)
        self.name_box.currentTextChanged.connect(self._name_changed)
        self.reload_names()

    def reload_names(self) -> None:
        names = self.app.read_raw(start_facts.operator_names)
        self.name_box.clear()
        self.name_box.addItems(names)
        self.pin_edit.setFocus()

    def _name_changed(self, _text: str) -> None:
        self._unlock_timer.stop()
        self.ok_button.setEnabled(True)
        self.message.clear()

    def try_login(self) -> None:
        name = self.name_box.currentText().strip()
        pin = self.pin_edit.text()
        if not name:
            _say(self, self.message, _("Hãy chọn tên cán bộ."))
            return
        self.ok_button.setEnabled(False)  # one attempt at a time
        (self.app.runner.op(auth_ops.login(name, pin), self, "login")
         .success(self._logged_in).failure(self._refused).run())

    def _logged_in(self, info: OperatorInfo) -> None:
        if not isValid(self):
            return
        self.operator = info
        self.message.clear()
        self.accept()

    def _refused(self, exc: BaseException, tb: str) -> None:
        from desktop.services import auth

        if not isValid(self):
            return
        self.pin_edit.clear()
        if isinstance(exc, auth.OperatorLocked):
            self._show_locked(exc)
            return
        self.ok_button.setEnabled(True)
        if isinstance(exc, ServiceError):
            _say(self, self.message, exc.words(lang.current()))
            self.pin_edit.setFocus()
            return
        from desktop.ui.dialogs.error import show_error

        show_error(self, exc, tb)

    def _show_locked(self, exc: OperatorLocked) -> None:
        from desktop.services import auth

        _say(self, self.message, exc.words(lang.current()))
        self.ok_button.setEnabled(False)
        wait_ms = int(max(0.0, (exc.until - self._clock()).total_seconds()) * 1000) + 500
        self._unlock_timer.start(min(wait_ms, int(auth.LOCK_PERIOD.total_seconds() * 1000) + 1000))

    def _unlocked(self) -> None:
        self.ok_button.setEnabled(True)
        _say(self, self.message, _("Có thể đăng nhập lại."))


class FirstOperatorDialog(QDialog):
    """First run: the supervisor's name and PIN (twice). Shows the recovery key once if one is given.

    `demo`: the commune is the demo one (`make run`, a first look): the text then says plainly what to
    type, since the person trying the app may not expect accounts. "Thoát" quits: the app has roles, so it
    does not open without a supervisor; the dialog comes back at the next start.
    """

    def __init__(self, app: AppContext, parent: QWidget | None = None, recovery_key: str | None = None, *,
                 demo: bool = False) -> None:
        super().__init__(parent)
        self.app = app
        self.operator: OperatorInfo | None = None
        self.setWindowTitle(_("Tạo tài khoản người phụ trách"))
        self.setObjectName("firstOperatorDialog")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("supervisorName")
        self.pin_edit = _pin_field(self, "pin")
        self.pin_again = _pin_field(self, "pinAgain")
        self.message = QLabel(self)
        self.message.setObjectName("firstMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        if demo:
            text = _("Xã mẫu đã sẵn sàng. Bước cuối: tạo tài khoản người phụ trách để dùng thử. Nhập họ tên "
                     "của bạn, chọn một mã PIN 4–8 chữ số (ví dụ 1234) và nhập lại lần nữa, rồi bấm «Tạo tài "
                     "khoản». Lần sau mở EnrollPoint, chọn tên này và nhập mã PIN để đăng nhập.")
            self.name_edit.setPlaceholderText(_("ví dụ: Nguyễn Văn An"))
        else:
            text = _("Lần chạy đầu tiên: tạo tài khoản người phụ trách. Chỉ người phụ trách được chốt ngày, "
                     "sửa ngày đã chốt, đổi cài đặt và thêm cán bộ. Nhập họ tên, chọn mã PIN 4–8 chữ số và "
                     "nhập lại lần nữa. Mỗi lần mở EnrollPoint sẽ hỏi tên và mã PIN.")
        intro = QLabel(text, self)
        intro.setObjectName("firstIntro")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if recovery_key:
            rk = QLabel(
                _("KHÓA KHÔI PHỤC (ghi lại trên giấy, cất xa máy; chỉ hiện một lần):")
                + f"<br><b style='font-family:monospace'>{recovery_key}</b>",
                self,
            )
            rk.setObjectName("recoveryKey")
            rk.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            rk.setWordWrap(True)
            layout.addWidget(rk)
        form = QFormLayout()
        form.addRow(_("Họ tên:"), self.name_edit)
        form.addRow(_("Mã PIN:"), self.pin_edit)
        form.addRow(_("Nhập lại PIN:"), self.pin_again)
        layout.addLayout(form)
        layout.addWidget(self.message)
        _roomy(self, self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Tạo tài khoản"))
        self.later_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.later_button.setText(_("Thoát"))
        self.later_button.setAutoDefault(False)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.name_edit.setFocus()

    def create(self) -> None:  # type: ignore[override]  # shadows QWidget.create, which nothing here calls
        if self.pin_edit.text() != self.pin_again.text():
            _say(self, self.message, _("Hai lần nhập mã PIN không khớp."))
            return
        self.ok_button.setEnabled(False)
        (self.app.runner.op(auth_ops.create_supervisor(self.name_edit.text(), self.pin_edit.text()), self,
                            "create_supervisor")
         .success(self._created).failure(self._refused).run())

    def _created(self, info: OperatorInfo) -> None:
        if isValid(self):
            self.operator = info
            self.accept()

    def _refused(self, exc: BaseException, tb: str) -> None:
        if not isValid(self):
            return
        self.ok_button.setEnabled(True)
        if isinstance(exc, ServiceError):
            _say(self, self.message, exc.words(lang.current()))
            return
        from desktop.ui.dialogs.error import show_error

        show_error(self, exc, tb)

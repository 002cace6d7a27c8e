"""Who works at the laptop: the login at start-up and "Đổi cán bộ…" (desktop/ui/dialogs/login.py).

`install(shell)` adds the menu action and a status-bar label with the operator's name. desktop/app.py
calls `login_at_start(app, parent)` after the database has opened and the commune is set up:

- no supervisor yet (`auth.needs_first_operator`): the FirstOperatorDialog creates one and shows the
  recovery key when this start created the encryption key (`Database.recovery_key`, cleared right after:
  shown once, never kept). "Thoát" quits: the app does not open without a supervisor;
- accounts exist: the LoginDialog must succeed, or the app does not open (Thoát → exit code 0);
- the operator is stored in the AppContext (`app.set_operator`), so every operation records who did it
  and supervisor-only actions can check the role.

A key created while accounts already exist (a plain database encrypted at this start) is shown to the
first supervisor who logs in, over the main window (`show_pending_recovery_key`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from desktop.ui.operations import auth as auth_ops
from desktop.ui.support import startup_work
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.services.auth import OperatorInfo
    from desktop.ui.shell import Shell

_ = translator("LoginActions")


def set_operator(app: AppContext, info: OperatorInfo | None) -> None:
    app.set_operator(info)


def _is_demo(app: AppContext) -> bool:
    from desktop import config

    commune = app.read(config.commune)
    return bool(commune is not None and commune.demo)


def _needs_first_operator(app: AppContext) -> bool:
    from desktop.services import start_facts

    return app.read_raw(start_facts.needs_first_operator)  # without the ORM: asked before the login


def _audit_key_shown(app: AppContext, operator_id: int | None) -> None:
    app.runner.op(auth_ops.recovery_key_shown(operator_id), None, "audit_recovery_key").run()


def login_at_start(app: AppContext, parent: QWidget | None = None) -> bool:
    """True when the app may open: an operator is logged in (the first start creates the supervisor).

    Every officer logs in (issue: operators and roles); quitting either dialog exits the app."""
    from desktop.ui.dialogs.login import FirstOperatorDialog, LoginDialog

    if _needs_first_operator(app):
        key = app.db.recovery_key
        first = FirstOperatorDialog(app, parent, recovery_key=key, demo=_is_demo(app))
        created = first.exec() == FirstOperatorDialog.DialogCode.Accepted and first.operator is not None
        app.db.recovery_key = None  # shown once (also when quitting): never kept in memory longer
        if created:
            app.set_operator(first.operator)
            if key:
                _audit_key_shown(app, app.operator_id)
        first.deleteLater()
        return created
    dlg = LoginDialog(app, parent)
    startup_work.after_first_paint(dlg, lambda: prepare_login(app))
    ok = dlg.exec() == LoginDialog.DialogCode.Accepted and dlg.operator is not None
    if ok:
        app.set_operator(dlg.operator)
    dlg.deleteLater()
    return ok


def prepare_login(app: AppContext) -> None:
    """Load the ORM on the worker while the officer types (the dialog painted without it)."""
    app.runner.op(auth_ops.prepare_login(), None, "prepare_login").quiet().run()


def warn_unencrypted(win: QMainWindow) -> QMessageBox:
    """No secure OS keyring on this computer: the data is not encrypted; said in the window, every start."""
    text = _("Máy này không có kho khóa bảo mật của hệ điều hành (Windows Credential Manager, GNOME Keyring "
             "hoặc KWallet): cơ sở dữ liệu CHƯA được mã hoá. Không dùng máy này cho dữ liệu thật.")
    win.statusBar().showMessage(_("Dữ liệu chưa được mã hoá"))
    box = QMessageBox(QMessageBox.Icon.Warning, "EnrollPoint", text, QMessageBox.StandardButton.Ok, win)
    box.setObjectName("unencryptedWarning")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_pending_recovery_key(app: AppContext, parent: QWidget | None) -> QMessageBox | None:
    """Show a recovery key created at this start to a logged-in supervisor (once), non-blocking."""
    from desktop.services import auth

    key = app.db.recovery_key
    if not key or not auth.has_role(app.operator, "supervisor"):
        return None
    app.db.recovery_key = None
    box = QMessageBox(QMessageBox.Icon.Information, _("Khóa khôi phục"),
                      _("Cơ sở dữ liệu vừa được mã hoá. KHÓA KHÔI PHỤC (ghi lại trên giấy, cất xa máy; chỉ hiện "
                        "một lần):") + f"<br><br><b style='font-family:monospace'>{key}</b>",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("recoveryKeyBox")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    _audit_key_shown(app, app.operator_id)
    return box


def install(shell: Shell) -> None:
    label = QLabel("")
    label.setObjectName("operatorLabel")
    shell.add_status_widget(label)

    def show() -> None:
        op = shell.app.operator
        label.setText(_("Cán bộ: {0}").format(op.name) if op is not None else "")

    def switch() -> None:
        from desktop.ui.dialogs.login import LoginDialog

        if _needs_first_operator(shell.app):
            login_at_start(shell.app, shell.parent_widget)
        else:
            dlg = LoginDialog(shell.app, shell.parent_widget)
            if dlg.exec() == LoginDialog.DialogCode.Accepted and dlg.operator is not None:
                shell.app.set_operator(dlg.operator)
            dlg.deleteLater()
        show()
        show_pending_recovery_key(shell.app, shell.parent_widget)

    shell.add_action("tools", _("Đổi &cán bộ…"), switch, None, "actSwitchOperator")
    show()

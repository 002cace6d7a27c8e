"""Who works at the laptop: the login at start-up and "Đổi cán bộ…" (desktop/ui/login_dialog.py).

`install(shell)` adds the menu action and a status-bar label with the operator's name. desktop/app.py
calls `login_at_start(ctx, parent)` after the database has opened and the commune is set up:

- no supervisor yet (`auth.needs_first_operator`): the FirstOperatorDialog offers to create one and shows
  the recovery key when this start created the encryption key (`Database.recovery_key`, cleared right
  after: shown once, never kept). "Để sau" goes on without accounts (nothing is role-checked until a
  supervisor exists; the offer comes back at the next start);
- accounts exist: the LoginDialog must succeed, or the app does not open (Thoát → exit code 0);
- the operator is stored in the context (`ctx.operator`, `ctx.operator_id`), so every operation
  records who did it and supervisor-only actions can check the role.

A key created while accounts already exist (a plain database encrypted at this start) is shown to the
first supervisor who logs in, over the main window (`show_pending_recovery_key`).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop.ui.context import AppContext
from desktop.ui.lang import translator

_ = translator("LoginActions")
log = logging.getLogger(__name__)


def set_operator(ctx: AppContext, info: Any) -> None:
    ctx.operator = info
    ctx.operator_id = getattr(info, "id", None)


def _is_demo(ctx: AppContext) -> bool:
    from desktop import config

    commune = ctx.read(config.commune)
    return bool(commune is not None and commune.demo)


def _audit_key_shown(ctx: AppContext, operator_id: int) -> None:
    from desktop.services import auth

    with ctx.db.session() as s:
        auth.audit(s, operator_id, "recovery_key.show", "database")


def login_at_start(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """True when the app may open: an operator is logged in (the first start creates the supervisor).

    Every officer logs in (issue: operators and roles); quitting either dialog exits the app."""
    from desktop.ui.login_dialog import FirstOperatorDialog, LoginDialog, db_needs_first_operator

    if db_needs_first_operator(ctx.db):
        key = ctx.db.recovery_key
        first = FirstOperatorDialog(ctx.db, parent, recovery_key=key, demo=_is_demo(ctx))
        created = first.exec() == FirstOperatorDialog.DialogCode.Accepted and first.operator is not None
        ctx.db.recovery_key = None  # shown once (also when quitting): never kept in memory longer
        if created:
            set_operator(ctx, first.operator)
            if key:
                _audit_key_shown(ctx, first.operator.id)
        first.deleteLater()
        return created
    dlg = LoginDialog(ctx.db, parent)
    ok = dlg.exec() == LoginDialog.DialogCode.Accepted and dlg.operator is not None
    if ok:
        set_operator(ctx, dlg.operator)
    dlg.deleteLater()
    return ok


def warn_unencrypted(win: Any) -> QMessageBox:
    """No secure OS keyring on this computer: the data is not encrypted; said in the window, every start."""
    text = _("Máy này không có kho khóa bảo mật của hệ điều hành (Windows Credential Manager, GNOME Keyring "
             "hoặc KWallet): cơ sở dữ liệu CHƯA được mã hoá. Không dùng máy này cho dữ liệu thật.")
    win.statusBar().showMessage(_("Dữ liệu chưa được mã hoá"))
    box = QMessageBox(QMessageBox.Icon.Warning, "EnrollPoint", text, QMessageBox.StandardButton.Ok, win)
    box.setObjectName("unencryptedWarning")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_pending_recovery_key(ctx: AppContext, parent: QWidget | None) -> QMessageBox | None:
    """Show a recovery key created at this start to a logged-in supervisor (once), non-blocking."""
    from desktop.services import auth

    key = ctx.db.recovery_key
    if not key or not auth.has_role(ctx.operator, "supervisor"):
        return None
    ctx.db.recovery_key = None
    box = QMessageBox(QMessageBox.Icon.Information, _("Khóa khôi phục"),
                      _("Cơ sở dữ liệu vừa được mã hoá. KHÓA KHÔI PHỤC (ghi lại trên giấy, cất xa máy; chỉ hiện "
                        "một lần):") + f"<br><br><b style='font-family:monospace'>{key}</b>",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("recoveryKeyBox")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    _audit_key_shown(ctx, ctx.operator_id)
    return box


def install(shell: Any) -> None:
    label = QLabel("")
    label.setObjectName("operatorLabel")
    shell.add_status_widget(label)

    def show() -> None:
        op = getattr(shell.ctx, "operator", None)
        label.setText(_("Cán bộ: {0}").format(op.name) if op is not None else "")

    def switch() -> None:
        from desktop.ui.login_dialog import LoginDialog, db_needs_first_operator

        if db_needs_first_operator(shell.ctx.db):
            login_at_start(shell.ctx, shell.parent_widget)
        else:
            dlg = LoginDialog(shell.ctx.db, shell.parent_widget)
            if dlg.exec() == LoginDialog.DialogCode.Accepted and dlg.operator is not None:
                set_operator(shell.ctx, dlg.operator)
            dlg.deleteLater()
        show()
        show_pending_recovery_key(shell.ctx, shell.parent_widget)

    shell.add_action("tools", _("Đổi &cán bộ…"), switch, None, "actSwitchOperator")
    show()

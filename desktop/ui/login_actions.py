"""Who works at the laptop: the login at start-up and "Đổi cán bộ…" (desktop/ui/login_dialog.py).

`install(shell)` adds the menu action and a status-bar label with the operator's name. The start-up
flow is `login_at_start(ctx, parent)`, which the lead wires into app.py once agreed with security:

- no supervisor yet (`auth.needs_first_operator`): offer to create one (FirstOperatorDialog); the
  commune may also go on without accounts (then nothing is role-checked, as today);
- accounts exist: the LoginDialog must succeed, or the app does not open;
- the operator is stored in the context (`ctx.operator`, `ctx.operator_id`), so every operation
  records who did it and supervisor-only actions can check the role.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop.ui.context import AppContext
from desktop.ui.lang import translator

_ = translator("LoginActions")


def set_operator(ctx: AppContext, info: Any) -> None:
    ctx.operator = info
    ctx.operator_id = getattr(info, "id", None)


def login_at_start(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """True when the app may open (logged in, or the commune chose not to use accounts)."""
    from desktop.ui.login_dialog import FirstOperatorDialog, LoginDialog, db_needs_first_operator

    if db_needs_first_operator(ctx.db):
        answer = QMessageBox.question(
            parent, _("Tài khoản cán bộ"),
            _("Chưa có tài khoản người phụ trách. Tạo ngay bây giờ?\n"
              "(Khi đã có tài khoản, mỗi thao tác ghi lại ai làm, và chỉ người phụ trách được chốt ngày.)"))
        if answer != QMessageBox.StandardButton.Yes:
            return True
        first = FirstOperatorDialog(ctx.db, parent)
        if first.exec() != FirstOperatorDialog.DialogCode.Accepted or first.operator is None:
            return True
        set_operator(ctx, first.operator)
        return True
    dlg = LoginDialog(ctx.db, parent)
    if dlg.exec() != LoginDialog.DialogCode.Accepted or dlg.operator is None:
        return False
    set_operator(ctx, dlg.operator)
    return True


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
        show()

    shell.add_action("tools", _("Đổi &cán bộ…"), switch, None, "actSwitchOperator")
    show()

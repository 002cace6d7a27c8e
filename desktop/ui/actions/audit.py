"""Tools → "Nhật ký thao tác…": the audit trail (desktop/ui/views/audit.py) in its own window.

Only a supervisor opens it once accounts exist (the trail names who did what).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout

from desktop.ui.actions.roles import supervisor_refusal
from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.ui.shell import Shell

_ = translator("AuditActions")


def install(shell: Shell) -> None:
    shell.add_action("tools", _("&Nhật ký thao tác…"), lambda: open_audit(shell), None, "actAudit")


def open_audit(shell: Shell) -> QDialog | None:
    refusal = supervisor_refusal(shell.app, _("xem nhật ký thao tác"))
    if refusal:
        QMessageBox.warning(shell.parent_widget, _("Nhật ký thao tác"), refusal)
        return None
    from desktop.ui.views.audit import AuditView

    dlg = QDialog(shell.parent_widget)
    dlg.setObjectName("auditDialog")
    dlg.setWindowTitle(_("Nhật ký thao tác"))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.resize(1000, 600)
    lay = QVBoxLayout(dlg)
    view = AuditView(shell.app, dlg)
    lay.addWidget(view)
    dlg.audit_view = view  # type: ignore[attr-defined]
    dlg.show()
    return dlg

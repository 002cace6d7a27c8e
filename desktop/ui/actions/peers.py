""""Máy trong xã" in the main window: the PeersPanel as a dock and the Sync menu's items for the commune's
laptops (open the panel, serve, export / import a file, create / join the group). Serving stops before
the database closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.ui.support.lang import translator

if TYPE_CHECKING:
    from desktop.ui.shell import Shell

_ = translator("PeerActions")


def install(shell: Shell) -> None:
    from desktop.ui.views.peers import PeersPanel

    panel = PeersPanel(shell.app, load_now=False)  # read when first shown: not on the way to the first paint
    dock = shell.add_dock(_("Máy trong xã"), panel, "peersDock", Qt.DockWidgetArea.RightDockWidgetArea)
    dock.hide()
    dock.visibilityChanged.connect(lambda visible: panel.activate() if visible else None)

    def show(then: Callable[[], object] | None = None) -> None:
        dock.show()
        panel.refresh()
        if then is not None:
            then()

    shell.add_action("sync", _("&Máy trong xã…"), lambda: show(), None, "actPeers")
    shell.add_action("sync", _("Cho máy khác đồng bộ qua mạng &LAN"),
                     lambda: show(lambda: panel.serve_button.setChecked(True)), None, "actPeerServe")
    shell.add_action("sync", _("&Xuất tệp cho máy khác trong xã…"), lambda: show(panel.ask_export), None,
                     "actPeerExport")
    shell.add_action("sync", _("&Nhập tệp từ máy khác trong xã…"), lambda: show(panel.ask_import), None,
                     "actPeerImport")
    shell.add_action("sync", _("Lập &nhóm máy của xã…"), lambda: show(panel.ask_create), None, "actPeerCreate")
    shell.add_action("sync", _("&Vào nhóm máy của xã…"), lambda: show(panel.ask_join), None, "actPeerJoin")
    shell.on_close(panel.stop_serving)
    shell.peers_panel = panel


def warn_unfinished_import(app: Any, win: Any) -> QMessageBox | None:
    """A peer file import cut half-way: said at every start until the file is imported again."""
    from desktop.services.peer import unfinished

    found = app.read(unfinished.pending)
    if not found:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "EnrollPoint", "\n\n".join(found), QMessageBox.StandardButton.Ok, win)
    box.setObjectName("unfinishedImportWarning")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box

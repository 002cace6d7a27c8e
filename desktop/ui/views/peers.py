""""Máy trong xã": the laptops of this commune's group, when each last synced and what waits for it, one-
click LAN sync (host:port), serving, USB files, the group (create / join, the code shown once with its QR
code) and the conflicts a merge kept for the officer, in Vietnamese.

Reads through `app.read(peer_status)`; every action runs through `operations/peers.py` on the runner (sync
and serving on the network lane, with progress and cancel on long transfers).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.operations import peers as peer_ops
from desktop.ui.support.cells import table_item
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.runner import RunningOp
from desktop.ui.views.base import View

if TYPE_CHECKING:
    from desktop.services.peer.group import GroupInfo
    from desktop.services.peer.lan import PeerServer, SyncResult
    from desktop.services.peer.usbfile import ExportResult, ImportResult

_ = translator("PeersPanel")
log = logging.getLogger(__name__)
DEFAULT_PORT = 8766
FILE_FILTER = "EnrollPoint (*.epp);;*"


class GroupCodeDialog(QDialog):
    """The group code, shown once: large text to type, and a QR code to read on the other laptop."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.ui.dialogs.day_code import QrWidget

        self.setObjectName("GroupCodeDialog")
        self.setWindowTitle(_("Mã nhóm máy của xã"))
        box = QVBoxLayout(self)
        intro = QLabel(_("Mã này chỉ hiện MỘT LẦN. Nhập mã trên từng máy khác của xã (Đồng bộ → Vào nhóm máy "
                         "của xã…). Giữ kín như mật khẩu: ai có mã đều đồng bộ được sổ của xã."))
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("groupCode")
        font = self.code_label.font()
        font.setPointSize(18)
        font.setBold(True)
        self.code_label.setFont(font)
        box.addWidget(self.code_label)
        self.qr = QrWidget(code)
        self.qr.setAccessibleName(_("Mã QR của mã nhóm"))
        box.addWidget(self.qr)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        box.addWidget(buttons)


class PeersPanel(View):
    """Refreshes through `View.notify` on every change-set, shown or not (a sync changes what it lists)."""

    reload_when_hidden = True

    def __init__(self, app: AppContext, parent: QWidget | None = None, *, load_now: bool = True) -> None:
        """`load_now=False`: the first read waits for `activate()` (the main window's hidden dock reads when
        first shown, not before the window's first paint: it imports the peer stack)."""
        super().__init__(app, parent)
        self.setObjectName("PeersPanel")
        self.server: PeerServer | None = None
        self.last_result: SyncResult | ImportResult | GroupInfo | None = None

        self.me_label = QLabel()
        self.me_label.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("peersTable")
        self.table.setHorizontalHeaderLabels([_("Máy"), _("Đồng bộ lần cuối"), _("Cách"), _("Chờ gửi")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the panel is narrow
        for col in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.address = QLineEdit()
        self.address.setObjectName("peerAddress")
        self.address.setPlaceholderText(_("ví dụ 192.168.1.20:{0}").format(DEFAULT_PORT))
        self.address.setMinimumWidth(self.address.fontMetrics().horizontalAdvance(self.address.placeholderText()) + 24)
        self.sync_button = QPushButton(_("Đồng bộ"))
        self.sync_button.setObjectName("peerSyncButton")
        self.sync_button.clicked.connect(self.sync_now)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Máy đang phục vụ:")))
        row.addWidget(self.address, 1)
        row.addWidget(self.sync_button)

        self.serve_button = QPushButton(_("Cho máy khác đồng bộ với máy này"))
        self.serve_button.setObjectName("peerServeButton")
        self.serve_button.setCheckable(True)
        self.serve_button.toggled.connect(self._serve_toggled)
        self.export_button = QPushButton(_("Xuất tệp cho máy khác…"))
        self.export_button.clicked.connect(self.ask_export)
        self.import_button = QPushButton(_("Nhập tệp từ máy khác…"))
        self.import_button.clicked.connect(self.ask_import)
        self.create_button = QPushButton(_("Lập nhóm máy của xã…"))
        self.create_button.clicked.connect(self.ask_create)
        self.join_button = QPushButton(_("Vào nhóm máy của xã…"))
        self.join_button.clicked.connect(self.ask_join)
        grid = QGridLayout()
        grid.addWidget(self.serve_button, 0, 0, 1, 2)
        grid.addWidget(self.export_button, 1, 0)
        grid.addWidget(self.import_button, 1, 1)
        grid.addWidget(self.create_button, 2, 0)
        grid.addWidget(self.join_button, 2, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("peerStatus")
        self.serve_qr: QWidget | None = None  # the QR of host:port while serving
        self.status_label.setWordWrap(True)
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("peerConflicts")
        self.conflicts.itemDoubleClicked.connect(self._resolve)

        form = QFormLayout()
        form.addRow(_("Máy này:"), self.me_label)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.table, 1)
        box.addLayout(row)
        box.addLayout(grid)
        box.addWidget(self.status_label)
        box.addWidget(QLabel(_("Xung đột cần cán bộ xem (nhấp đúp khi đã xử lý):")))
        box.addWidget(self.conflicts, 1)
        if load_now:
            self.activate()

    # state -----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        from desktop.services.peer.status import peer_status

        try:
            st = self.app.read(peer_status)
        except Exception:
            log.exception("cannot read the peer status")
            self.status_label.setText(_("Không đọc được tình trạng các máy trong xã."))
            return
        in_group = bool(st.group_id)
        self.me_label.setText(_("{0} (nhóm {1})").format(st.device_name, st.group_id) if in_group
                              else _("{0} — chưa ở trong nhóm máy của xã").format(st.device_name))
        for w in (self.sync_button, self.serve_button, self.export_button, self.import_button):
            w.setEnabled(in_group)
        self.table.setRowCount(len(st.peers))
        for r, p in enumerate(st.peers):
            when = p.last_sync_at.strftime("%H:%M %d/%m/%Y") if p.last_sync_at else _("chưa")
            via = {"lan": _("mạng LAN"), "file": _("tệp USB")}.get(p.via, p.via)
            for c, text in enumerate([p.name or p.device_id[:8], when, via, f"{p.waiting:,}"]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.conflicts.clear()
        for cid, _kind, detail in st.conflicts:
            item = QListWidgetItem(detail)
            item.setData(256, cid)
            self.conflicts.addItem(item)
        if st.waiting_entries:
            self.status_label.setText(_("{0} thay đổi đang chờ tệp trước đó của máy khác.").format(st.waiting_entries))

    def peer_rows(self) -> list[list[str]]:
        return [[table_item(self.table, r, c).text() for c in range(4)] for r in range(self.table.rowCount())]

    def conflict_texts(self) -> list[str]:
        return [self.conflicts.item(i).text() for i in range(self.conflicts.count())]

    # actions -----------------------------------------------------------------------------------------------

    def sync_now(self) -> RunningOp | None:
        address = self.address.text().strip()
        if not address:
            self.status_label.setText(_("Nhập địa chỉ máy đang phục vụ, dạng MÁY:CỔNG."))
            return None

        def done(r: SyncResult) -> None:
            self.last_result = r
            text = _("Đã đồng bộ với {0}: gửi {1}, nhận {2} thay đổi.").format(
                r.peer_name or r.peer_device[:8], r.sent, r.received)
            if r.conflicts:
                text += " " + _("{0} xung đột cần xem.").format(len(r.conflicts))
            self.status_label.setText(text)

        return (self.app.runner.op(peer_ops.sync_with(address), self, "peer_sync").network()
                .with_progress(_("Đồng bộ với máy khác trong xã…")).success(done).run())

    def _serve_toggled(self, on: bool) -> None:
        if on and self.server is None:
            if QMessageBox.question(
                    self, _("Cho máy khác đồng bộ"),
                    _("Máy này sẽ nhận kết nối trong mạng nội bộ (cổng {0}). Trên Windows có thể hiện hộp thoại "
                      "tường lửa: chọn cho phép trong mạng riêng. Tiếp tục?").format(DEFAULT_PORT),
            ) != QMessageBox.StandardButton.Yes:
                self.serve_button.setChecked(False)
                return
            self.start_serving("0.0.0.0", DEFAULT_PORT)  # noqa: S104 - the officer asked to serve the LAN
        elif not on and self.server is not None:
            self.stop_serving()

    def start_serving(self, host: str, port: int) -> RunningOp:
        def started(server: PeerServer) -> None:
            from desktop.ui.dialogs.day_code import QrWidget
            from desktop.ui.support.lan_addresses import serving_addresses

            self.server = server
            addresses = serving_addresses(host, server.port)
            if addresses:
                self.status_label.setText(_("Đang phục vụ đồng bộ. Trên máy kia, nhập địa chỉ: {0}").format(
                    _(" hoặc ").join(addresses)))
                self.serve_qr = QrWidget(addresses[0], self)
                self.serve_qr.setObjectName("serveQr")
                self.serve_qr.setToolTip(addresses[0])
                box = self.layout()
                assert isinstance(box, QVBoxLayout)
                box.insertWidget(box.indexOf(self.status_label) + 1, self.serve_qr)
            else:
                self.status_label.setText(_("Đang phục vụ đồng bộ tại cổng {0}, nhưng máy này chưa có địa chỉ trong "
                                            "mạng nội bộ: hãy nối mạng.").format(server.port))

        def failed(_exc: BaseException, _tb: str) -> None:
            self.serve_button.blockSignals(True)
            self.serve_button.setChecked(False)
            self.serve_button.blockSignals(False)

        return (self.app.runner.op(peer_ops.start_server(host, port), self, "peer_serve").network()
                .success(started).failure(failed).run())

    def stop_serving(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()
            self.status_label.setText(_("Đã dừng phục vụ đồng bộ."))
        if self.serve_qr is not None:
            self.serve_qr.deleteLater()
            self.serve_qr = None

    def ask_export(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("Xuất tệp cho máy khác"), "may-trong-xa.epp", FILE_FILTER)
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> RunningOp:
        def done(r: ExportResult) -> None:
            self.status_label.setText(_("Đã ghi {0} thay đổi vào {1} ({2:,} byte).").format(r.entries, r.path, r.size))

        return self.app.runner.op(peer_ops.export_file(path), self, "peer_export").success(done).run()

    def ask_import(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Nhập tệp từ máy khác"), "", FILE_FILTER)
        if path:
            self.import_from(path)

    def import_from(self, path: str) -> RunningOp:
        def done(r: ImportResult) -> None:
            self.last_result = r
            if r.already:
                self.status_label.setText(_("Tệp này đã được nhập trước đây: không có gì mới."))
            elif r.incomplete:
                self.status_label.setText(_("Đã nhập {0} thay đổi, nhưng tệp không chứa mọi thứ máy này còn thiếu: "
                                            "xuất tệp từ máy này cho máy kia trước, hoặc nhờ máy kia xuất tệp "
                                            "đầy đủ.").format(r.received))
            else:
                self.status_label.setText(_("Đã nhập {0} thay đổi.").format(r.received))

        return (self.app.runner.op(peer_ops.import_file(path), self, "peer_import")
                .with_progress(_("Nhập tệp từ máy khác…")).success(done).run())

    def _group_store_refused(self, title: str) -> bool:
        """True (and the reason said) when the group code could not be kept: checked before asking anything."""
        from desktop.storage import peer_keys
        from desktop.ui.support.errors import user_message

        try:
            peer_keys.check_group_store()
        except Exception as exc:
            words = user_message(exc) or _("Không dùng được kho khóa bảo mật của hệ điều hành.")
            self.status_label.setText(words)
            QMessageBox.warning(self, title, words)
            return True
        return False

    def ask_create(self) -> None:
        if self._group_store_refused(_("Lập nhóm máy của xã")):
            return
        if QMessageBox.question(
                self, _("Lập nhóm máy của xã"),
                _("Máy này sẽ là máy đầu tiên của nhóm; mã nhóm chỉ hiện một lần. Nếu máy đã ở trong một nhóm, "
                  "máy sẽ rời nhóm cũ. Tiếp tục?")) != QMessageBox.StandardButton.Yes:
            return
        self.create_group(replace=True, show=True)

    def create_group(self, replace: bool = False, show: bool = True) -> RunningOp:
        def done(info: GroupInfo) -> None:
            self.last_result = info
            if show and info.code is not None:  # a group just created always has its code
                GroupCodeDialog(info.code, self).exec()

        return self.app.runner.op(peer_ops.create_group(replace), self, "peer_group_create").success(done).run()

    def ask_join(self) -> None:
        if self._group_store_refused(_("Vào nhóm máy của xã")):
            return
        code, ok = QInputDialog.getText(self, _("Vào nhóm máy của xã"), _("Mã nhóm (9 nhóm 4 ký tự):"))
        if ok and code.strip():
            self.join_group(code.strip())

    def join_group(self, code: str) -> RunningOp:
        def done(info: GroupInfo) -> None:
            self.status_label.setText(_("Máy này đã vào nhóm {0}.").format(info.group_id))

        return self.app.runner.op(peer_ops.join_group(code), self, "peer_group_join").success(done).run()

    def _resolve(self, item: QListWidgetItem) -> None:
        self.app.runner.op(peer_ops.resolve_conflict(int(item.data(256))), self, "peer_resolve").run()

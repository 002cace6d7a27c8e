"""Enrolment by file, for a commune with no link at all: the app's side of
`enrollpoint connect --code … --request-file …` and `enrollpoint connect --response-file …`.

Step 1: the officer types the one-time code (and the device name) and chooses where to save the request
(a USB stick); `operations/sync.enrol_request` writes it through `hub_offline.connect_request` (the code is
never written: only a proof of it). Step 2, days or weeks later: the province's response file is opened and
`operations/sync.enrol_response` completes the enrolment through `hub_offline.connect_response` (device id,
hub key pinned, targets; whether the laptop kept its device at the province or became a new one, and why: the
service's `device_note`, shown first). Whether step 1 was done is read from the service's pending state in the
OS keyring (`operations/sync.pending_enrolment`), so the dialog remembers it across restarts. Refusals (another
laptop's response, a tampered file, a reused code) are the services' Vietnamese messages, shown in the dialog
through the runner's failure path (logged, then `user_message`).
"""

from __future__ import annotations

import datetime as dt
import platform

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.runner import RunningOp

_ = translator("EnrolByFileDialog")


def _unexpected() -> str:
    return _("Không thực hiện được do lỗi không lường trước (đã ghi vào nhật ký). Không có gì được thay đổi.")


def _local(stamp: str) -> str:
    """An ISO UTC stamp as local "dd/mm/yyyy HH:MM" ("?" when missing or unreadable)."""
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp or "?"
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone().strftime("%d/%m/%Y %H:%M")


def grouped_code(text: str) -> str:
    """A one-time code as the officer reads it back: letters and digits only, upper case, in groups of four."""
    raw = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


class EnrolByFileDialog(QDialog):
    """Two steps: write the request file, later open the response file."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EnrolByFileDialog")
        self.setWindowTitle(_("Kết nối bằng tệp (không có mạng)"))
        self.app = app
        self.pending: dict[str, str] | None = None
        # shadows QDialog.result(), which nothing here calls (the dialog is shown with open(), never exec())
        self.result: dict[str, str] | None = None  # type: ignore[assignment]

        intro = QLabel(_("Dùng khi xã không có mạng: máy ghi một tệp yêu cầu, cán bộ mang tệp (USB) lên công an "
                         "tỉnh, tỉnh trả lại một tệp trả lời; mở tệp đó ở bước 2 là máy được kết nối."))
        intro.setWordWrap(True)

        # step 1 -------------------------------------------------------------------------------------------
        self.step1 = QGroupBox(_("Bước 1: ghi tệp yêu cầu kết nối"))
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("enrolCode")
        self.code_edit.setPlaceholderText("XXXX-XXXX-XXXX")
        self.code_edit.textEdited.connect(self._group_code)  # shown as typed, in groups, to check for typos
        self.name_edit = QLineEdit(platform.node() or "laptop")
        self.name_edit.setObjectName("deviceName")
        self.name_edit.setMaxLength(100)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("requestPath")
        browse = QPushButton(_("Chọn nơi lưu…"))
        browse.clicked.connect(self._ask_request_path)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        self.write_button = QPushButton(_("Ghi tệp yêu cầu"))
        self.write_button.setObjectName("writeRequest")
        self.write_button.clicked.connect(lambda: self.write_request())
        form = QFormLayout(self.step1)
        form.addRow(_("&Mã kết nối một lần:"), self.code_edit)
        form.addRow(_("&Tên máy:"), self.name_edit)
        where_label = QLabel(_("&Lưu tệp yêu cầu vào:"))
        where_label.setBuddy(self.path_edit)  # the field is a row of two widgets: name the one Alt+L reaches
        form.addRow(where_label, where)
        form.addRow(self.write_button)

        # step 2 -------------------------------------------------------------------------------------------
        self.step2 = QGroupBox(_("Bước 2: mở tệp trả lời của tỉnh"))
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingState")
        self.pending_label.setWordWrap(True)
        self.ca_edit = QLineEdit()
        self.ca_edit.setObjectName("caFile")
        self.ca_edit.setPlaceholderText(_("(chỉ khi tỉnh cấp tệp chứng chỉ .pem/.crt)"))
        ca_browse = QPushButton(_("Chọn tệp…"))
        ca_browse.setObjectName("chooseCaFile")
        ca_browse.clicked.connect(self._ask_ca_path)
        ca_row = QHBoxLayout()
        ca_label = QLabel(_("C&hứng chỉ của tỉnh:"))
        ca_label.setBuddy(self.ca_edit)
        ca_row.addWidget(ca_label)
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(ca_browse)
        self.open_button = QPushButton(_("Mở tệp trả lời…"))
        self.open_button.setObjectName("openResponse")
        self.open_button.clicked.connect(self._ask_response_path)
        box2 = QVBoxLayout(self.step2)
        box2.addWidget(self.pending_label)
        box2.addLayout(ca_row)
        box2.addWidget(self.open_button)

        self.message = QLabel()
        self.message.setObjectName("enrolMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.step1)
        box.addWidget(self.step2)
        box.addWidget(self.message)
        box.addWidget(buttons)
        self.setMinimumWidth(520)
        self._show_pending(None)
        self.refresh()

    # state ----------------------------------------------------------------------------------------------

    def refresh(self) -> RunningOp:
        """Re-read whether a request is waiting for its response (OS keyring: on the runner)."""
        return (self.app.runner.op(sync_ops.pending_enrolment(), self, "pending_enrolment").quiet()
                .success(self._show_pending).failure(self._failed).run())

    def _show_pending(self, pending: dict[str, str] | None) -> None:
        if not isValid(self):
            return
        self.pending = pending
        if pending:
            self.pending_label.setText(_("Đã ghi tệp yêu cầu (máy «{0}», xã {1}) lúc {2} vào {3}. Đang chờ tệp "
                                         "trả lời của tỉnh.").format(
                pending.get("device_name", ""), pending.get("commune_code", ""),
                _local(pending.get("written_at", "")), pending.get("request_file", "") or "?"))
        else:
            self.pending_label.setText(_("Chưa có yêu cầu nào đang chờ: hãy làm bước 1 trước."))

    def _say(self, text: str, error: bool = False) -> None:
        if isValid(self):
            self.message.setStyleSheet("color: #b00020;" if error else "")
            self.message.setText(text)
            self.adjustSize()  # a long answer grows the dialog instead of squeezing the steps above it

    def _failed(self, exc: BaseException, _tb: str) -> None:
        """Already logged by the runner; the officer reads the service's reason (or a plain line for a bug)."""
        from desktop.ui.support.errors import user_message

        self._say(user_message(exc) or _unexpected(), error=True)

    def _busy(self, on: bool) -> None:
        if isValid(self):
            self.write_button.setEnabled(not on)
            self.open_button.setEnabled(not on)

    # step 1 ---------------------------------------------------------------------------------------------

    def _group_code(self, text: str) -> None:
        grouped = grouped_code(text)
        if grouped != text:
            self.code_edit.setText(grouped)  # the cursor goes to the end: codes are typed left to right

    def _ask_request_path(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("Lưu tệp yêu cầu kết nối (vào USB)"),
                                               "yeu-cau-ket-noi.json", _("Tệp JSON (*.json)"))
        if path:
            self.path_edit.setText(path)

    def write_request(self, code: str | None = None, path: str | None = None,
                      device_name: str | None = None) -> RunningOp | None:
        """Write the request (the fields' values unless given); returns the running operation, or None."""
        code = (code if code is not None else self.code_edit.text()).strip()
        path = (path if path is not None else self.path_edit.text()).strip()
        name = (device_name if device_name is not None else self.name_edit.text()).strip()
        if not code:
            self._say(_("Hãy nhập mã kết nối một lần do công an tỉnh cấp."), error=True)
            return None
        if not path:
            self._say(_("Hãy chọn nơi lưu tệp yêu cầu (thường là USB)."), error=True)
            return None
        self._busy(True)
        self._say(_("Đang ghi tệp yêu cầu…"))

        def done(req: dict[str, str]) -> None:
            self._busy(False)
            if not isValid(self):
                return
            self.code_edit.clear()  # the code is not kept anywhere, not even in the field
            self._say(_("Đã ghi tệp yêu cầu vào {0}. Mang tệp này (trong USB) lên công an tỉnh; mã kết nối không "
                        "nằm trong tệp và không cần mang theo. Tỉnh sẽ trả lại một tệp trả lời: khi có, mở lại "
                        "mục này và bấm «Mở tệp trả lời…».").format(req["request"]))
            self.refresh()

        def failed(exc: BaseException, tb: str) -> None:
            self._busy(False)
            self._failed(exc, tb)

        return (self.app.runner.op(sync_ops.enrol_request(code, path, name), self, "enrol_request")
                .success(done).failure(failed).run())

    # step 2 ---------------------------------------------------------------------------------------------

    def _ask_response_path(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Mở tệp trả lời kết nối của tỉnh"), "",
                                               _("Tệp JSON (*.json)"))
        if path:
            self.open_response(path)

    def _ask_ca_path(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Chứng chỉ của tỉnh"), "",
                                               _("Chứng chỉ (*.pem *.crt *.cer);;Mọi tệp (*)"))
        if path:
            self.ca_edit.setText(path)

    def open_response(self, path: str, ca_file: str | None = None) -> RunningOp:
        """Complete the enrolment with the province's response file (and the province's CA certificate of the
        field «Chứng chỉ của tỉnh», pinned for the hub, when one is chosen); returns the running operation."""
        ca = (ca_file if ca_file is not None else self.ca_edit.text()).strip()
        self._busy(True)
        self._say(_("Đang kiểm tra tệp trả lời…"))

        def done(res: dict[str, str]) -> None:
            self._busy(False)
            if not isValid(self):
                return
            self.result = res
            text = _("Đã kết nối bằng tệp: xã {0} {1}, mã máy {2}. Khóa của máy chủ tỉnh đã được ghi nhận "
                     "(ghim) để kiểm tra biên nhận và tệp chỉ tiêu; đã nhận {3} chỉ tiêu. Từ nay có thể gửi "
                     "báo cáo bằng tệp USB («Xuất tệp USB…»).").format(
                res["commune_code"], res["commune_name"], res["device_id"], res["targets"])
            note = res.get("device_note", "")  # kept the device, or a new one and why (the service's words)
            key = "\n".join(x for x in (res.get("hub_key_line", ""), res.get("hub_key_note", "")) if x)
            pinned = _("Đã ghi nhận chứng chỉ của tỉnh: máy tin máy chủ tỉnh theo chứng chỉ này.") if res.get(
                "certificates") else ""
            self._say("\n\n".join(x for x in (note, text, key, pinned) if x))
            self.refresh()

        def failed(exc: BaseException, tb: str) -> None:
            self._busy(False)
            self._failed(exc, tb)

        return (self.app.runner.op(sync_ops.enrol_response(path, ca), self, "enrol_response")
                .success(done).failure(failed).run())

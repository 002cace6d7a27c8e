"""The application's one controller: database context, first run, main window, language, imports.

It is not reachable from views (they get the AppContext, `app`); it only reacts to the window's signals. A
language switch installs the new translator and replaces the main window with a fresh one, so every
string is re-read without hand-written retranslate code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.settings_keys import KEY_LANGUAGE
from desktop.storage.db import Database
from desktop.ui.operations import register as register_ops
from desktop.ui.operations import settings as settings_ops
from desktop.ui.support import fit, lang, placement, startup_work
from desktop.ui.support.context import AppContext
from desktop.ui.support.lang import translator
from desktop.ui.support.runner import OpRunner, RunningOp

if TYPE_CHECKING:
    from desktop.config import Commune
    from desktop.services.register.types import ImportResult
    from desktop.ui.main_window import MainWindow

_ = translator("Controller")
BACKUP_FALLBACK_MS = 10_000


class Controller(QObject):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        fit.install()  # every window and dialog opens inside the screen's available area
        self.runner = OpRunner(db, self)
        self.app = AppContext(db=db, runner=self.runner)
        self.window: MainWindow | None = None
        self._backup_timer: QTimer | None = None
        self._closed = False

    def commune(self) -> Commune | None:
        from desktop import config

        return self.app.read(config.commune)

    def first_run_needed(self) -> bool:
        from desktop.services import start_facts

        return not self.app.read_raw(start_facts.commune_set)  # without the ORM: asked before the login

    def run_first_run(self, parent: QWidget | None = None, demo_citizens: int = 2000) -> bool:
        """The commune set-up dialog; once accounts exist, only a logged-in supervisor may set the commune."""
        from desktop.errors import PermissionDenied
        from desktop.services import auth
        from desktop.ui.dialogs.first_run import FirstRunDialog

        if not self.app.read(auth.needs_first_operator):
            try:
                auth.check_change_settings(self.app.operator)
            except PermissionDenied as exc:
                QMessageBox.warning(parent, _("Thiết lập xã/phường"), exc.words(lang.current()))
                return False
        dlg = FirstRunDialog(self.app, parent, demo_citizens=demo_citizens)
        ok = dlg.exec() == FirstRunDialog.DialogCode.Accepted
        dlg.deleteLater()
        return ok

    def open_main_window(self) -> MainWindow:
        from desktop.ui.main_window import MainWindow

        c = self.commune()
        title = ""
        if c is not None:
            title = f"{c.name}, {c.province_name}" + (_(" (xã mẫu)") if c.demo else "")
        win = MainWindow(self.app, title)
        win.language_requested.connect(self.switch_language)
        win.import_requested.connect(self.ask_import)
        old, self.window = self.window, win
        if old is not None:
            placement.copy_state(old, win)
            win.tabs.setCurrentIndex(old.tabs.currentIndex())
        if win.open_maximised and old is None:
            win.showMaximized()
        else:
            win.show()
        if old is not None:
            old.close()
            old.deleteLater()
        return win

    def backup_after_first_paint(self, window: QWidget) -> None:
        """The daily backup (`backup.backup_if_due`), once, after `window` has painted: a quiet job on the
        worker (queued behind the first screen's reads), failures logged, never shown."""
        def start() -> None:
            if self._backup_timer is not None and not self._closed:
                self._backup_timer.stop()
                self._backup_timer = None
                self.runner.op(settings_ops.daily_backup(), None, "daily_backup").quiet().run()

        self._backup_timer = QTimer(self)
        self._backup_timer.setSingleShot(True)
        self._backup_timer.timeout.connect(start)
        self._backup_timer.start(BACKUP_FALLBACK_MS)  # a window that never paints (minimised at start)
        startup_work.after_first_paint(window, start)

    def switch_language(self, code: str) -> None:

        code = lang.install(code)
        self.runner.op(settings_ops.save_setting(KEY_LANGUAGE, code)).run()
        self.open_main_window()

    def ask_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window, _("Chọn danh sách công dân"), "", _("Bảng tính (*.xlsx *.xls *.csv);;Tất cả (*)"))
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> RunningOp:
        """Import on the worker with a cancellable progress dialog; the summary comes back as a message."""
        return (self.runner.op(register_ops.import_file(path, operator_id=self.app.operator_id), self.window, "import")
                .with_progress(_("Đang nhập danh sách…"))
                .success(self._imported)
                .run())

    def _imported(self, res: ImportResult) -> None:
        text = _("Thêm mới: {0}\nCập nhật: {1}\nKhông đổi: {2}\nCảnh báo: {3}\nLỗi: {4}\nCó thể trùng: {5}").format(
            res.inserted, res.updated, res.unchanged, res.warnings, res.errors, res.possible_duplicates)
        if getattr(res, "report_path", None):
            text += "\n" + _("Báo cáo chi tiết: {0}").format(res.report_path)
        QMessageBox.information(self.window, _("Đã nhập danh sách"), text)

    def shutdown(self) -> None:
        self._closed = True
        if self._backup_timer is not None:
            self._backup_timer.stop()
        self.runner.shutdown()

"""Start-up of the desktop app: arguments, logs, the excepthook, the database (migrated on open), language,
first run, login, window, the daily backup."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

LANGS = ("vi", "en")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="enrollpoint", description="EnrollPoint — thu nhận thẻ căn cước và VNeID")
    ap.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: thư mục của người dùng)")
    ap.add_argument("--lang", choices=LANGS, help="ngôn ngữ giao diện: vi (mặc định) hoặc en")
    ap.add_argument("--demo-size", type=int, default=2000, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    from desktop.ui.support import startup_work

    startup_work.skip_pyside_source_scan()  # before the app's own modules: ~85 ms of a start
    from desktop import logs, paths
    from desktop.ui.support import qtrefs

    qtrefs.pin_singletons()  # PySide 6.12 on CPython 3.11 leaks None/True references (see qtrefs)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    try:
        logs.setup_logging(paths.data_dir())  # redacted file log in <data dir>/logs (docs/security.md)
    except OSError:
        logging.getLogger(__name__).warning("cannot write the log file; logging to the console only", exc_info=True)
    app = cast(QApplication, QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "enrollpoint"]))
    app.setApplicationName("EnrollPoint")
    app.setOrganizationName("EnrollPoint")
    from desktop.ui.support import excepthook

    restore_hooks = excepthook.install()  # uncaught errors: the redacted log, then the bug dialog
    try:
        return _run(app, args)
    finally:
        restore_hooks()
        logs.shutdown_logging()


def _run(app: QApplication, args: argparse.Namespace) -> int:
    """Database, language, first run, login, window; then the event loop until the window closes."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import start_facts
    from desktop.storage.db import DatabaseError
    from desktop.ui.actions import login
    from desktop.ui.controller import Controller
    from desktop.ui.support import lang, startup_work

    if args.lang:
        lang.install(args.lang)
    try:
        db = startup_work.open_database_with_progress()  # off the UI thread: encrypting takes seconds
    except DatabaseError as exc:
        QMessageBox.critical(None, "EnrollPoint", exc.message)
        return 1
    controller = Controller(db)
    app_ctx = controller.app
    try:
        # Read on the bare driver: the login dialog paints before SQLAlchemy is imported (start_facts).
        facts = app_ctx.read_raw(start_facts.read)
        if not args.lang:
            lang.install(facts.language or lang.DEFAULT)
        if not facts.commune_set:
            # Accounts but no commune (a supervisor made with the CLI): who sets the commune must log in first.
            if not facts.needs_first_operator and not login.login_at_start(app_ctx):
                return 0
            if not controller.run_first_run(demo_citizens=args.demo_size):
                return 0
        if app_ctx.operator is None and not login.login_at_start(app_ctx):
            return 0  # "Thoát" in the login dialog: no window
        win = controller.open_main_window()
        login.show_pending_recovery_key(app_ctx, win)  # a key made at this start while accounts existed
        if db.encryption_unavailable:
            login.warn_unencrypted(win)
        from desktop.ui.actions.peers import warn_unfinished_import

        warn_unfinished_import(app_ctx, win)  # a peer file import cut half-way at the last run
        controller.backup_after_first_paint(win)
        # Everything built so far lives as long as the app: keep it out of the collector's full passes
        # (one took 50-100 ms with the register open, a visible stall while scrolling).
        gc.freeze()
        return app.exec()
    finally:
        controller.shutdown()
        db.close()

if __name__ == "__main__":
    sys.exit(main())


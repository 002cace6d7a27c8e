"""Start-up of the desktop app: arguments, the database (migrated on open), language, first run, window."""

from __future__ import annotations

import argparse
import gc
import logging
import sys

LANGS = ("vi", "en")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="enrollpoint", description="EnrollPoint — thu nhận CCCD và VNeID")
    ap.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: thư mục của người dùng)")
    ap.add_argument("--lang", choices=LANGS, help="ngôn ngữ giao diện: vi (mặc định) hoặc en")
    ap.add_argument("--demo-size", type=int, default=2000, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop import paths
    from desktop.ui import qtrefs

    qtrefs.pin_singletons()  # PySide 6.12 on CPython 3.11 leaks None/True references (see qtrefs)
    from desktop.db import DatabaseError, open_database
    from desktop.ui import lang

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "enrollpoint"])
    app.setApplicationName("EnrollPoint")
    app.setOrganizationName("EnrollPoint")
    if args.lang:
        lang.install(args.lang)
    try:
        db = open_database()
    except DatabaseError as exc:
        QMessageBox.critical(None, "EnrollPoint", exc.message)
        return 1
    from desktop import config
    from desktop.ui.controller import Controller

    if not args.lang:
        with db.session() as s:
            lang.install(config.get(s, config.KEY_LANGUAGE, lang.DEFAULT))
    controller = Controller(db)
    try:
        if controller.first_run_needed() and not controller.run_first_run(demo_citizens=args.demo_size):
            return 0
        controller.open_main_window()
        # Everything built so far lives as long as the app: keep it out of the collector's full passes
        # (one took 50-100 ms with the register open, a visible stall while scrolling).
        gc.freeze()
        return app.exec()
    finally:
        controller.shutdown()
        db.close()


if __name__ == "__main__":
    sys.exit(main())

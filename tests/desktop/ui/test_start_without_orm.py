"""The start paints the login dialog before SQLAlchemy is imported (half of a start's CPU), and the login
still works end to end: a real `desktop.app.main` in a fresh process (offscreen Qt), an encrypted database
made with the test keyring, a wrong PIN and then the right one.

A fresh process because the test process has long imported SQLAlchemy; the child inherits this test's
data dir and keyring (conftest). The child prints what it saw as one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import config, paths
from desktop.services import auth
from desktop.settings_keys import KEY_LANGUAGE
from desktop.storage import keys
from desktop.storage.db import open_database
from tests.support.audit import audit_actions

SUPERVISOR, PIN = "Nguyễn Văn Trưởng", "123456"

CHILD = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
seen = {}
NAME, PIN = sys.argv[1], sys.argv[2]
HEAVY = ("sqlalchemy", "sqlalchemy.orm", "alembic", "desktop.models", "desktop.services.auth", "desktop.config")

def right_pin(dlg):
    # the wrong PIN's answer has come (the ORM loaded on the worker meanwhile): the officer tries again
    if not dlg.message.text():
        QTimer.singleShot(20, lambda: right_pin(dlg))
        return
    seen["wrong"] = dlg.message.text()
    dlg.pin_edit.setText(PIN)
    dlg.ok_button.click()

class Watch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() != QEvent.Type.Paint:
            return False
        if obj.objectName() == "loginDialog" and "login" not in seen:
            seen["login"] = {
                "loaded": [m for m in HEAVY if m in sys.modules],
                "names": [obj.name_box.itemText(i) for i in range(obj.name_box.count())],
                "title": obj.windowTitle(),
            }
            obj.name_box.setCurrentText(NAME)
            obj.pin_edit.setText("0000")
            QTimer.singleShot(0, obj.ok_button.click)
            QTimer.singleShot(20, lambda: right_pin(obj))
        elif obj.objectName() == "mainWindow" and "window" not in seen:
            seen["window"] = {"operator": obj.findChild(QLabel, "operatorLabel").text()}
            QTimer.singleShot(0, obj.close)
        return False

watch = Watch()
app.installEventFilter(watch)
QTimer.singleShot(60_000, app.quit)  # bounded: a hang fails the test instead of the run
from desktop.app import main
rc = main([])
print("SEEN " + json.dumps(seen, ensure_ascii=False), flush=True)
sys.exit(rc)
"""


def _commune_with_staff(language: str | None = None) -> Path:
    from desktop.services.demo import create_demo

    db = open_database()
    create_demo(db, citizens=30)
    with db.session() as s:
        boss = auth.create_operator(s, SUPERVISOR, PIN, "supervisor")
        auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
        gone = auth.create_operator(s, "Trần Văn Cũ", "5555", "operator", created_by=boss)
        gone.active = False  # a former officer: not offered in the combo
        if language:
            config.put(s, KEY_LANGUAGE, language)
    db.close()
    return paths.db_path()


def _start(tmp_path: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path.cwd())}
    out = subprocess.run([sys.executable, "-c", CHILD, SUPERVISOR, PIN], capture_output=True, text=True,
                         timeout=120, env=env, cwd=tmp_path)
    lines = [x for x in out.stdout.splitlines() if x.startswith("SEEN ")]
    assert out.returncode == 0 and lines, out.stderr[-3000:]
    return json.loads(lines[-1][5:])



@pytest.mark.slow
def test_login_dialog_paints_before_sqlalchemy_and_login_works(tmp_path: Path) -> None:
    db_file = _commune_with_staff()
    assert keys.file_state(db_file) == "encrypted"  # the names come through SQLCipher, keyed from the keyring
    seen = _start(tmp_path)
    assert seen["login"]["loaded"] == []  # nothing of the ORM, the models or Alembic before the dialog paints
    assert seen["login"]["names"] == ["Lê Thị Bình", SUPERVISOR]  # active officers, sorted
    assert seen["login"]["title"] == "Đăng nhập EnrollPoint"
    assert "không đúng" in seen["wrong"] and "còn 4 lần" in seen["wrong"]
    assert seen["window"]["operator"] == f"Cán bộ: {SUPERVISOR}"
    actions = audit_actions()
    assert "login.failed" in actions and "login" in actions


@pytest.mark.slow
def test_stored_language_is_read_without_the_orm(tmp_path: Path) -> None:
    _commune_with_staff(language="en")
    seen = _start(tmp_path)
    assert seen["login"]["loaded"] == []
    assert seen["login"]["title"] == "Log in to EnrollPoint"
    assert "Wrong officer name or PIN" in seen["wrong"] and "4 tries left" in seen["wrong"]
    assert seen["window"]["operator"] == f"Officer: {SUPERVISOR}"

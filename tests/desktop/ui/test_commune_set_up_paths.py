"""The first-run dialog and `enrollpoint init` set a commune up through one service: the same rows either way,
and the same supervisor rule once accounts exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from desktop import paths
from desktop.cli import main
from desktop.models import AuditEntry, Operator, Point, Setting
from desktop.services import auth
from desktop.storage.db import Database, open_database
from desktop.ui.dialogs.first_run import FirstRunDialog
from tests.support.qt import wait_idle

CODE = "22366"  # Phường Nha Trang


def _state(db: Database) -> dict[str, Any]:
    """What a set-up leaves in the database: settings, points, accounts, audit actions."""
    with db.session() as s:
        return {
            "settings": {r.key: r.value for r in s.query(Setting).order_by(Setting.key)},
            "points": [(p.code, p.name, p.address, p.kind, bool(p.active)) for p in s.query(Point).order_by(Point.code)],
            "operators": [(o.name, o.role) for o in s.query(Operator).order_by(Operator.name)],
            "audit": [a.action for a in s.query(AuditEntry).order_by(AuditEntry.id)],
        }


def _cli_database(data: Path) -> Database:
    paths.set_data_dir(str(data))
    return open_database(paths.db_path())


def _set_up_in_dialog(qtbot: Any, app: Any, monkeypatch: Any) -> list[str]:
    """Pick the commune as the officer does (filter, Enter, OK); returns the warnings shown, if any."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: shown.append(text))
    dlg = FirstRunDialog(app, None, demo_citizens=0)
    qtbot.addWidget(dlg)
    dlg.filter.setText(CODE)
    dlg._pick_first()
    assert dlg.chosen() is not None and dlg.chosen().code == CODE
    dlg.set_up_chosen()
    wait_idle(qtbot, app.runner)
    return shown


def test_dialog_and_cli_init_leave_the_same_rows(qtbot, tmp_path: Path, app_for, monkeypatch, capsys) -> None:
    ui_db = open_database(tmp_path / "ui.db")
    try:
        assert _set_up_in_dialog(qtbot, app_for(ui_db), monkeypatch) == []
        by_dialog = _state(ui_db)
    finally:
        ui_db.close()

    assert main(["init", "--data-dir", str(tmp_path / "cli"), "--commune-code", CODE]) == 0, capsys.readouterr()
    cli_db = _cli_database(tmp_path / "cli")
    try:
        by_cli = _state(cli_db)
    finally:
        cli_db.close()

    assert by_dialog == by_cli
    assert by_cli["settings"]["commune.name"] == "Phường Nha Trang"
    assert [p[0] for p in by_cli["points"]] == ["TRUSO"] and by_cli["points"][0][3] == "office"
    assert by_cli["audit"] == ["commune.set_up"]


def test_once_accounts_exist_both_paths_need_a_supervisor(qtbot, tmp_path: Path, app_for, monkeypatch,
                                                          capsys) -> None:
    def staffed(db: Database) -> None:
        with db.session() as s:
            boss = auth.create_operator(s, "Trần Văn Bình", "2468", "supervisor")
            auth.create_operator(s, "Lê Thị Cúc", "1357", "operator", created_by=boss)

    ui_db = open_database(tmp_path / "ui.db")
    try:
        staffed(ui_db)
        app = app_for(ui_db)
        app.set_operator(auth.OperatorInfo(2, "Lê Thị Cúc", "operator", True, None))  # not a supervisor
        refused: list[Exception] = []
        monkeypatch.setattr("desktop.ui.dialogs.error.show_error", lambda _p, exc, _tb: refused.append(exc))
        _set_up_in_dialog(qtbot, app, monkeypatch)
        assert refused and "người phụ trách" in str(refused[0]).lower()
        assert _state(ui_db)["settings"].get("commune.code") is None
    finally:
        ui_db.close()

    cli = tmp_path / "cli"
    cli_db = _cli_database(cli)
    staffed(cli_db)
    cli_db.close()
    assert main(["init", "--data-dir", str(cli), "--commune-code", CODE]) == 2
    assert "--by" in capsys.readouterr().err
    monkeypatch.setenv("ENROLLPOINT_SUPERVISOR_PIN", "2468")
    assert main(["init", "--data-dir", str(cli), "--commune-code", CODE, "--by", "Trần Văn Bình"]) == 0
    cli_db = _cli_database(cli)
    try:
        assert _state(cli_db)["settings"]["commune.code"] == CODE
    finally:
        cli_db.close()

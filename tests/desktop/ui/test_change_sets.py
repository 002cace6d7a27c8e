"""Change-sets come from the write services (desktop/changes.py) and reach every screen through `notify`."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from desktop import config
from desktop.changes import Changes, changes_of, declares
from desktop.models import Point
from desktop.services.figures import village_targets
from desktop.settings_keys import KEY_AUTO_SEND
from desktop.storage.db import Database
from desktop.ui.operations import peers as peer_ops
from desktop.ui.operations import settings as settings_ops
from desktop.ui.operations import sync as sync_ops
from desktop.ui.support.autosend import AutoSender
from desktop.ui.support.context import AppContext
from desktop.ui.support.runner import WorkerFn
from desktop.ui.views.base import View
from desktop.ui.views.peers import PeersPanel
from desktop.ui.views.sync_panel import SyncPanel
from tests.support.qt import wait_idle

DAY = dt.date(2025, 8, 1)
OPERATIONS = Path(__file__).resolve().parents[3] / "desktop" / "ui" / "operations"


def test_no_operation_builds_a_change_set_by_hand() -> None:
    built: list[str] = []
    for path in sorted(OPERATIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.value.id if (
                    isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)) else ""
                if name in {"Changes", "OpChanges"}:
                    built.append(f"{path.name}:{node.lineno}")
    assert built == []


def test_a_service_declares_its_change_set_and_an_undeclared_one_is_refused() -> None:
    assert changes_of(village_targets.set_village_target) == Changes(statuses=True, settings=True)

    @declares(Changes(reports=True))
    def closes() -> None: ...

    def writes_silently() -> None: ...

    assert changes_of(closes, village_targets.set_village_target) == Changes(statuses=True, settings=True,
                                                                                 reports=True)
    with pytest.raises(LookupError, match="writes_silently declares no changes"):
        changes_of(writes_silently)


class _Recorder(View):
    """A view that counts its reloads and cares only about the reports."""

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.reloads = 0

    def cares_about(self, changes: Changes) -> bool:
        return changes.reports

    def reload(self) -> None:
        self.reloads += 1


def _commune(db: Database) -> None:
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))


def _run(qtbot: Any, app: AppContext, fn: WorkerFn) -> None:
    """Run one operation to its end; a failure fails the test (instead of a modal error box)."""
    failures: list[BaseException] = []
    app.runner.op(fn).failure(lambda exc, _tb: failures.append(exc)).run()
    wait_idle(qtbot, app.runner)
    assert failures == []


def test_a_view_refreshes_from_the_change_set_an_operation_returns(qtbot, db: Database, app_for) -> None:
    _commune(db)
    app = app_for(db)
    view = _Recorder(app)
    qtbot.addWidget(view)
    view.show()
    _run(qtbot, app, settings_ops.save_setting("ui.name_order", "family"))  # settings only: not its concern
    assert view.reloads == 0
    _run(qtbot, app, sync_ops.close_day(DAY, "P1", None))
    assert view.reloads == 1
    view.hide()  # hidden: marked out of date, reloaded when shown again
    _run(qtbot, app, sync_ops.close_day(DAY + dt.timedelta(days=1), "P1", None))
    assert view.reloads == 1
    view.activate()
    assert view.reloads == 2


def test_peers_panel_sync_panel_and_auto_sender_hear_change_sets(qtbot, db: Database, app_for) -> None:
    _commune(db)
    app = app_for(db)
    peers, sync = PeersPanel(app), SyncPanel(app)
    qtbot.addWidget(peers)
    qtbot.addWidget(sync)
    sender = AutoSender(app, sync, first_ms=60_000, watch_network=False)
    assert "chưa ở trong nhóm" in peers.me_label.text() and sync.day_states() == []
    assert sender.enabled

    _run(qtbot, app, peer_ops.create_group())  # not through the panel: only the change-set tells it
    _run(qtbot, app, sync_ops.close_day(DAY, "P1", None))
    _run(qtbot, app, settings_ops.save_setting(KEY_AUTO_SEND, "0"))

    assert "chưa ở trong nhóm" not in peers.me_label.text()
    assert [s for _d, _p, s in sync.day_states()] == ["waiting"]
    assert not sync.auto_check.isChecked() and not sender.enabled
    sender.stop()


def test_a_closed_panel_is_dropped_not_called(qtbot, db: Database, app_for) -> None:
    app = app_for(db)
    panel = SyncPanel(app)
    panel.deleteLater()
    qtbot.waitUntil(lambda: not _alive(panel), timeout=2_000)
    _run(qtbot, app, settings_ops.save_setting(KEY_AUTO_SEND, "1"))  # no "C++ object already deleted"


def _alive(obj: object) -> bool:
    from shiboken6 import isValid

    return bool(isValid(obj))

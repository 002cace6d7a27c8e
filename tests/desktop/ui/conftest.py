"""UI fixtures: a real demo commune database, the controller and its main window (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def demo_db(tmp_path: Path):
    from desktop.services.demo import create_demo
    from desktop.storage.db import open_database

    db = open_database(tmp_path / "demo.db")
    create_demo(db, citizens=300)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def _vietnamese(qapp):
    from desktop.ui.support import lang

    lang.install("vi")
    yield
    lang.install("vi")


@pytest.fixture
def controller(qtbot, demo_db):
    from desktop.ui.controller import Controller

    c = Controller(demo_db)
    yield c
    if c.window is not None:
        c.window.close()
    c.shutdown()


@pytest.fixture
def window(qtbot, controller):
    win = controller.open_main_window()  # closed by the controller fixture (a language switch replaces it)
    with qtbot.waitExposed(win):
        pass
    return win


@pytest.fixture
def app_for(qtbot):
    """`app_for(db)`: an AppContext with its own runner over `db`, as the controller makes it."""
    from desktop.ui.support.context import AppContext
    from desktop.ui.support.runner import OpRunner

    runners: list[OpRunner] = []

    def make(db):
        runners.append(OpRunner(db))
        return AppContext(db=db, runner=runners[-1])

    yield make
    for runner in runners:
        runner.shutdown()


#END

"""An auto-sender whose timer fires after the app's operation runner is gone (the window closing, or a test
that ended) stops quietly instead of raising "Internal C++ object (QThreadPool) already deleted" in Qt's
event loop — where it surfaced as a failure of whatever test ran next."""

from __future__ import annotations

from shiboken6 import delete

from desktop.ui.support.autosend import AutoSender
from desktop.ui.support.context import AppContext
from desktop.ui.support.runner import OpRunner


def test_a_sender_outliving_its_runner_stops_quietly(qtbot, db) -> None:
    app = AppContext(db=db, runner=OpRunner(db))  # its own runner: this test ends it
    sender = AutoSender(app, first_ms=60_000, watch_network=False)
    assert sender.enabled
    app.runner.shutdown()
    delete(app.runner.pool)  # what the runner's end does to its lanes
    delete(app.runner.network_pool)
    sender.try_now()  # before: RuntimeError from the deleted QThreadPool
    assert not sender.enabled and not sender._running
    sender.try_now()  # and stays stopped
    assert sender.runs == 1

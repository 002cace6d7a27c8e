"""The one way to run work off the UI thread (after Anki's `aqt.operations`).

A screen says what to do (`app.runner.op(fn, parent)`), what to do with the result (`.success()`), how to
show a failure (`.failure()`; by default a Vietnamese message box, or the bug dialog), and progress
(`.with_progress()`), then `.run()`. `fn(job)` runs on a worker thread with a `JobContext` (the database,
`job.progress()`, `job.cancelled()`), opens its own sessions (`job.db.session()`) and returns `Changes` (or an
`OpResult` carrying a value and `Changes`, which the write service declares: `desktop/changes.py`); the
runner announces them on `changed` and to every subscribed listener's `notify` (`subscribe`: every `View`, the
auto-sender), so every screen refreshes what concerns it. The worker functions live in `desktop/ui/operations/`.

Two lanes, one runner: the database lane (ONE thread, so our own SQLite writes are serial: no "database is
locked" between jobs) and the network lane (`.network()`, one thread) for a hub sync, which waits on the
network for up to minutes and writes only short transactions; check-in writes never queue behind it.

Thread rules (docs/ui.md): the runner owns one signal carrier, created and destroyed on the GUI thread;
workers only emit on it (queued, with the job id) and hold no QObject of their own. Every failure is logged
(redacted file log) before it is shown. `shutdown()` cancels and waits for both lanes before the database
closes.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from desktop.changes import Changes
from desktop.storage.db import Database
from desktop.ui.support.lang import translator
from desktop.ui.support.qtrefs import emit

_ = translator("Operations")
log = logging.getLogger(__name__)


class ChangeListener(Protocol):
    """What `OpRunner.subscribe` takes: anything told of each change-set (a `View`, the auto-sender)."""

    def notify(self, changes: Changes) -> None: ...


@dataclass(frozen=True, slots=True)
class OpResult:
    value: Any
    changes: Changes = Changes()


class JobContext:
    """What a worker function gets (call it `job`): the database, a progress reporter and a cancel flag."""

    def __init__(self, db: Database, running: RunningOp) -> None:
        self.db = db
        self._running = running
        self._last = 0.0

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        """Thread-safe; throttled to ~20 updates a second so the GUI queue never floods."""
        now = time.monotonic()
        if now - self._last >= 0.05 or (total and done >= total):
            self._last = now
            emit(self._running.carrier.progress, self._running.id, int(done), int(total), text)

    def cancelled(self) -> bool:
        return self._running.cancel_event.is_set()


WorkerFn = Callable[[JobContext], Any]


class _Carrier(QObject):
    """The runner's one signal carrier, created and destroyed on the GUI thread; jobs emit by id."""

    progress = Signal(int, int, int, str)
    done = Signal(int, object)
    failed = Signal(int, object, str)


class _Task(QRunnable):
    """The pool's handle on a job: owned and deleted by the pool (never touched after start)."""

    def __init__(self, running: RunningOp) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._running = running

    def run(self) -> None:  # worker thread
        self._running.run()


class RunningOp:
    """One queued operation (plain Python): kept by the runner until its result has been delivered."""

    _ids = itertools.count(1)

    def __init__(self, runner: OpRunner, fn: WorkerFn, name: str) -> None:
        self.id = next(RunningOp._ids)
        self.name = name
        self.fn = fn
        self.cancel_event = threading.Event()
        self.carrier = runner._carrier  # GUI-side owner
        self.job = JobContext(runner.db, self)
        self.finished = False
        self.quiet = False  # a background read (e.g. a count): not shown as "busy" in the status bar
        self.network = False
        self.on_progress: Callable[[int, int, str], None] | None = None
        self.on_done: Callable[[Any], None] | None = None
        self.on_failed: Callable[[BaseException, str], None] | None = None

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.job)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the user, never kill the worker
            emit(self.carrier.failed, self.id, exc, traceback.format_exc())
        else:
            emit(self.carrier.done, self.id, result)

    def cancel(self) -> None:
        self.cancel_event.set()


class OpRunner(QObject):
    """Owns the worker lanes; announces `changed(Changes)` after every successful operation."""

    changed = Signal(object)
    busy_changed = Signal(bool)
    failed = Signal(object)  # every failure, after it has been shown (tests and the status bar listen)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.pool = self._lane()  # the database lane
        self.network_pool = self._lane()
        self._jobs: dict[int, RunningOp] = {}
        self._carrier = _Carrier(self)
        q = Qt.ConnectionType.QueuedConnection
        self._carrier.progress.connect(self._deliver_progress, q)
        self._carrier.done.connect(self._deliver_done, q)
        self._carrier.failed.connect(self._deliver_failed, q)
        self._listeners: list[weakref.ref[ChangeListener]] = []
        self.changed.connect(self._tell_listeners)

    def subscribe(self, listener: ChangeListener) -> None:
        """`listener.notify(changes)` after every operation that changed something (GUI thread), for as
        long as the listener lives: every view (`View.__init__`), the peers and sync panels, the auto-send."""
        self._listeners.append(weakref.ref(listener))

    def _tell_listeners(self, changes: Changes) -> None:
        gone: list[weakref.ref[ChangeListener]] = []
        for ref in list(self._listeners):  # a listener may subscribe another one meanwhile
            listener = ref()
            if listener is None or (isinstance(listener, QObject) and not isValid(listener)):
                gone.append(ref)  # its window is gone
            else:
                listener.notify(changes)
        self._listeners = [r for r in self._listeners if r not in gone]

    def _lane(self) -> QThreadPool:
        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)
        pool.setExpiryTimeout(-1)
        return pool

    def op(self, fn: WorkerFn, parent: QWidget | None = None, name: str = "") -> Op:
        return Op(self, fn, parent, name)

    def busy(self) -> bool:
        return bool(self._jobs)

    def _shown_busy(self) -> bool:
        return any(not j.quiet for j in self._jobs.values())

    def _start(self, running: RunningOp) -> None:
        was_busy = self._shown_busy()
        self._jobs[running.id] = running
        (self.network_pool if running.network else self.pool).start(_Task(running))
        if not was_busy and not running.quiet:
            emit(self.busy_changed, True)

    def _deliver_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        running = self._jobs.get(job_id)
        if running is not None and running.on_progress:
            running.on_progress(done, total, text)

    def _deliver_done(self, job_id: int, result: Any) -> None:
        running = self._finish(job_id)
        if running is not None and running.on_done:
            running.on_done(result)

    def _deliver_failed(self, job_id: int, exc: BaseException, tb: str) -> None:
        running = self._finish(job_id)
        if running is not None and running.on_failed:
            running.on_failed(exc, tb)

    def _finish(self, job_id: int) -> RunningOp | None:
        running = self._jobs.pop(job_id, None)
        if running is not None:
            running.finished = True
        if running is not None and not running.quiet and not self._shown_busy():
            emit(self.busy_changed, False)
        return running

    def wait(self, msecs: int = -1) -> bool:
        """Wait for both lanes (`msecs` each; -1: no limit)."""
        return self.pool.waitForDone(msecs) and self.network_pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Cancel what runs and wait for it: nothing may touch the database after it closes."""
        for running in list(self._jobs.values()):
            running.cancel()
        self.pool.waitForDone()
        self.network_pool.waitForDone()
        QThreadPool.globalInstance().waitForDone()


def log_failure(name: str, exc: BaseException, tb: str) -> None:
    """The standard failure path's first step: a refusal at INFO, a bug with its traceback at ERROR."""
    from desktop.ui.support.errors import user_message

    msg = user_message(exc)
    if msg is None:
        log.error("operation %s failed:\n%s", name, tb)
    else:
        log.info("operation %s not done: %s", name, msg)


class Op:
    """Builder: `runner.op(fn, parent).success(cb).failure(cb).with_progress(label).run()`."""

    def __init__(self, runner: OpRunner, fn: WorkerFn, parent: QWidget | None, name: str):
        self._runner = runner
        self._fn = fn
        self._parent = parent
        self._name = name or getattr(fn, "__qualname__", "op").split(".<locals>")[0]
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException, str], None] | None = None
        self._progress: Callable[[int, int, str], None] | None = None
        self._dialog_label: str | None = None
        self._quiet = False
        self._network = False

    def quiet(self) -> Op:
        """A background read: no busy indicator, and failures are only logged unless `.failure()` is given."""
        self._quiet = True
        return self

    def network(self) -> Op:
        """Run on the network lane (a hub sync: long waits on the network, short transactions)."""
        self._network = True
        return self

    def success(self, cb: Callable[[Any], None]) -> Op:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException, str], None]) -> Op:
        """Show the failure yourself (it is logged anyway)."""
        self._failure = cb
        return self

    def progress(self, cb: Callable[[int, int, str], None]) -> Op:
        self._progress = cb
        return self

    def with_progress(self, label: str) -> Op:
        """Show a window-modal progress dialog with a Cancel button (the event loop keeps running)."""
        self._dialog_label = label
        return self

    def run(self) -> RunningOp:
        runner = self._runner
        running = RunningOp(runner, self._fn, self._name)
        running.quiet = self._quiet
        running.network = self._network
        dialog = self._make_dialog(running) if self._dialog_label is not None else None

        def on_progress(done: int, total: int, text: str) -> None:
            if dialog is not None:
                dialog.setMaximum(max(total, 0))
                dialog.setValue(min(done, total) if total else 0)
                if text:
                    dialog.setLabelText(text)
            if self._progress:
                self._progress(done, total, text)

        def on_done(result: Any) -> None:
            _close(dialog)
            if isinstance(result, OpResult):
                value, changes = result.value, result.changes
            elif isinstance(result, Changes):
                value, changes = result, result
            else:
                value, changes = result, Changes()
            if changes.any():
                emit(runner.changed, changes)
            if self._success:
                self._success(value)

        def on_failed(exc: BaseException, tb: str) -> None:
            _close(dialog)
            log_failure(self._name, exc, tb)
            if self._failure:
                self._failure(exc, tb)
            elif not self._quiet:
                from desktop.ui.dialogs.error import show_error

                show_error(self._parent, exc, tb)
            emit(runner.failed, exc)

        running.on_progress, running.on_done, running.on_failed = on_progress, on_done, on_failed
        runner._start(running)
        return running

    def _make_dialog(self, running: RunningOp) -> QProgressDialog:
        d = QProgressDialog(self._dialog_label or "", _("Hủy"), 0, 0, self._parent)
        d.setWindowTitle(_("Đang xử lý"))
        d.setWindowModality(Qt.WindowModality.WindowModal)
        d.setMinimumDuration(400)
        d.setAutoClose(False)
        d.setAutoReset(False)
        d.canceled.connect(running.cancel)
        return d


def _close(dialog: QProgressDialog | None) -> None:
    if dialog is not None:
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()

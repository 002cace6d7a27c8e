"""Background operations: one small function per user action, run by a builder on ONE database worker.

After Anki's `aqt.operations`: a view says what to do (`runner.op(fn)`), what to do with the result
(`.success()`), how to show failure (`.failure()`, by default a Vietnamese message box) and progress
(`.with_progress()`), then `.run()`. `fn(ctx)` runs on the runner's single worker thread with its own
database sessions (`ctx.db.session()`); it returns `Changes` (or an `OpResult` carrying a value and
`Changes`), and the runner announces them on `changed`, so every screen refreshes what concerns it.

Thread rules (see PITFALLS): the runner owns one signal carrier, created and destroyed on the GUI thread;
workers only emit on it (queued, with the job id) and hold no QObject of their own; `shutdown()` cancels and waits for the pool before the database
closes. One worker keeps SQLite writes serial (no "database is locked" between our own jobs).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.ui.lang import translator
from desktop.ui.qtrefs import emit

_ = translator("Operations")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed; views refresh only for what concerns them."""

    citizens: bool = False  # register rows (names, villages, new people)
    statuses: bool = False  # status events (check-in, captures)
    schedule: bool = False  # sessions, slots, appointments
    points: bool = False
    commune: bool = False
    settings: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})


@dataclass(frozen=True, slots=True)
class OpResult:
    value: Any
    changes: Changes = Changes()


class OpContext:
    """What a worker function gets: the database, a progress reporter and a cancel flag."""

    def __init__(self, db: Any, job: Job) -> None:
        self.db = db
        self._job = job
        self._last = 0.0

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        """Thread-safe; throttled to ~20 updates a second so the GUI queue never floods."""
        now = time.monotonic()
        if now - self._last >= 0.05 or (total and done >= total):
            self._last = now
            emit(self._job.carrier.progress, self._job.id, int(done), int(total), text)

    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()


class _Carrier(QObject):
    """The runner's one signal carrier, created and destroyed on the GUI thread; jobs emit by id."""

    progress = Signal(int, int, int, str)
    done = Signal(int, object)
    failed = Signal(int, object, str)


class _Task(QRunnable):
    """The pool's handle on a job: owned and deleted by the pool (never touched after start)."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job

    def run(self) -> None:  # worker thread
        self._job.run()


class Job:
    """One queued operation (plain Python): kept by the runner until its result has been delivered."""

    _ids = itertools.count(1)

    def __init__(self, runner: OpRunner, fn: Callable[[OpContext], Any], name: str) -> None:
        self.id = next(Job._ids)
        self.name = name
        self.fn = fn
        self.cancel_event = threading.Event()
        self.carrier = runner._carrier  # GUI-side owner
        self.ctx = OpContext(runner.db, self)
        self.finished = False
        self.quiet = False  # a background read (e.g. a count): not shown as "busy" in the status bar
        self.on_progress: Callable[[int, int, str], None] | None = None
        self.on_done: Callable[[Any], None] | None = None
        self.on_failed: Callable[[BaseException, str], None] | None = None

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the user, never kill the worker
            emit(self.carrier.failed, self.id, exc, traceback.format_exc())
        else:
            emit(self.carrier.done, self.id, result)

    def cancel(self) -> None:
        self.cancel_event.set()


class OpRunner(QObject):
    """Owns the database worker; announces `changed(Changes)` after every successful operation."""

    changed = Signal(object)
    busy_changed = Signal(bool)
    failed = Signal(object)  # every failure, after it has been shown (tests and the status bar listen)

    def __init__(self, db: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)
        self._jobs: dict[int, Job] = {}
        self._carrier = _Carrier(self)
        q = Qt.ConnectionType.QueuedConnection
        self._carrier.progress.connect(self._deliver_progress, q)
        self._carrier.done.connect(self._deliver_done, q)
        self._carrier.failed.connect(self._deliver_failed, q)

    def op(self, fn: Callable[[OpContext], Any], parent: QWidget | None = None, name: str = "") -> Op:
        return Op(self, fn, parent, name)

    def busy(self) -> bool:
        return bool(self._jobs)

    def _shown_busy(self) -> bool:
        return any(not j.quiet for j in self._jobs.values())

    def _start(self, job: Job) -> None:
        was_busy = self._shown_busy()
        self._jobs[job.id] = job
        self.pool.start(_Task(job))
        if not was_busy and not job.quiet:
            emit(self.busy_changed, True)

    def _deliver_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.on_progress:
            job.on_progress(done, total, text)

    def _deliver_done(self, job_id: int, result: Any) -> None:
        job = self._finish(job_id)
        if job is not None and job.on_done:
            job.on_done(result)

    def _deliver_failed(self, job_id: int, exc: BaseException, tb: str) -> None:
        job = self._finish(job_id)
        if job is not None and job.on_failed:
            job.on_failed(exc, tb)

    def _finish(self, job_id: int) -> Job | None:
        job = self._jobs.pop(job_id, None)
        if job is not None:
            job.finished = True
        if job is not None and not job.quiet and not self._shown_busy():
            emit(self.busy_changed, False)
        return job

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Cancel what runs and wait for it: nothing may touch the database after it closes."""
        for job in list(self._jobs.values()):
            job.cancel()
        self.pool.waitForDone()
        QThreadPool.globalInstance().waitForDone()


class Op:
    """Builder: `runner.op(fn, parent).success(cb).failure(cb).with_progress(label).run()`."""

    def __init__(self, runner: OpRunner, fn: Callable[[OpContext], Any], parent: QWidget | None, name: str):
        self._runner = runner
        self._fn = fn
        self._parent = parent
        self._name = name or getattr(fn, "__name__", "op")
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException, str], None] | None = None
        self._progress: Callable[[int, int, str], None] | None = None
        self._dialog_label: str | None = None
        self._quiet = False

    def quiet(self) -> Op:
        """A background read: no busy indicator, and failures are logged instead of shown."""
        self._quiet = True
        return self

    def success(self, cb: Callable[[Any], None]) -> Op:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException, str], None]) -> Op:
        self._failure = cb
        return self

    def progress(self, cb: Callable[[int, int, str], None]) -> Op:
        self._progress = cb
        return self

    def with_progress(self, label: str) -> Op:
        """Show a window-modal progress dialog with a Cancel button (the event loop keeps running)."""
        self._dialog_label = label
        return self

    def run(self) -> Job:
        runner = self._runner
        job = Job(runner, self._fn, self._name)
        job.quiet = self._quiet
        dialog = self._make_dialog(job) if self._dialog_label is not None else None

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
            if self._failure:
                self._failure(exc, tb)
            elif self._quiet:
                log.warning("background read %s failed:\n%s", self._name, tb)
            else:
                from desktop.ui.errors import show_error

                show_error(self._parent, exc, tb)
            emit(runner.failed, exc)

        job.on_progress, job.on_done, job.on_failed = on_progress, on_done, on_failed
        runner._start(job)
        return job

    def _make_dialog(self, job: Job) -> QProgressDialog:
        d = QProgressDialog(self._dialog_label or "", _("Hủy"), 0, 0, self._parent)
        d.setWindowTitle(_("Đang xử lý"))
        d.setWindowModality(Qt.WindowModality.WindowModal)
        d.setMinimumDuration(400)
        d.setAutoClose(False)
        d.setAutoReset(False)
        d.canceled.connect(job.cancel)
        return d


def _close(dialog: QProgressDialog | None) -> None:
    if dialog is not None:
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()

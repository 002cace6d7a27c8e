"""PySide 6.12 / CPython 3.11 reference bug: emitting through `qtrefs.emit` keeps True's count intact."""

from __future__ import annotations

import gc
import subprocess
import sys

from PySide6.QtCore import QObject, QThreadPool, Signal

from desktop.ui.support import qtrefs


class _Sender(QObject):
    fired = Signal(object)


def _true_refs() -> int:
    gc.collect()
    return sys.getrefcount(True)


def test_emit_helper_loses_no_reference_to_true(qtbot):
    s = _Sender()
    got: list[object] = []
    s.fired.connect(got.append)
    before = _true_refs()
    for i in range(500):
        qtrefs.emit(s.fired, i)
    assert len(got) == 500
    assert _true_refs() - before == 0


def test_emit_helper_from_a_pool_thread(qtbot):
    s = _Sender()
    got: list[object] = []
    s.fired.connect(got.append)
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    before = _true_refs()
    for i in range(50):
        pool.start(lambda i=i: qtrefs.emit(s.fired, i))
    assert pool.waitForDone(10_000)
    qtbot.waitUntil(lambda: len(got) == 50, timeout=5000)
    assert _true_refs() - before == 0


def test_pinned_singletons_survive_raw_emits_at_exit():
    """In a fresh interpreter (pinning is process-wide): 20,000 raw emits, then a clean exit."""
    code = (
        "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
        "from desktop.ui.support import qtrefs\n"
        "app = QCoreApplication([])\n"
        "class S(QObject):\n    s = Signal()\n"
        "o = S()\nqtrefs.pin_singletons()\n"
        "for _ in range(20000):\n    o.s.emit()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]

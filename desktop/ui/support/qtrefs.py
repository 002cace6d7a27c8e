"""Work-arounds for PySide6 6.12 losing references to Python's singletons on CPython 3.11.

Measured (see docs/ui.md, "PySide reference bug"): every `SignalInstance.emit()` called from Python
drops one reference to `True` (its return value), on the GUI thread and on pool threads alike; void
Qt methods drop one reference to `None`. CPython 3.11 still counts references on these singletons
(3.12 made them immortal), so once the lost references outnumber the ones nobody ever releases, the
interpreter aborts at exit with "bool_dealloc" (or "none_dealloc"), turning a passing test run into
exit code 134.

- `emit(signal, *args)`: emit and give back exactly the references this PySide build loses (measured
  once at import, so a fixed PySide costs nothing). Every `.emit(` in desktop/ui goes through it.
- `pin_singletons()`: what CPython 3.12 does, for 3.11: give None/True/False a reference count no run
  can exhaust. The app calls it at start-up, because void calls losing `None` cannot be wrapped one
  by one and a long working day makes millions of them.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PIN = 1 << 40  # a reference count no session reaches


class _Probe(QObject):
    ping = Signal()


def _measure_emit_loss() -> int:
    """References to True one Python-side emit loses (0 on a sound PySide), measured on this thread."""
    if sys.version_info >= (3, 12):
        return 0  # True is immortal: nothing to give back
    probe = _Probe()
    losses = []
    for _ in range(3):
        before = sys.getrefcount(True)
        probe.ping.emit()
        losses.append(before - sys.getrefcount(True))
    probe.deleteLater()
    return max(0, min(losses))


EMIT_LOSS = _measure_emit_loss()
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def emit(signal: SignalInstance, *args: object) -> None:
    """`signal.emit(*args)` without the lost reference to True (safe on worker threads: holds the GIL)."""
    signal.emit(*args)
    for _ in range(EMIT_LOSS):
        _incref(True)


def pin_singletons() -> bool:
    """Make None, True and False immortal on CPython < 3.12 (a no-op where they already are)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _PIN  # ob_refcnt is the object's first field
    return True

"""Start-up work kept off the way to the first window."""

from __future__ import annotations

import inspect
import sys

from desktop.ui.support import startup_work


def _reads_when_importing(tmp_path, monkeypatch, name: str) -> list[object]:
    reads: list[object] = []
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: reads.append(obj) or real(obj))
    (tmp_path / f"{name}.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__(name)  # the builtin: PySide hooks it (importlib.import_module would pass by)
    monkeypatch.delitem(sys.modules, name)
    return [r for r in reads if getattr(r, "__name__", "") == name]


def test_pyside_no_longer_reads_the_source_of_each_imported_module(qapp, tmp_path, monkeypatch):
    startup_work.skip_pyside_source_scan()
    assert _reads_when_importing(tmp_path, monkeypatch, "ep_probe_after_skip") == []


def test_the_peers_dock_reads_nothing_until_shown(qtbot, controller):
    win = controller.open_main_window()
    qtbot.addWidget(win)
    panel = win.shell.peers_panel
    assert panel is not None and not panel._loaded  # built, hidden, not read before the first paint
    win.findChild(type(win.menuBar().actions()[0]), "actPeers").trigger()
    qtbot.waitUntil(lambda: panel._loaded and panel.me_label.text() != "", timeout=5000)

"""Small helpers for the Qt tests: waiting for the operation runner, reading the schedule tree."""

from __future__ import annotations

from typing import Any


def wait_idle(qtbot: Any, runner: Any, timeout: int = 15000) -> None:
    """Until every queued operation has delivered its result on the GUI thread."""
    qtbot.waitUntil(lambda: not runner.busy(), timeout=timeout)


def slot_children(tree: Any) -> list[Any]:
    """The slot rows under every session of the schedule tree."""
    out = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        out += [top.child(j) for j in range(top.childCount())]
    return out

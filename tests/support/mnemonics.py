"""The Alt+letter keys a window offers at one moment: menu bar titles, tab titles, and the visible buttons,
group boxes and buddied labels. Two of one letter in one window means the first press of Alt+letter only
moves the focus (Qt cycles between them) instead of acting."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMainWindow, QTabBar, QWidget

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    m = _MNEMONIC.search(text.replace("&&", ""))
    return m.group(1).lower() if m else None


def offered(top: QWidget) -> dict[str, list[str]]:
    """letter → the texts that offer it, for everything reachable on `top` now."""
    out: dict[str, list[str]] = defaultdict(list)

    def add(text: str) -> None:
        key = mnemonic(text)
        if key:
            out[key].append(text)

    if isinstance(top, QMainWindow):
        for act in top.menuBar().actions():
            if act.isVisible():
                add(act.text())
    for w in top.findChildren(QWidget):
        if not w.isVisibleTo(top) or w.window() is not top:
            continue
        if isinstance(w, QAbstractButton) and w.isEnabled():
            add(w.text())
        elif isinstance(w, QGroupBox) and w.isCheckable():
            add(w.title())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            add(w.text())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                add(w.tabText(i))
    return out


def clashes(top: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in offered(top).items() if len(v) > 1}

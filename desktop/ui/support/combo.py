"""Combo-box item data without None.

PySide6 6.12 on Python 3.11 loses a reference to None each time `currentData()` returns a None item
data; after thousands of keystrokes the interpreter aborted at exit ("none_dealloc"). "All" items
therefore carry the ANY sentinel string, and `data_of()` turns it back into None.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

ANY = "\x00any"


def data_of(combo: QComboBox) -> Any:
    value = combo.currentData()
    return None if value == ANY else value

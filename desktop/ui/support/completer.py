"""A completer that matches without diacritics, anywhere in the text: "vo c" offers "Thôn Võ Cạnh".

Why: officers type village and hamlet names without accents (as the register's search accepts), and often
start from the distinctive word, not "Thôn"/"Tổ"; Qt's own completer matches accents exactly, from the start.
The model keeps each name's folded key (`common.vietnamese.fold`) in a role of its own; the typed text is
folded the same way before matching, and the chosen item puts back the name as written.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter

from common.vietnamese import fold

FOLDED_ROLE = Qt.ItemDataRole.UserRole + 41


class FoldingCompleter(QCompleter):
    """Completes from `names`, accent-free and case-free, matching anywhere."""

    def __init__(self, names: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        model = QStandardItemModel(self)
        for name in names:
            item = QStandardItem(name)
            item.setData(fold(name), FOLDED_ROLE)
            model.appendRow(item)
        self.setModel(model)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt name
        folded = fold(path)
        return [folded + " " if path.endswith(" ") and folded else folded]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt name
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")

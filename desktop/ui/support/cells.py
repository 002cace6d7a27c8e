"""The item at a cell of a table or a tree that this code filled itself.

Qt's `item()` answers None for an empty cell; where our own code put every item, an empty cell is a bug, so
it raises instead of letting `None.text()` fail further away (and mypy sees a real item).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem


def table_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"{table.objectName() or 'table'}: no item at row {row}, column {column}")
    return item


def tree_item(tree: QTreeWidget, index: int) -> QTreeWidgetItem:
    """The top-level item at `index`."""
    item = tree.topLevelItem(index)
    if item is None:
        raise LookupError(f"{tree.objectName() or 'tree'}: no top-level item {index}")
    return item

"""Is a text the code set on screen in the interface's language? Heuristics for the language walk.

Vietnamese screens: no word of an English wordlist and no internal code (a token with `_`, a point code,
a status code). English screens: no Vietnamese letter (the diacritics English never has). Data (names,
villages, addresses, point names, the commune) is exempt: each `data` string is cut out of a text before
it is judged. `texts_of(widget)` gathers what the code sets: labels, buttons, titles, group titles, tab
texts, tooltips, placeholders, menu items, header sections, the status bar and the cells of item views.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Words of English interface text that are not Vietnamese words (so "in", "to", "an" stay out).
ENGLISH = set(["cancel", "close", "yes", "no", "ok", "save", "open", "apply", "help", "reset", "discard", "abort", "retry", "ignore", "defaults", "look", "file", "files", "name", "printer", "options", "print", "properties", "preview", "location", "type", "copies", "collate", "reverse", "pages", "page", "range", "all", "from", "details", "detail", "show", "hide", "error", "warning", "status", "point", "points", "date", "time", "today", "day", "the", "and", "of", "for", "with", "is", "are", "not", "this", "that", "please", "value", "directory", "folder", "new", "back", "forward", "parent", "view", "list", "sidebar", "size", "kind", "modified", "attended", "booked", "captured", "moved", "cancelled", "planned", "done", "activated", "citizen", "citizens", "schedule", "session", "sessions", "slot", "slots", "progress", "queue", "village", "villages", "operator", "supervisor", "report", "reports", "send", "sync", "peers", "peer", "group", "undo", "redo", "cut", "copy", "paste", "delete", "select", "search", "find", "next", "previous", "first", "last", "zoom", "fit", "width", "height", "portrait", "landscape", "paper", "margins", "orientation", "source", "custom", "color", "grayscale", "sided", "off", "selection", "current", "output", "settings", "choose", "rename", "remove", "recent", "places", "computer", "hidden", "unknown", "none", "runtimeerror", "exception", "valueerror", "connect", "command", "run", "step"])

VI_LETTERS = set("àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
                 "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ")

# Words on purpose in the other language: the language menu names each language in itself.
ALWAYS_OK = {"Tiếng &Việt", "Tiếng Việt", "&English", "English", "EnrollPoint"}

_TAG = re.compile(r"<[^>]+>|&nbsp;|&amp;")
_CODE_AFTER_NAME = re.compile(r"\([A-Z0-9]+\)")  # "Trụ sở (TRUSO)": a code beside the name, to tell points apart
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def strip_data(text: str, data: Iterable[str]) -> str:
    """`text` with every data string (longest first) cut out, and markup and mnemonics removed."""
    out = _TAG.sub(" ", text).replace("&", "").replace("\n", " ")  # a table cell's words broken onto lines
    for d in (x.replace("\n", " ") for x in data):
        if d and d in out:
            out = out.replace(d, " ")
    return out


def wrong_words(text: str, lang: str, data: list[str], codes: set[str]) -> list[str]:
    """What in `text` is not in `lang` (empty when it is): English words or codes on a Vietnamese screen,
    Vietnamese letters or codes on an English one."""
    if text.strip() in ALWAYS_OK:
        return []
    rest = _CODE_AFTER_NAME.sub(" ", strip_data(text, data))
    tokens = _TOKEN.findall(rest)
    bad = [t for t in tokens if "_" in t or t in codes]
    if lang == "vi":
        bad += [t for t in tokens if t.lower() in ENGLISH]
    else:
        bad += [ch for ch in rest if ch in VI_LETTERS][:1]
    return bad


def _menu_texts(menu: QMenu) -> Iterator[str]:
    for act in menu.actions():
        yield act.text()
        if act.menu() is not None:
            yield from _menu_texts(act.menu())


def _view_texts(view: QAbstractItemView, max_rows: int) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    root = QModelIndex()
    cols = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    for col in range(cols):
        yield str(model.headerData(col, Qt.Orientation.Horizontal) or "")
    for row in range(min(model.rowCount(root), max_rows)):
        for col in range(cols):
            idx = model.index(row, col)
            yield str(model.data(idx) or "")
            yield str(model.data(idx, Qt.ItemDataRole.ToolTipRole) or "")
            if isinstance(model, QAbstractListModel):
                continue
            for sub in range(min(model.rowCount(idx), 5)):  # a tree's children
                yield str(model.data(model.index(sub, col, idx)) or "")


def texts_of(top: QWidget, max_rows: int = 40) -> list[tuple[str, str]]:
    """(where, text) of every text the code sets on `top` and its visible descendants."""
    out: list[tuple[str, str]] = [(type(top).__name__ + ".windowTitle", top.windowTitle())]
    widgets = [top] + [w for w in top.findChildren(QWidget) if w.isVisibleTo(top)]
    for w in widgets:
        where = f"{type(w).__name__}:{w.objectName()}"
        out.append((where + ".toolTip", w.toolTip()))
        if isinstance(w, QLabel | QAbstractButton):
            out.append((where, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((where, w.title()))
        elif isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit):
            out.append((where + ".placeholder", w.placeholderText()))
        elif isinstance(w, QTabBar):
            out += [(where, w.tabText(i)) for i in range(w.count())]
            out += [(where + ".tabToolTip", w.tabToolTip(i)) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            out += [(where, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView):
            out += [(where, t) for t in _view_texts(w, max_rows)]
    if isinstance(top, QMainWindow):
        for act in top.menuBar().actions():
            out.append(("menu", act.text()))
            if act.menu() is not None:
                out += [("menu", t) for t in _menu_texts(act.menu())]
        out.append(("statusBar", top.statusBar().currentMessage()))
    return [(w, t) for w, t in out if t and t.strip()]


def findings(top: QWidget, lang: str, data: list[str], codes: set[str]) -> list[str]:
    """Every text on `top` that is not in `lang`, as "where: text  [the wrong words]"."""
    out = []
    for where, text in texts_of(top):
        bad = wrong_words(text, lang, data, codes)
        if bad:
            out.append(f"{where}: {text[:120]!r} {bad[:3]}")
    return out

"""Languages of the interface, through Qt's own translation system.

Source strings are Vietnamese (the default language needs no translator at all); English comes from
`i18n/enrollpoint_en.qm`, compiled from `enrollpoint_en.ts` by Qt's `pyside6-lrelease`
(`python -m desktop.ui.i18n.catalog`). Each module makes its translating function with
`_ = translator("Context")`; the catalog's extractor finds those calls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from desktop import paths

LANGUAGES = ("vi", "en")
DEFAULT = "vi"

_installed: list[QTranslator] = []
_current = DEFAULT


def translator(context: str) -> Callable[[str], str]:
    """A `_()` bound to one translation context (PySide's self.tr() breaks under subclassing)."""

    def _(text: str) -> str:
        return QCoreApplication.translate(context, text)

    _.context = context  # type: ignore[attr-defined]
    return _


def qm_path(lang: str) -> Path:
    return paths.translations_dir() / f"enrollpoint_{lang}.qm"


def qt_qm_path(lang: str) -> Path:
    """Qt's own strings (standard buttons, file and print dialogs) in `lang`, where Qt ships none."""
    return paths.translations_dir() / f"qtbase_{lang}.qm"


def install(lang: str) -> str:
    """Make `lang` the interface language of the running QCoreApplication; returns the language used."""
    global _current
    lang = lang if lang in LANGUAGES else DEFAULT
    app = QCoreApplication.instance()
    for t in _installed:
        QCoreApplication.removeTranslator(t)
    _installed.clear()
    if qt_qm_path(lang).exists():  # Qt's "Cancel", "Yes", "Look in:" in Vietnamese
        qt = QTranslator(app)
        if qt.load(str(qt_qm_path(lang))):
            QCoreApplication.installTranslator(qt)
            _installed.append(qt)
    if lang != DEFAULT:
        t = QTranslator(app)
        if t.load(str(qm_path(lang))):
            QCoreApplication.installTranslator(t)
            _installed.append(t)
        else:  # a missing file must not stop the app: fall back to Vietnamese
            lang = DEFAULT
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English))
    _current = lang
    return lang


def current() -> str:
    return _current


def status_label(status: str) -> str:
    """Status labels live in services.statuses in both languages; pick by the current language."""
    from desktop.services.register.statuses import STATUS_LABELS_EN, STATUS_LABELS_VI

    table = STATUS_LABELS_EN if _current == "en" else STATUS_LABELS_VI
    return table.get(status, status)

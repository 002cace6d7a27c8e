"""Every user-facing error raised below the UI carries English words, so the UI's English mode never shows
a Vietnamese refusal.

A constructor call of any `UserError` subclass in services, storage, printing, config and the CLI passes
`en=` (or `msg=`, a `desktop.messages.Message` with both languages); a class whose `__init__` has a default
English text may be called without it. The classes are found by walking `UserError`'s subclasses after
importing those packages, so a new subclass is checked the day it is written.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from desktop.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desktop.services", "desktop.storage", "desktop.printing", "desktop.cli")
MODULES = ("desktop.config",)

# (file relative to the repo, class name) -> why a call there needs no English words. Keep tiny.
ALLOWED: dict[tuple[str, str], str] = {}


def _import_all() -> None:
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.walk_packages(pkg.__path__, name + "."):
            if ".migrations" not in info.name:  # Alembic scripts run only under Alembic
                importlib.import_module(info.name)
    for name in MODULES:
        importlib.import_module(name)


def _subclasses(cls: type) -> set[type]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _subclasses(sub)
    return out


def error_classes() -> dict[str, type]:
    """Every UserError subclass the checked packages can raise, by name."""
    _import_all()
    return {c.__name__: c for c in _subclasses(UserError)}


def _default_english(cls: type) -> bool:
    """The class's own __init__ supplies English words when the caller gives none."""
    param = inspect.signature(cls.__init__).parameters.get("en")
    return param is not None and isinstance(param.default, str) and bool(param.default)


def missing_words(source: str, filename: str, classes: dict[str, type]) -> list[str]:
    """`file:line Class` for each constructor call of a user error without English words."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
        if name not in classes:
            continue
        keywords = {k.arg for k in node.keywords}
        if keywords & {"en", "msg"}:
            continue
        if not node.args and not node.keywords and _default_english(classes[name]):
            continue  # the class's default words, in both languages
        if (filename, name) in ALLOWED:
            continue
        out.append((node.lineno, f"{filename}:{node.lineno} {name}"))
    return [text for _, text in sorted(out)]


def _checked_files() -> list[Path]:
    files = [ROOT / "desktop" / "config.py"]
    for area in ("services", "storage", "printing", "cli"):
        files += [p for p in sorted((ROOT / "desktop" / area).rglob("*.py")) if "migrations" not in p.parts]
    return files


def test_every_user_error_has_english_words() -> None:
    classes = error_classes()
    assert {"ValidationError", "PeerRefused", "UsageError", "BackupFailed", "NothingToPrint"} <= set(classes)
    missing: list[str] = []
    for path in _checked_files():
        rel = path.relative_to(ROOT).as_posix()
        missing += missing_words(path.read_text(encoding="utf-8"), rel, classes)
    assert not missing, "user errors without English words (add en=…):\n" + "\n".join(missing)


def test_planted_violations_are_found() -> None:
    classes = error_classes()
    planted = '''
from desktop.errors import ValidationError
from desktop.services.peer import crypto
def f(x):
    if x:
        raise ValidationError("pin", None, "Mã PIN phải gồm 4 đến 8 chữ số.")
    raise crypto.PeerRefused("Tệp đồng bộ quá lớn")
def g():
    raise ValidationError("pin", None, "Mã PIN sai.", en="Wrong PIN.")
'''
    assert missing_words(planted, "planted.py", classes) == [
        "planted.py:6 ValidationError", "planted.py:7 PeerRefused"]


def test_a_subclass_with_default_words_passes_only_when_its_default_is_english() -> None:
    classes = error_classes()
    assert missing_words("NothingToPrint()\nImportCancelled()\n", "d.py", classes) == []
    # A subclass written tomorrow without a default English text is caught when called bare.
    class Bare(UserError):
        def __init__(self, message: str = "Không có gì") -> None:
            super().__init__(message)

    assert missing_words("Bare()\n", "d.py", {**classes, "Bare": Bare}) == ["d.py:1 Bare"]


def test_a_real_refusal_has_both_languages() -> None:
    """What the check asks for is what the UI reads: `words("en")` gives English, `words("vi")` Vietnamese."""
    from desktop.errors import ValidationError
    from desktop.services.auth import check_pin_format

    try:
        check_pin_format("12")
    except ValidationError as exc:
        assert exc.words("en") == "The PIN must be 4 to 8 digits."
        assert exc.words("vi") == "Mã PIN phải gồm 4 đến 8 chữ số."
    else:
        raise AssertionError("a two-digit PIN was accepted")

"""The indicators are defined once (sync/indicators.py): no other module may list them as a literal — a tuple,
list, set or dict naming three or more indicator keys — except the few places below, each for a reason that
is not "the list of indicators". A new such literal fails here: iterate `sync.indicators` instead."""

from __future__ import annotations

import ast
from pathlib import Path

from sync import indicators

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "province", "sync", "common", "paper")
ALLOWED = {
    "sync/daycode.py": "frozen layouts of day-code format versions (history, like a migration)",
    "desktop/services/register/status_rules.py": "the words of every status event, not the indicators",
    "desktop/ui/support/labels.py": "the UI's words of every status event",
    "desktop/services/scheduling/checkin.py": "the check-in actions (status events)",
    "desktop/services/demo.py": "demo event histories and demo targets",
    "desktop/services/peer/merge.py": "capture events two laptops must not both record (a peer conflict)",
    "desktop/ui/views/progress.py": "Qt-translated words of the known indicators; others fall back to the registry",
    "desktop/ui/dialogs/day_code.py": "Qt-translated words of the known indicators; others fall back to the registry",
}


def _literals(path: Path) -> list[int]:
    keys = set(indicators.KEYS)
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        else:
            continue
        named = {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)} & keys
        if len(named) >= 3:
            lines.append(node.lineno)
    return lines


def test_only_the_registry_lists_the_indicators() -> None:
    found: dict[str, list[int]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/versions/" in rel:  # frozen history
                continue
            lines = _literals(path)
            if lines:
                found[rel] = lines
    stray = {f: n for f, n in found.items() if f not in ALLOWED}
    assert not stray, f"indicator keys listed outside sync/indicators.py (iterate the registry instead): {stray}"
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"no longer list the indicators, take them off ALLOWED: {stale}"

"""The rules between the parts hold, and the checks of them fail when a rule is broken.

`lint-imports` reads the contracts in pyproject.toml ([tool.importlinter]); each contract is shown to
catch a violation planted in a copy of the tree. Import cycles between modules (function-level imports
included, `if TYPE_CHECKING:` ones not) are found with grimp, the graph import-linter is built on.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "sync", "province", "common", "paper")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, env=env, capture_output=True, text=True,
                          timeout=120)


def _copy_tree(tmp_path: Path) -> Path:
    dst = tmp_path / "tree"
    dst.mkdir()
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dst / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.ttf", "*.csv"))
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")
    return dst


def import_cycles(*packages: str) -> list[list[str]]:
    """Strongly connected groups of more than one module in the import graph (Tarjan, iterative)."""
    graph = grimp.build_graph(*packages, exclude_type_checking_imports=True)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            nxt = next((m for m in it if m in edges), None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    group.append(m)
                    if m == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _is_package_init_edge(a: str, b: str) -> bool:
    """`desktop.x` importing its parent package `desktop` is Python's own doing, not a design cycle."""
    return a.startswith(b + ".") or b.startswith(a + ".")


def test_the_repository_keeps_every_contract():
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    assert "BROKEN" not in out.stdout and f"{len(contracts)} kept, 0 broken" in out.stdout


VIOLATIONS = {
    "Qt only in desktop.ui and desktop.app": ("desktop/services/_planted.py", "import PySide6.QtCore\n"),
    "The UI never builds SQL": ("desktop/ui/_planted.py", "import sqlalchemy\n"),
    "sync imports neither the desktop app nor the hub": ("sync/_planted.py", "import desktop.errors\n"),
    "The hub imports nothing of the desktop app": ("province/_planted.py", "from desktop import paths\n"),
    "common holds pure rules": ("common/_planted.py", "import sqlalchemy\n"),
    "paper imports neither program": ("paper/_planted.py", "from desktop.printing import text\n"),
    "Desktop layers": ("desktop/storage/_planted.py", "def f():\n    from desktop.services.due import rules\n"),
    # the register is the bottom area: it may not reach up into the due rules
    "Services by area": ("desktop/services/register/_planted.py", "from desktop.services.due import rules\n"),
    # siblings on one line are independent: peer sync knows nothing of the due rules
    "an area imports only the areas below it": ("desktop/services/peer/_planted.py",
                                                "from desktop.services.due import rules\n"),
}


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_fails_on_a_planted_violation(tmp_path, contract):
    tree = _copy_tree(tmp_path)
    rel, code = VIOLATIONS[contract]
    (tree / rel).write_text(code, encoding="utf-8")
    out = _lint(tree)
    assert out.returncode != 0
    broken = out.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken and "_planted" in broken


def test_no_import_cycles_between_modules():
    cycles = [g for g in import_cycles(*PACKAGES)
              if not all(_is_package_init_edge(a, b) for a in g for b in g if a != b)]
    assert cycles == []


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    tree = tmp_path / "tree"
    pkg = tree / "planted"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from planted import b\n")  # hidden in a function
    (pkg / "b.py").write_text("from planted import c\n")
    (pkg / "c.py").write_text("import planted.a\n")
    sys.path.insert(0, str(tree))
    try:
        assert import_cycles("planted") == [["planted.a", "planted.b", "planted.c"]]
    finally:
        sys.path.remove(str(tree))
        for m in [m for m in sys.modules if m == "planted" or m.startswith("planted.")]:
            del sys.modules[m]


_SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b.+\bSET|DELETE\s+FROM)\b", re.I | re.S)


def sql_strings(folder: Path) -> list[str]:
    """`file:line` of every string literal in `folder` that reads as SQL."""
    found = []
    for f in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
                found.append(f"{f.relative_to(folder)}:{node.lineno}")
    return found


def test_no_sql_text_in_the_ui(tmp_path):
    assert sql_strings(ROOT / "desktop" / "ui") == []
    (tmp_path / "w.py").write_text('q = "select id from citizens where x = 1"\n')
    assert sql_strings(tmp_path) == ["w.py:1"]


def _test_modules_imported_by(path: Path) -> list[str]:
    """Modules named like tests (`test_*`, `conftest`) that a file imports, relative imports included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        found += [n for n in names if any(p.startswith("test_") or p == "conftest" for p in n.split(".") if p)]
    return found


def test_no_test_imports_another_test_module():
    """Shared helpers live in tests/support; a test module or conftest is never imported by another file."""
    offenders = {str(p.relative_to(ROOT)): mods for p in sorted((ROOT / "tests").rglob("*.py"))
                 if (mods := _test_modules_imported_by(p))}
    assert offenders == {}


def test_the_test_import_check_finds_a_planted_import(tmp_path):
    planted = tmp_path / "test_planted.py"
    planted.write_text("from .test_day import slot_children\nimport tests.desktop.ui.conftest\n", encoding="utf-8")
    assert _test_modules_imported_by(planted) == [".test_day", ".test_day.slot_children", "tests.desktop.ui.conftest"]


MAX_SERVICE_FUNCTION_LINES = 60


def long_functions(root: Path, limit: int = MAX_SERVICE_FUNCTION_LINES) -> list[str]:
    """`path:function (lines)` of every function or method over `limit` lines under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{node.name} ({lines})")
    return found


def test_no_function_in_the_services_is_over_60_lines():
    """A newcomer reads a service function on one screen; longer ones are split into named steps."""
    assert long_functions(ROOT / "desktop" / "services") == []


def test_the_length_check_finds_a_planted_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_SERVICE_FUNCTION_LINES))
    (tmp_path / "planted.py").write_text(f"def long():\n{body}\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert long_functions(tmp_path) == [f"planted.py:long ({MAX_SERVICE_FUNCTION_LINES + 1})"]
    finally:
        ROOT = saved


def settings_key_definitions(root: Path) -> list[tuple[str, str, str]]:
    """(file, name, value) of every `KEY_* = "text"` assignment under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                found += [(path.relative_to(root).as_posix(), t.id, node.value.value) for t in node.targets
                          if isinstance(t, ast.Name) and t.id.startswith("KEY_")]
    return found


def test_every_settings_key_is_defined_once_in_the_registry():
    """One name never means two settings (hub and peer device ids were both KEY_DEVICE_ID) and one setting never
    has two names: desktop/settings_keys.py is the only place a settings key is spelled."""
    defs = settings_key_definitions(ROOT / "desktop")
    assert [d for d in defs if d[0] != "settings_keys.py"] == []
    values = [value for _f, _n, value in defs]
    assert len(values) == len(set(values)) > 20


def test_the_settings_key_check_finds_a_planted_definition(tmp_path):
    (tmp_path / "settings_keys.py").write_text('KEY_A = "a.b"\n', encoding="utf-8")
    (tmp_path / "elsewhere.py").write_text('KEY_B = "a.c"\nKEY_BYTES = 32\n', encoding="utf-8")
    assert settings_key_definitions(tmp_path) == [("elsewhere.py", "KEY_B", "a.c"), ("settings_keys.py", "KEY_A", "a.b")]

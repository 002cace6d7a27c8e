"""The hand-written maps of the code say what exists, and no source file points at a tracker we do not ship.

A newcomer reads the README's "Architecture", docs/DEVELOPING.md's services table, docs/ui.md's tree and each
package's `__init__` docstring to find where a thing lives; written by hand, they drift as modules are added
or moved. These tests name each module that is missing from its page and each reference to a file or a
dotted name that is gone. Where a module is named (docs/DEVELOPING.md, "Where modules are named"):

- every package's `__init__` names each of its modules and subpackages, in its docstring or by importing it;
- every module has an area page that names it (`AREA_PAGES`, most specific prefix first);
- README "Architecture" names every top-level package, `tests/support/`, and each child of `desktop/`,
  `desktop/services/`, `desktop/ui/`, `common/`, `paper/` and `sync/`.

A name counts when it appears inside backticks, in a fenced block (the trees) or as part of a path
(`…/name.py`): a word in running prose does not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop", "sync", "province", "common", "paper")
SOURCE_DIRS = (*PACKAGES, "tests", "bench", "scripts", "installer")

# Module path prefix → the page that must name each module under it; the first match wins.
AREA_PAGES: tuple[tuple[str, str], ...] = (
    ("desktop/services/peer/", "docs/peer-sync.md"),
    ("desktop/services/", "docs/DEVELOPING.md"),
    ("desktop/ui/", "docs/ui.md"),
    ("desktop/", "docs/DEVELOPING.md"),
    ("province/", "docs/hub.md"),
    ("sync/", "docs/sync.md"),
    ("common/", "README.md#Architecture"),
    ("paper/", "README.md#Architecture"),
)
README_CHILDREN_OF = ("desktop", "desktop/services", "desktop/ui", "common", "paper", "sync")

# A path of ours in the docs (`desktop/storage/connect.py`); placeholders such as `000N_<name>.py` or
# `*_cmds.py` do not match, as they stop at the first character that is not part of a file name.
PATH_REF = re.compile(r"(?<![\w/.-])((?:desktop|province|sync|common|paper|tests|bench|scripts|installer)"
                      r"/[\w./-]*?\.py)(?![\w*<])")
DOTTED_REF = re.compile(r"`((?:desktop|province|sync|common|paper)(?:\.\w+)+)(?:\([^`]*\))?`")
# A path written from inside a package (`services/peer/lan.py`, `ui/operations/sync.py`): it must exist below
# one of the folders it may be read from.
RELATIVE_REF = re.compile(r"(?<![\w/.-])((?:services|ui|storage|cli|printing|models|dashboard|peer|importer|"
                          r"scheduling|figures|due|register|documents|province_link|operations|views|dialogs|"
                          r"actions|support|migrations)/[\w./-]*?\.py)(?![\w*<])")
RELATIVE_BASES = ("desktop", "desktop/services", "desktop/ui", "province", "tests", "tests/desktop")
BARE_FILE_REF = re.compile(r"(?<![\w*<>-])((?:test|bench)_\w+\.py)\b")
FILE_SUFFIXES = {"md", "py", "txt", "toml", "csv", "json", "xlsx", "pdf", "epb", "epp"}
ISSUE_REF = re.compile(r"\bissues? (?:no\.? ?)?\d+|(?<!&)#\d{1,3}\b(?!\w)|\bitems? \d+ of issue", re.IGNORECASE)


def _is_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "versions" not in parts and "__pycache__" not in parts and not (
        "migrations" in parts and path.name == "env.py")


def _packages() -> Iterator[Path]:
    for top in PACKAGES:
        for init in sorted((ROOT / top).rglob("__init__.py")):
            if _is_module(init):
                yield init.parent


def _children(package: Path) -> list[str]:
    """Modules and subpackages directly inside `package` (not `__init__`, not data folders)."""
    names = [p.stem for p in package.glob("*.py") if p.name != "__init__.py" and _is_module(p)]
    names += [p.name for p in package.iterdir() if (p / "__init__.py").is_file() and _is_module(p / "__init__.py")]
    return sorted(names)


def _modules() -> Iterator[Path]:
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.name != "__init__.py" and _is_module(path):
                yield path


def _named(text: str) -> set[str]:
    """The names a text mentions as code: inside backticks, in fenced blocks, in paths."""
    spans = re.findall(r"```.*?```", text, flags=re.S)
    rest = re.sub(r"```.*?```", " ", text, flags=re.S)
    spans += re.findall(r"`([^`\n]+)`", rest)
    spans += re.findall(r"[\w./-]+/[\w.-]*", rest)
    return {word for span in spans for word in re.findall(r"\w+", span)}


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$(.*?)(?=^#{{1,2}} |\Z)", text, flags=re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(2)


def _page(spec: str) -> str:
    name, _, heading = spec.partition("#")
    text = (ROOT / name).read_text(encoding="utf-8")
    return _section(text, heading) if heading else text


def _doc_pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _imported_children(tree: ast.Module) -> set[str]:
    """Children an `__init__` imports (`from .x import …`, `from pkg import x, y`): the code is the list."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level and node.module:
                names.add(node.module.split(".")[0])
            names |= {alias.name for alias in node.names}
    return names


def test_every_package_init_names_its_modules() -> None:
    missing = []
    for package in _packages():
        tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
        named = _named(ast.get_docstring(tree) or "") | _imported_children(tree)
        missing += [f"{package.relative_to(ROOT)}/__init__.py: `{child}`"
                    for child in _children(package) if child not in named]
    assert not missing, "package docstrings that do not name a module of theirs:\n" + "\n".join(missing)


def test_every_module_is_named_on_its_area_page() -> None:
    pages: dict[str, set[str]] = {}
    missing = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        spec = next(page for prefix, page in AREA_PAGES if rel.startswith(prefix))
        named = pages.setdefault(spec, _named(_page(spec)))
        if path.stem not in named:
            missing.append(f"{rel} is not named on {spec}")
    assert not missing, "\n".join(missing)


def test_readme_architecture_draws_the_packages() -> None:
    named = _named(_page("README.md#Architecture"))
    wanted = [*PACKAGES, "support", "settings_keys", "messages"]
    for parent in README_CHILDREN_OF:
        wanted += _children(ROOT / parent)
    missing = sorted({name for name in wanted if name not in named})
    assert not missing, f"README 'Architecture' does not name: {missing}"


def test_paths_in_the_docs_exist() -> None:
    stale = [f"{page.relative_to(ROOT)}: {ref}"
             for page in _doc_pages()
             for ref in PATH_REF.findall(page.read_text(encoding="utf-8"))
             if not (ROOT / ref).is_file()]
    assert not stale, "references to files that do not exist:\n" + "\n".join(stale)


def test_relative_paths_in_the_docs_exist() -> None:
    stale = [f"{page.relative_to(ROOT)}: {ref}"
             for page in _doc_pages()
             for ref in RELATIVE_REF.findall(page.read_text(encoding="utf-8"))
             if not any((ROOT / base / ref).is_file() for base in RELATIVE_BASES)]
    assert not stale, "relative references to files that do not exist:\n" + "\n".join(stale)


def test_test_and_bench_files_named_in_the_docs_exist() -> None:
    """A test or bench named by its file alone (`test_totals.py`) still has to be somewhere in the tree."""
    files = {path.name for top in ("tests", "bench") for path in (ROOT / top).rglob("*.py")}
    stale = [f"{page.relative_to(ROOT)}: {name}"
             for page in _doc_pages()
             for name in BARE_FILE_REF.findall(page.read_text(encoding="utf-8"))
             if name not in files]
    assert not stale, "tests or benches that do not exist:\n" + "\n".join(stale)


def _top_level_names(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _settings_keys() -> set[str]:
    """The settings table's keys (`sync.auto_send`): dotted too, but names of settings, not of code."""
    tree = ast.parse((ROOT / "desktop/settings_keys.py").read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _resolves(dotted: str) -> bool:
    """`a.b.c` is a module or package, or a module's top-level name (and an attribute of it)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        module = base / "__init__.py" if (base / "__init__.py").is_file() else base.with_suffix(".py")
        if not module.is_file():
            continue
        rest = parts[cut:]
        return not rest or (len(rest) <= 2 and rest[0] in _top_level_names(module))
    return False


def test_dotted_names_in_the_docs_exist() -> None:
    settings = _settings_keys()
    stale = [f"{page.relative_to(ROOT)}: {ref}"
             for page in _doc_pages()
             for ref in DOTTED_REF.findall(page.read_text(encoding="utf-8"))
             if ref.rsplit(".", 1)[-1] not in FILE_SUFFIXES and ref not in settings and not _resolves(ref)]
    assert not stale, "dotted names that no longer exist:\n" + "\n".join(stale)


def _python_files() -> Iterator[Path]:
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path


def test_no_source_file_points_at_an_issue_number() -> None:
    """The tracker is not in the repository: a comment says the reason itself (or docs/decisions.md does)."""
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in _python_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ISSUE_REF.search(line) and path.name != "test_docs.py"]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("text", "found"), [
    ("# the bug of issue 10", True), ('"""Issue 18 §1: a dead laptop"""', True), ("# not the hostname (#20)", True),
    ("# two issues remain", False), ("color = '#20a0ff'", False), ("# see docs/decisions.md", False),
])
def test_issue_pattern_finds_what_it_should(text: str, found: bool) -> None:
    assert bool(ISSUE_REF.search(text)) is found


def test_stale_references_are_caught() -> None:
    """The checks above fail on what they are meant to catch (a planted stale path and dotted name)."""
    assert PATH_REF.findall("see `desktop/db.py` and desktop/storage/connect.py.") == [
        "desktop/db.py", "desktop/storage/connect.py"]
    assert not (ROOT / "desktop/db.py").exists()
    assert RELATIVE_REF.findall("(services/indicators.py, `ui/views/queue.py`)") == [
        "services/indicators.py", "ui/views/queue.py"]
    assert not _resolves("desktop.db.connect_keyed")
    assert DOTTED_REF.findall("uses `desktop.db.connect_keyed(path, key)`") == ["desktop.db.connect_keyed"]
    assert _resolves("desktop.storage.connect") and _resolves("desktop.storage.connect.driver_connection")
    assert "rows" in _named("| `rows` | the row |") and "rows" not in _named("the rows of a table")

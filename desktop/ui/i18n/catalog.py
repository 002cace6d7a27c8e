"""The interface's translations: keep the .ts in step with the code and compile it with Qt's own tools.

Source strings are Vietnamese, written as `_("…")` after `_ = translator("Context")`
(desktop/ui/support/lang.py). `pyside6-lupdate` cannot see a context held in a variable, so `extract()`
finds the (context, text) pairs with Python's parser and hands them to lupdate as
`QCoreApplication.translate("Context", "…")` calls; lupdate merges them into the .ts (translations kept,
new strings marked unfinished, strings the code dropped removed) and `pyside6-lrelease` compiles the
finished translations into the .qm the app loads. Both tools ship with PySide6-Essentials. The .ts is the
source of truth; the .qm is committed (a frozen or wheel install has no Qt tools) and
tests/ui/test_translations.py checks that it is lrelease's output of the .ts.

    python -m desktop.ui.i18n.catalog            # update the .ts from the code, then compile the .qm
    python -m desktop.ui.i18n.catalog --check    # exit 1 if a string is untranslated or a file is stale

It also writes `qtbase_vi.ts` from `qt_strings` (the Vietnamese of the strings Qt itself draws) and
compiles it into `qtbase_vi.qm`.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from desktop.ui.i18n import qt_strings

HERE = Path(__file__).resolve().parent
UI_DIR = HERE.parent
APP_FILE = UI_DIR.parent / "app.py"
SOURCE_LANGUAGE = "vi"

Pair = tuple[str, str]  # (context, Vietnamese source text)


def extract(files: list[Path]) -> list[Pair]:
    """(context, source) of every `f("literal")` where `f = translator("Context")`, in order of appearance."""
    found: list[Pair] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: dict[str, str] = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", getattr(node.value.func, "attr", "")) == "translator"
                and node.value.args
                and isinstance(node.value.args[0], ast.Constant)
                and isinstance(node.value.args[0].value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names[target.id] = node.value.args[0].value
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                pair = (names[node.func.id], node.args[0].value)
                if pair not in found:
                    found.append(pair)
    return found


def source_files(ui_dir: Path = UI_DIR) -> list[Path]:
    """Every module of the UI (not the translations themselves) and desktop/app.py."""
    files = sorted(p for p in ui_dir.rglob("*.py") if "i18n" not in p.relative_to(ui_dir).parts)
    if ui_dir == UI_DIR and APP_FILE.exists():
        files.append(APP_FILE)
    return files


def _literal(text: str) -> str:
    """A double-quoted Python literal that lupdate's tokenizer reads back as `text` (UTF-8 kept as is)."""
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(raw, escaped)
    return f'"{text}"'


def lupdate_source(pairs: list[Pair]) -> str:
    """The pairs as Python that lupdate understands: one `QCoreApplication.translate(ctx, text)` a line."""
    lines = [f"QCoreApplication.translate({_literal(ctx)}, {_literal(src)})" for ctx, src in pairs]
    return "from PySide6.QtCore import QCoreApplication\n\n" + "\n".join(lines) + "\n"


def qt_tool(name: str) -> str:
    """The `pyside6-<name>` console script of this interpreter's environment (or the one on PATH)."""
    script = f"pyside6-{name}"
    found = shutil.which(script, path=str(Path(sys.executable).parent)) or shutil.which(script)
    if found is None:
        raise SystemExit(f"{script} not found: it ships with PySide6-Essentials (make test installs it)")
    return found


def update_ts(ts: Path, pairs: list[Pair], lang: str) -> None:
    """Merge the pairs into `ts` with lupdate: existing translations kept, vanished strings dropped."""
    with tempfile.TemporaryDirectory() as tmp:
        shim = Path(tmp) / "strings.py"
        shim.write_text(lupdate_source(pairs), encoding="utf-8")
        subprocess.run(
            [qt_tool("lupdate"), "-silent", "-locations", "none", "-no-obsolete",
             "-source-language", SOURCE_LANGUAGE, "-target-language", lang, str(shim), "-ts", str(ts)],
            check=True,
        )


def compile_qm(ts: Path, qm: Path) -> None:
    """lrelease of the finished translations (an unfinished one, e.g. guessed by lupdate, stays out)."""
    subprocess.run([qt_tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)], check=True)


def read_ts(ts: Path) -> dict[Pair, str]:
    """Every message of the .ts with its finished translation ("" while unfinished)."""
    out: dict[Pair, str] = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            finished = tr is not None and tr.get("type") is None
            out[(name, msg.findtext("source") or "")] = (tr.text or "") if finished and tr is not None else ""
    return out


def problems(ts: Path, qm: Path, pairs: list[Pair]) -> list[str]:
    """What makes the committed .ts/.qm not match the code: stale or untranslated strings, a stale .qm."""
    known = read_ts(ts)
    out = [f"untranslated: {ctx}: {src}" for ctx, src in pairs if not known.get((ctx, src))]
    out += [f"not in the code any more: {ctx}: {src}" for ctx, src in known if (ctx, src) not in set(pairs)]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / qm.name
        compile_qm(ts, fresh)
        if not qm.exists() or qm.read_bytes() != fresh.read_bytes():
            out.append(f"{qm.name} is not lrelease's output of {ts.name}")
    return out


def qt_problems() -> list[str]:
    """The Qt strings' .ts/.qm not what `qt_strings` and lrelease make of it."""
    with tempfile.TemporaryDirectory() as tmp:
        ts, qm = Path(tmp) / qt_strings.TS.name, Path(tmp) / qt_strings.QM.name
        qt_strings.write_ts(ts)
        compile_qm(ts, qm)
        if not qt_strings.TS.exists() or qt_strings.TS.read_bytes() != ts.read_bytes():
            return [f"{ts.name} is not what qt_strings.py writes"]
        if not qt_strings.QM.exists() or qt_strings.QM.read_bytes() != qm.read_bytes():
            return [f"{qm.name} is not lrelease's output of {ts.name}"]
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 on any problem")
    args = ap.parse_args(argv)
    ts, qm = HERE / f"enrollpoint_{args.lang}.ts", HERE / f"enrollpoint_{args.lang}.qm"
    pairs = extract(source_files())
    if not args.check:
        update_ts(ts, pairs, args.lang)
        compile_qm(ts, qm)
        qt_strings.write_ts()
        compile_qm(qt_strings.TS, qt_strings.QM)
    found = problems(ts, qm, pairs) + qt_problems()
    for line in found:
        print(line)
    print(f"{len(pairs)} strings, {sum(1 for p in found if p.startswith('untranslated'))} untranslated")
    return 1 if (args.check and found) else 0


if __name__ == "__main__":
    sys.exit(main())

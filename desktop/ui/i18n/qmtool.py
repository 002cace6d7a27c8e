"""Extract, merge and compile the interface translations without Qt's Linguist tools.

PySide6-Essentials ships no `lrelease` binary, so this writes Qt's documented .qm layout itself (magic,
a hash table of ELF hashes of the source text, message records with context, source and UTF-16BE
translation). Usage:

    python -m desktop.ui.i18n.qmtool            # update enrollpoint_en.ts from the code, then compile .qm
    python -m desktop.ui.i18n.qmtool --check    # exit 1 when a string has no translation
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI_DIR = HERE.parent
APP_FILE = UI_DIR.parent / "app.py"
MAGIC = bytes([0x3C, 0xB8, 0x64, 0x18, 0xCA, 0xEF, 0x9C, 0x95, 0xCD, 0x21, 0x1C, 0xBF, 0x60, 0xA1, 0xBD, 0xDD])
TAG_HASHES, TAG_MESSAGES, TAG_LANGUAGE = 0x42, 0x69, 0xA7
T_END, T_TRANSLATION, T_SOURCE, T_CONTEXT = 1, 3, 6, 7

Messages = dict[tuple[str, str], str]  # (context, source) -> translation ("" = untranslated)


def extract(files: list[Path]) -> list[tuple[str, str]]:
    """(context, source) pairs of every `f("literal")` where `f = translator("Context")`."""
    found: list[tuple[str, str]] = []
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


def source_files() -> list[Path]:
    files = sorted(p for p in UI_DIR.rglob("*.py") if "i18n" not in p.parts)
    if APP_FILE.exists():
        files.append(APP_FILE)
    return files


def read_ts(path: Path) -> Messages:
    out: Messages = {}
    if not path.exists():
        return out
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            text = "" if tr is None or tr.get("type") in ("unfinished", "obsolete") else (tr.text or "")
            out[(name, msg.findtext("source") or "")] = text
    return out


def write_ts(path: Path, lang: str, pairs: list[tuple[str, str]], known: Messages) -> None:
    root = ET.Element("TS", version="2.1", language=lang, sourcelanguage="vi")
    by_ctx: dict[str, list[str]] = {}
    for ctx, src in pairs:
        by_ctx.setdefault(ctx, []).append(src)
    for ctx in sorted(by_ctx):
        c = ET.SubElement(root, "context")
        ET.SubElement(c, "name").text = ctx
        for src in by_ctx[ctx]:
            m = ET.SubElement(c, "message")
            ET.SubElement(m, "source").text = src
            t = ET.SubElement(m, "translation")
            text = known.get((ctx, src), "")
            if text:
                t.text = text
            else:
                t.set("type", "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def elf_hash(data: bytes) -> int:
    h = 0
    for b in data:
        h = ((h << 4) + b) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h or 1


def compile_qm(messages: Messages, lang: str) -> bytes:
    """The .qm bytes QTranslator.load() accepts (translated messages only)."""
    records = bytearray()
    hashes: list[tuple[int, int]] = []
    for (ctx, src), text in messages.items():
        if not text:
            continue
        hashes.append((elf_hash(src.encode("utf-8")), len(records)))
        tr = text.encode("utf-16-be")
        s = src.encode("utf-8")
        c = ctx.encode("utf-8")
        records += bytes([T_TRANSLATION]) + struct.pack(">I", len(tr)) + tr
        records += bytes([T_SOURCE]) + struct.pack(">I", len(s)) + s
        records += bytes([T_CONTEXT]) + struct.pack(">I", len(c)) + c
        records += bytes([T_END])
    hashes.sort()
    table = b"".join(struct.pack(">II", h, off) for h, off in hashes)
    lang_b = lang.encode("ascii")
    out = bytearray(MAGIC)
    out += bytes([TAG_LANGUAGE]) + struct.pack(">I", len(lang_b)) + lang_b
    out += bytes([TAG_HASHES]) + struct.pack(">I", len(table)) + table
    out += bytes([TAG_MESSAGES]) + struct.pack(">I", len(records)) + records
    return bytes(out)


def build(lang: str = "en", update: bool = True) -> tuple[int, int]:
    """Update the .ts from the code (keeping translations), write the .qm; returns (total, missing)."""
    ts = HERE / f"enrollpoint_{lang}.ts"
    known = read_ts(ts)
    pairs = extract(source_files()) if update else list(known)
    if update:
        write_ts(ts, lang, pairs, known)
    msgs = {p: known.get(p, "") for p in pairs}
    (HERE / f"enrollpoint_{lang}.qm").write_bytes(compile_qm(msgs, lang))
    missing = [p for p, t in msgs.items() if not t]
    return len(msgs), len(missing)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    if args.check:
        known = read_ts(HERE / f"enrollpoint_{args.lang}.ts")
        missing = [p for p in extract(source_files()) if not known.get(p)]
        for ctx, src in missing:
            print(f"{ctx}: {src}")
        return 1 if missing else 0
    total, untranslated = build(args.lang)
    print(f"{total} strings, {untranslated} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

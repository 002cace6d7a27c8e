"""Fill untranslated messages of a .ts from a {source: translation} table (a helper for translators).

    python -m desktop.ui.i18n.fill table.py     # table.py defines EN = {...}
"""

from __future__ import annotations

import runpy
import sys

from desktop.ui.i18n import qmtool


def fill(table: dict[str, str], lang: str = "en") -> int:
    ts = qmtool.HERE / f"enrollpoint_{lang}.ts"
    known = qmtool.read_ts(ts)
    pairs = qmtool.extract(qmtool.source_files())
    for pair in pairs:
        if not known.get(pair) and pair[1] in table:
            known[pair] = table[pair[1]]
    qmtool.write_ts(ts, lang, pairs, known)
    return qmtool.build(lang)[1]


if __name__ == "__main__":
    print("untranslated:", fill(runpy.run_path(sys.argv[1])["EN"]))

"""The English translation: the .ts matches the code, the committed .qm is Qt's lrelease output of it, and
the lupdate/lrelease round trip keeps translations, marks new strings and drops vanished ones."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator

from desktop.ui.i18n import catalog

TS = catalog.HERE / "enrollpoint_en.ts"
QM = catalog.HERE / "enrollpoint_en.qm"
FIX = "run: python -m desktop.ui.i18n.catalog, translate what it lists in the .ts (pyside6-linguist), run it again"


def test_the_ts_holds_exactly_the_strings_of_the_code_each_translated() -> None:
    pairs = catalog.extract(catalog.source_files())
    known = catalog.read_ts(TS)
    assert len(pairs) > 400  # the extractor sees the UI (a broken one would pass the checks below empty)
    untranslated = [f"{ctx}: {src}" for ctx, src in pairs if not known.get((ctx, src))]
    assert untranslated == [], FIX + "\n" + "\n".join(untranslated)
    assert set(known) == set(pairs), FIX


def test_the_committed_qm_is_lreleases_output_of_the_ts(tmp_path: Path) -> None:
    fresh = tmp_path / QM.name
    catalog.compile_qm(TS, fresh)
    assert QM.read_bytes() == fresh.read_bytes(), FIX


def test_the_committed_qm_translates_every_string_of_the_ts() -> None:
    qm = QTranslator()
    assert qm.load(str(QM))
    wrong = [(c, s, t) for (c, s), t in catalog.read_ts(TS).items() if qm.translate(c, s) != t]
    assert wrong == []


def _translate(ts: Path, context: str, source: str, text: str) -> None:
    """What a translator does in Linguist: fill the message and mark it finished."""
    tree = ET.parse(ts)
    for ctx in tree.getroot().iter("context"):
        for msg in ctx.iter("message"):
            if ctx.findtext("name") == context and msg.findtext("source") == source:
                tr = msg.find("translation")
                assert tr is not None
                tr.text = text
                tr.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def _ui(tmp_path: Path, body: str) -> list[catalog.Pair]:
    ui = tmp_path / "ui"
    ui.mkdir(exist_ok=True)
    (ui / "view.py").write_text(
        'from desktop.ui.support.lang import translator\n\n_ = translator("DemoView")\n\n' + body, encoding="utf-8"
    )
    return catalog.extract(catalog.source_files(ui))


def test_update_keeps_translations_marks_new_strings_and_drops_vanished_ones(tmp_path: Path) -> None:
    ts, qm = tmp_path / "demo_en.ts", tmp_path / "demo_en.qm"
    multi = 'Dòng một\nDòng "hai" \\ ba'
    pairs = _ui(tmp_path, 'A = _("Xin chào")\nB = _("Tạm biệt")\nC = _("Dòng một\\nDòng \\"hai\\" \\\\ ba")\n')
    assert pairs == [("DemoView", "Xin chào"), ("DemoView", "Tạm biệt"), ("DemoView", multi)]
    catalog.update_ts(ts, pairs, "en")
    assert catalog.read_ts(ts) == dict.fromkeys(pairs, "")  # new: all unfinished
    _translate(ts, "DemoView", "Xin chào", "Hello")
    _translate(ts, "DemoView", multi, 'Line one\nLine "two" \\ three')

    pairs = _ui(tmp_path, 'A = _("Xin chào")\nC = _("Dòng một\\nDòng \\"hai\\" \\\\ ba")\nD = _("Mới")\n')
    catalog.update_ts(ts, pairs, "en")
    assert catalog.read_ts(ts) == {
        ("DemoView", "Xin chào"): "Hello",
        ("DemoView", multi): 'Line one\nLine "two" \\ three',
        ("DemoView", "Mới"): "",
    }
    assert [p.split(":")[0] for p in catalog.problems(ts, qm, pairs)] == ["untranslated", "demo_en.qm is not lrelease's output of demo_en.ts"]

    catalog.compile_qm(ts, qm)
    loaded = QTranslator()
    assert loaded.load(str(qm))
    assert loaded.translate("DemoView", "Xin chào") == "Hello"
    assert loaded.translate("DemoView", multi) == 'Line one\nLine "two" \\ three'
    assert loaded.translate("DemoView", "Mới") == ""  # unfinished: not shipped, the app shows the Vietnamese
    assert loaded.translate("OtherView", "Xin chào") == ""  # contexts stay apart
    assert [p.split(":")[0] for p in catalog.problems(ts, qm, pairs)] == ["untranslated"]

"""The one Vietnamese-capable font shipped with the app (Be Vietnam Pro, OFL; licence in fonts/OFL.txt).

The 14 standard PDF fonts have no Vietnamese letters, so every document registers these TTFs (embedded
as subsets, with a ToUnicode map, so copy-paste and text extraction give the real letters back).
Nothing here reads outside the package: `fonts_dir()` also works in the frozen (PyInstaller) bundle, which
ships the files under `paper/fonts/`.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "EPSans"
BOLD = "EPSans-Bold"
FONT_FILES = {REGULAR: "BeVietnamPro-Regular.ttf", BOLD: "BeVietnamPro-Bold.ttf"}
LICENCE_FILE = "OFL.txt"



def fonts_dir() -> Path:
    """The folder of the TTFs and their licence, in a source tree, an installed wheel or a frozen bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "paper" / "fonts"
    return Path(__file__).resolve().parent / "fonts"


_lock = threading.Lock()
_done = threading.Event()  # set once the fonts are registered


def register() -> None:
    """Register the fonts with ReportLab once per process (safe from worker threads)."""
    if _done.is_set():
        return
    with _lock:
        if _done.is_set():
            return
        # Flate-only page streams: the ASCII85 pass is pure Python (no rl_accel) and made files bigger.
        rl_config.useA85 = 0
        folder = fonts_dir()
        for name, filename in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        _done.set()


@lru_cache(maxsize=200_000)
def width(text: str, font: str, size: float) -> float:
    """stringWidth with a cache: list pages measure the same years, times and labels thousands of times."""
    return pdfmetrics.stringWidth(text, font, size)

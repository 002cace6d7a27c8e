"""Numbers as each language writes them: "1.255" and "40,9 %" in Vietnamese, "1,255" and "40.9%" in English;
and English's singular after 1 ("1 kit", "1 person"), which Vietnamese does not mark.

Why: the screens mixed "40.9 %" beside "1.255", and the English screens showed "Card 3,3 %" and "1 kits".
The language is the interface's (`lang.current()`); the words themselves still come from the translations.
"""

from __future__ import annotations

import re

from desktop.ui.support import lang

# English words the translations use after a count, plural → singular (for a count of exactly 1).
_SINGULAR = {"people": "person", "kits": "kit", "slots": "slot", "pages": "page", "places": "place",
             "citizens": "citizen", "minutes": "minute", "laptops": "laptop", "reports": "report",
             "rows": "row", "days": "day", "appointments": "appointment", "sessions": "session"}
_ONE_THEN_WORD = re.compile(r"(?<![\d.,])1\s+(" + "|".join(_SINGULAR) + r")\b")


def number(n: int | float | None, code: str | None = None) -> str:
    """A whole number with the language's thousands separator; "" for None."""
    if n is None:
        return ""
    text = f"{int(n):,}"
    return text.replace(",", ".") if (code or lang.current()) == "vi" else text


def percent(x: float | None, code: str | None = None, digits: int = 1) -> str:
    """A percentage: "40,9 %" (Vietnamese, a space before %) or "40.9%" (English); "—" for None."""
    if x is None:
        return "—"
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") + " %" if (code or lang.current()) == "vi" else text + "%"


def counted(text: str, code: str | None = None) -> str:
    """English: "1 people" → "1 person", "1 kits" → "1 kit" (the translation's plural after a count of 1)."""
    if (code or lang.current()) != "en":
        return text
    return _ONE_THEN_WORD.sub(lambda m: "1 " + _SINGULAR[m.group(1)], text)

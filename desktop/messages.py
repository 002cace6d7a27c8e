"""Words the officer reads, as message ids with parameters, in Vietnamese and English, without Qt.

The CLI (one language: Vietnamese) and the UI (the language chosen in the menu) both take their words for
known failures from here, so a locked database or a full disk reads the same in both, and the UI's English
mode shows English for them too. Errors raised with a `Message` carry it (`UserError.msg`); the others
carry only their Vietnamese text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Message:
    """One sentence in both languages; `{name}` fields are filled from the parameters."""

    id: str
    vi: str
    en: str

    def text(self, lang: str = "vi", **params: Any) -> str:
        return (self.en if lang == "en" else self.vi).format(**params)

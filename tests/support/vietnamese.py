"""Vietnamese words left on a page asked in English: what the English tests of the dashboard look for."""

from __future__ import annotations

import re
from html import unescape

VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"  # not in English
_WORD = re.compile(r'[^\s<>"=]*[' + VI_LETTERS + r'][^\s<>"=]*', re.I)


def vietnamese_words(page: str, *data: str) -> list[str]:
    """Words with a Vietnamese letter on a page, the language link and the `data` people typed left out."""
    text = unescape(re.sub(r'<a id="lang".*?</a>', "", page, flags=re.S))
    for words in sorted(data, key=len, reverse=True):
        text = text.replace(words, "")
    return sorted(set(_WORD.findall(text)))

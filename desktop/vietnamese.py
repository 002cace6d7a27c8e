"""Vietnamese text handling: NFC on the way in, search folding, collation keys, name parts.

Folding removes case, every combining mark (so tone placement "hoà"/"hòa" no longer matters) and maps
đ/Đ to d, which Unicode does not decompose. Collation follows the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y) with tones as a secondary key, so that
"Đặng" sorts after "Dương" and before "Em" instead of after "Z".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

_SPACES = re.compile(r"\s+")

# Combining marks that make a distinct letter of the alphabet (not tones).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Primary weights start at U+0100 so every weight is one code point above ASCII digits and spaces;
# UTF-8 byte order equals code point order, so SQLite's BINARY collation sorts these keys correctly.
_PRIMARY = {letter: chr(0x100 + i) for i, letter in enumerate(_ALPHABET)}
_SEP = "\u0001"


def nfc(text: str | None) -> str:
    """NFC-normalise and trim; None becomes ''. Every string entering the database passes here."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "d").casefold()


def fold(text: str | None) -> str:
    """Search key: lower case, no diacritics or tones, đ→d, single spaces. 'Nguyễn Thị Thuý' → 'nguyen thi thuy'."""
    if not text:
        return ""
    return " ".join(_fold_word(w) for w in str(text).split())


@lru_cache(maxsize=65536)
def _letter_weights(word: str) -> tuple[str, str]:
    primary: list[str] = []
    tones: list[str] = []
    for base_and_marks in _graphemes(unicodedata.normalize("NFD", word.lower())):
        base = base_and_marks[0]
        marks = base_and_marks[1:]
        letter = base
        tone = 0
        for m in marks:
            if m == _BREVE and base == "a":
                letter = "ă"
            elif m == _CIRCUMFLEX and base in "aeo":
                letter = base + _CIRCUMFLEX
            elif m == _HORN and base in "ou":
                letter = base + _HORN
            elif m in _TONES:
                tone = _TONES[m]
        letter = unicodedata.normalize("NFC", letter)
        weight = _PRIMARY.get(letter)
        if weight is None:
            # Digits, punctuation and foreign letters keep their own order, below all letters.
            weight = chr(0x20 + min(ord(unicodedata.normalize("NFC", letter)[0]), 0xDF))
        primary.append(weight)
        tones.append(chr(0x30 + tone))
    return "".join(primary), "".join(tones)


def _graphemes(decomposed: str) -> list[str]:
    out: list[str] = []
    for ch in decomposed:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def sort_key(text: str | None) -> str:
    """Collation key in Vietnamese alphabet order; compare keys as plain strings (or SQLite BINARY)."""
    if not text:
        return ""
    words = nfc(text).split(" ")
    weights = [_letter_weights(w) for w in words]
    primary = " ".join(p for p, _ in weights)
    tones = "".join(t for _, t in weights)
    return primary + _SEP + tones


@dataclass(frozen=True, slots=True)
class NameParts:
    family: str
    middle: str
    given: str


def split_name(full_name: str | None) -> NameParts:
    """'Nguyễn Thị Minh Khai' → family 'Nguyễn', middle 'Thị Minh', given 'Khai'. One word is a given name."""
    words = nfc(full_name).split(" ") if full_name else []
    words = [w for w in words if w]
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        return NameParts("", "", words[0])
    return NameParts(words[0], " ".join(words[1:-1]), words[-1])


class NameOrder(StrEnum):
    """How printed lists and the queue are sorted; a setting, because communes differ."""

    GIVEN = "given"  # Vietnamese lists: by given name (the last word), then the full name
    FAMILY = "family"  # by the full name as written, family name first


def name_sort_key(full_name: str | None, order: NameOrder | str = NameOrder.GIVEN) -> str:
    """Sort key for a person's name under the chosen order."""
    parts = split_name(full_name)
    if NameOrder(order) is NameOrder.GIVEN:
        return sort_key(parts.given) + "\u0002" + sort_key(full_name)
    return sort_key(full_name)


def sort_names(names: list[str], order: NameOrder | str = NameOrder.GIVEN) -> list[str]:
    return sorted(names, key=lambda n: name_sort_key(n, order))

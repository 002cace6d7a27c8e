"""Vietnamese text handling: NFC on the way in, search folding, collation keys, name parts.

Folding removes case, every combining mark (so tone placement "hoà"/"hòa" no longer matters) and maps
đ/Đ to d, which Unicode does not decompose. "Ð"/"ð" (U+00D0/U+00F0, the Icelandic eth) are what a
Windows-1258 "Đ"/"đ" becomes when an old file is read as Windows-1252: nfc() turns them into Đ/đ and
fold() into d.

Collation (sort_key) compares, in this order:

1. the letters, in the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y),
   so "Đặng" sorts after "Dương" and before "Em" instead of after "Z"; a run of digits compares as a
   number ("Tổ dân phố 2" before "Tổ dân phố 10"); spaces before punctuation before digits before letters;
2. the tone of each syllable, syllable by syllable: ngang < huyền < hỏi < ngã < sắc < nặng, wherever the
   mark sits (Thuy < Thùy < Thủy < Thũy < Thúy = Thuý < Thụy; "Hòa" = "Hoà"); then leading zeros ("2"
   before "02").

Case does not count. This is ICU's `vi` collation (CLDR) except for three documented differences, which a
test checks against ICU: tones per syllable (ICU compares the mark's position letter by letter, so "Thuý"
and "Thúy" fall apart), numbers by value (ICU compares digit by digit), and Ê Đê / Jrai names whose clan
name comes last ("Y Bih Niê Kdăm", "H'Hen Niê"), which name_sort_key orders by the personal name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Windows-1258 Đ/đ read as Windows-1252: the Icelandic eth.
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})

# Combining marks that make a distinct letter of the alphabet (not tones).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Primary weights, as code points below U+0800 so that each takes at most two bytes in UTF-8; UTF-8 byte
# order equals code point order, so SQLite's BINARY collation sorts these keys correctly.
#   U+0020            word separator (a shorter name sorts first: "An" < "An Bình" < "Anh")
#   U+0100..U+04FF    any other character (punctuation, symbols, foreign letters), by code point
#   U+0500 + n, d…    a run of n significant digits, then the digits themselves (ASCII)
#   U+0600..U+0620    the letters of the alphabet
_PRIMARY = {letter: chr(0x600 + i) for i, letter in enumerate(_ALPHABET)}
_DIGITS = "0123456789"
_SEP = "\u0001"  # between the primary part and the tone part of a key
_NAME_SEP = "\u0002"  # between the given-name key and the whole-name key in name_sort_key


def nfc(text: str | None) -> str:
    """NFC-normalise, Ð/ð → Đ/đ, single spaces, trimmed; None becomes ''. Every string entering the database
    passes here."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text)).translate(_ETH)).strip()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_FOLD_D).casefold()


_FOLD_D = str.maketrans({"đ": "d", "Đ": "d", "\u00d0": "d", "\u00f0": "d"})


def fold(text: str | None) -> str:
    """Search key: lower case, no diacritics or tones, đ→d, single spaces. 'Nguyễn Thị Thuý' → 'nguyen thi thuy'."""
    if not text:
        return ""
    return " ".join(_fold_word(w) for w in str(text).split())


def _graphemes(decomposed: str) -> list[str]:
    out: list[str] = []
    for ch in decomposed:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


@lru_cache(maxsize=131072)
def _word_key(word: str) -> tuple[str, str]:
    """(primary weights, secondary weights) of one space-free word of NFC text.

    The secondary part has one character per syllable (a run of letters: its tone, wherever the mark
    sits) and one per run of digits (its count of leading zeros), in the order they occur.
    """
    primary: list[str] = []
    secondary: list[str] = []
    digits: list[str] = []
    syllable_tone = -1  # -1: not inside a syllable

    def end_syllable() -> None:
        nonlocal syllable_tone
        if syllable_tone >= 0:
            secondary.append(chr(0x30 + syllable_tone))
            syllable_tone = -1

    def end_digits() -> None:
        if digits:
            run = "".join(digits).lstrip("0") or "0"
            zeros = len(digits) - len(run)
            primary.append(chr(0x500 + min(len(run), 0xFF)) + run)
            secondary.append(chr(0x30 + min(zeros, 0x4F)))
            digits.clear()

    for grapheme in _graphemes(unicodedata.normalize("NFD", word.lower())):
        base, marks = grapheme[0], grapheme[1:]
        if base in _DIGITS:
            end_syllable()
            digits.append(base)
            continue
        end_digits()
        letter = base
        tone = 0
        for m in marks:
            if m == _BREVE and base == "a":
                letter = "ă"
            elif m == _CIRCUMFLEX and base in "aeo":
                letter = base + _CIRCUMFLEX
            elif m == _HORN and base in "ou":
                letter = base + _HORN
            elif m in _TONES and not tone:
                tone = _TONES[m]
        letter = unicodedata.normalize("NFC", letter)
        weight = _PRIMARY.get(letter)
        if weight is None and base.isalpha():
            weight = chr(0x100 + min(ord(letter[0]), 0x3FF))
        if weight is None:
            end_syllable()
            primary.append(chr(0x100 + min(ord(letter[0]), 0x3FF)))
            continue
        primary.append(weight)
        if syllable_tone < 0:
            syllable_tone = 0
        if tone and not syllable_tone:
            syllable_tone = tone
    end_syllable()
    end_digits()
    return "".join(primary), "".join(secondary)


def sort_key(text: str | None) -> str:
    """Collation key in Vietnamese order (see the module docstring); compare keys as plain strings or as
    SQLite BINARY."""
    text = nfc(text)
    if not text:
        return ""
    keys = [_word_key(w) for w in text.split(" ")]
    return " ".join(p for p, _ in keys) + _SEP + "".join(s for _, s in keys)


@dataclass(frozen=True, slots=True)
class NameParts:
    family: str
    middle: str
    given: str


def _clan_last(words: list[str]) -> tuple[int, int] | None:
    """For an Ê Đê / Jrai style name whose clan name comes last: (index of the personal name, index of the
    first clan word). Such names start with the gender word: "Y" for men ("Y Bih Niê Kdăm") or "H'" for
    women, usually joined to the personal name ("H'Hen Niê", also typed "H’Hen" or "H' Hen")."""
    first = words[0]
    if len(words) >= 2 and (first in ("Y", "y") or first in _H_MARKS):
        return 1, 2
    if _H_WORD.match(first):
        return 0, 1
    return None


_H_MARKS = ("H'", "H’", "h'", "h’")
_H_WORD = re.compile(r"^[Hh]['’]\w")


def split_name(full_name: str | None) -> NameParts:
    """'Nguyễn Thị Minh Khai' → family 'Nguyễn', middle 'Thị Minh', given 'Khai'. One word is a given name.

    A name whose clan name comes last (Ê Đê, Jrai) keeps its parts where they belong: 'Y Bih Niê Kdăm' →
    family 'Niê Kdăm', middle 'Y', given 'Bih'; "H'Hen Niê" → family 'Niê', given "H'Hen".
    """
    words = nfc(full_name).split(" ") if full_name else []
    words = [w for w in words if w]
    if not words:
        return NameParts("", "", "")
    clan = _clan_last(words)
    if clan is not None:
        personal, clan_at = clan
        return NameParts(" ".join(words[clan_at:]), " ".join(words[:personal]), " ".join(words[personal:clan_at]))
    if len(words) == 1:
        return NameParts("", "", words[0])
    return NameParts(words[0], " ".join(words[1:-1]), words[-1])


class NameOrder(StrEnum):
    """How printed lists and the queue are sorted; a setting, because communes differ."""

    GIVEN = "given"  # Vietnamese lists: by given name (the last word), then the full name
    FAMILY = "family"  # by the full name as written, family name first


def _personal_name(given: str) -> str:
    """The given name as it is sorted: a woman's "H'Hen" sorts as 'Hen' (the H' is the gender word)."""
    return given[2:] if _H_WORD.match(given) else given


def name_sort_key(full_name: str | None, order: NameOrder | str = NameOrder.GIVEN) -> str:
    """Sort key for a person's name under the chosen order.

    GIVEN: by the personal name, then family-first; FAMILY: family name, middle, personal name. For a
    Kinh name both read the words as written; for a clan-last name ('Y Bih Niê Kdăm') the personal name is
    'Bih' (not 'Kdăm') and the family-first reading is 'Niê Kdăm Y Bih'.
    """
    parts = split_name(full_name)
    whole = sort_key(" ".join(p for p in (parts.family, parts.middle, parts.given) if p))
    if NameOrder(order) is NameOrder.GIVEN:
        return sort_key(_personal_name(parts.given)) + _NAME_SEP + whole
    return whole


def sort_names(names: list[str], order: NameOrder | str = NameOrder.GIVEN) -> list[str]:
    return sorted(names, key=lambda n: name_sort_key(n, order))

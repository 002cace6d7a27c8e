"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC, the .VnTime fonts) and VNI-Windows.

Old office sheets store these as bytes that only the legacy font draws correctly; Excel and CSV readers
show them as Western text ("NguyÔn V¨n" for TCVN3, "Nguyeãn Vaên" for VNI). This module converts both the
raw bytes of a text file and the mojibake strings of an XLSX file, and guesses which encoding a sample is
in by counting words that are valid Vietnamese syllables under each reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# TCVN3 (TCVN 5712:1993, VN3): precomposed lower-case letters; the seven upper-case letters with a
# modifier (Ă Â Ê Ô Ơ Ư Đ). Upper-case toned letters have no code of their own in VN3: the ".VnTimeH"
# capital fonts draw the lower-case codes as capitals, so they decode to lower case (fixed per word below).
_TCVN3: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# VNI-Windows: a base letter followed by a mark byte; a few letters are single bytes.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MARKS_LOWER = {
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK, 0xE3: _CIRC + _TILDE,
    0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK, 0xFC: _BREVE + _TILDE,
    0xEB: _BREVE + _DOT,
}
_VNI_MARKS_UPPER = {
    0xD9: _ACUTE, 0xD8: _GRAVE, 0xDB: _HOOK, 0xD5: _TILDE, 0xCF: _DOT,
    0xC2: _CIRC, 0xC1: _CIRC + _ACUTE, 0xC0: _CIRC + _GRAVE, 0xC5: _CIRC + _HOOK, 0xC3: _CIRC + _TILDE,
    0xC4: _CIRC + _DOT,
    0xCA: _BREVE, 0xC9: _BREVE + _ACUTE, 0xC8: _BREVE + _GRAVE, 0xDA: _BREVE + _HOOK, 0xDC: _BREVE + _TILDE,
    0xCB: _BREVE + _DOT,
}
_VNI_LETTERS = {
    0xF4: "ơ", 0xD4: "Ơ", 0xF6: "ư", 0xD6: "Ư", 0xF1: "đ", 0xD1: "Đ",
    0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
    0xCD: "Í", 0xCC: "Ì", 0xC6: "Ỉ", 0xD3: "Ĩ", 0xD2: "Ị",
    0xEE: "ỵ", 0xCE: "Ỵ",
}
_VNI: dict[int, str] = {**_VNI_MARKS_LOWER, **_VNI_MARKS_UPPER, **_VNI_LETTERS}

TCVN3, VNI, CP1258, UNICODE = "TCVN3", "VNI", "Windows-1258", "Unicode"


def _byte_table(mapping: dict[int, str]) -> list[str]:
    table = []
    for b in range(256):
        if b in mapping:
            table.append(mapping[b])
        elif b < 0x80:
            table.append(chr(b))
        else:
            try:
                table.append(bytes([b]).decode("cp1252"))
            except UnicodeDecodeError:
                table.append(chr(b))
    return table


_TCVN3_BYTES = _byte_table(_TCVN3)
_VNI_BYTES = _byte_table(_VNI)


def _char_key(b: int) -> str:
    """The character Excel or a cp1252 reader shows for legacy byte b."""
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


_TCVN3_TEXT = str.maketrans({_char_key(b): s for b, s in _TCVN3.items()})
_VNI_TEXT = str.maketrans({_char_key(b): s for b, s in _VNI.items()})


def decode_tcvn3(data: bytes) -> str:
    return _fix_caps("".join(_TCVN3_BYTES[b] for b in data))


def decode_vni(data: bytes) -> str:
    return unicodedata.normalize("NFC", "".join(_VNI_BYTES[b] for b in data))


def tcvn3_text(text: str) -> str:
    """Convert a string that is TCVN3 bytes shown as cp1252 ('NguyÔn') to Unicode ('Nguyễn')."""
    return _fix_caps(text.translate(_TCVN3_TEXT))


def vni_text(text: str) -> str:
    """Convert a string that is VNI bytes shown as cp1252 ('Nguyeãn') to Unicode ('Nguyễn')."""
    return unicodedata.normalize("NFC", text.translate(_VNI_TEXT))


_WORD = re.compile(r"\S+")
_RUN = re.compile(r"[^\s,;|\"]+(?: [^\s,;|\"]+)+")
# Toned lower-case letters: VN3 has no capital code for them, so "Ánh" arrives as "ánh".
_NO_CAPITAL = {ch for ch in _TCVN3.values() if ch.islower() and ch not in "ăâêôơưđ"}


def _fix_caps(text: str) -> str:
    """Restore capitals VN3 cannot encode.

    'NGUYÔN' decodes to 'NGUYễN' (a capital word typed with the capital font): upper-case the word.
    'Ph¹m ThÞ ¸nh' decodes to 'Phạm Thị ánh': a toned word between capitalised words gets a capital.
    """
    if not any(ord(ch) > 0x7F for ch in text):
        return text

    def fix_word(m: re.Match[str]) -> str:
        w = m.group(0)
        letters = [ch for ch in w if ch.isalpha()]
        ascii_letters = [ch for ch in letters if ch.isascii()]
        if len(ascii_letters) >= 2 and all(ch.isupper() for ch in ascii_letters) and any(
            ch.islower() for ch in letters
        ):
            return w.upper()
        return w

    def fix_run(m: re.Match[str]) -> str:
        words = m.group(0).split(" ")
        for i, w in enumerate(words):
            if w[0] not in _NO_CAPITAL:
                continue
            neighbours = [words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)]
            if neighbours and all(n[0].isupper() for n in neighbours):
                words[i] = w[0].upper() + w[1:]
        return " ".join(words)

    return _RUN.sub(fix_run, _WORD.sub(fix_word, text))


# Reverse tables, used by tests and by anyone producing a legacy file for an old machine.
_TCVN3_ENCODE = {s: b for b, s in _TCVN3.items()}


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes (upper-case toned letters are written with their lower-case code)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif ch.lower() in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch.lower()])
        else:
            out.extend(ch.encode("cp1252", errors="replace"))
    return bytes(out)


_VNI_LETTER_ENCODE = {s: b for b, s in _VNI_LETTERS.items()}


def _canonical(marks: str) -> str:
    return unicodedata.normalize("NFD", "a" + marks)[1:]  # dot below sorts before the circumflex


_VNI_MARK_ENCODE_LOWER = {_canonical(m): b for b, m in _VNI_MARKS_LOWER.items()}
_VNI_MARK_ENCODE_UPPER = {_canonical(m): b for b, m in _VNI_MARKS_UPPER.items()}


def encode_vni(text: str) -> bytes:
    """Unicode → VNI-Windows bytes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
            continue
        if ch in _VNI_LETTER_ENCODE:
            out.append(_VNI_LETTER_ENCODE[ch])
            continue
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        if base in "oOuU" and marks.startswith("\u031b"):  # ơ ư with a tone
            out.append(_VNI_LETTER_ENCODE[unicodedata.normalize("NFC", base + "\u031b")])
            marks = marks[1:]
            upper = base.isupper()
        elif base in "iIyY" and marks and (unicodedata.normalize("NFC", base + marks) in _VNI_LETTER_ENCODE):
            out.append(_VNI_LETTER_ENCODE[unicodedata.normalize("NFC", base + marks)])
            continue
        else:
            if not base.isascii():
                out.extend(ch.encode("cp1252", errors="replace"))
                continue
            out.append(ord(base))
            upper = base.isupper()
        if marks:
            table = _VNI_MARK_ENCODE_UPPER if upper else _VNI_MARK_ENCODE_LOWER
            out.append(table[marks])
    return bytes(out)


# ---- Guessing the encoding: count valid Vietnamese syllables under each reading. ----
_TONE_MARKS = set("\u0300\u0301\u0303\u0309\u0323")
_NUCLEI = sorted(
    ["uyê", "uyu", "uya", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uơ", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"],
    key=len,
    reverse=True,
)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?(?:"
    + "|".join(_NUCLEI)
    + r")(?:ch|ng|nh|[cmnpt])?"
)
_TOKENS = re.compile(r"[\s,;\"/|()\[\]{}0-9:.?!=+*&%$#@<>_\\-]+")
_STRIP = "\"'.,;:()[]{}!?/\\-_*#%&+=<>|"


@lru_cache(maxsize=65536)
def word_is_vietnamese(word: str) -> bool | None:
    """True for a valid Vietnamese syllable, False for an impossible one, None for plain ASCII words."""
    w = word.strip(_STRIP)
    if not w or w.isascii():
        return None
    if not (w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower())):
        return False  # 'NguyÔn': a capital in the middle of a word
    d = unicodedata.normalize("NFD", w.lower())
    tones = sum(1 for ch in d if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in d if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.fullmatch(base))


def score(text: str) -> tuple[int, int]:
    """(valid, invalid) counts of non-ASCII words: how Vietnamese a reading of the file looks."""
    good = bad = 0
    for w in _TOKENS.split(text):
        ok = word_is_vietnamese(w)
        if ok is None:
            continue
        if ok:
            good += 1
        else:
            bad += 1
    return good, bad


def guess_bytes(sample: bytes) -> str:
    """For a file that is not UTF-8: which of Windows-1258, TCVN3 and VNI reads it as Vietnamese."""
    candidates = {
        CP1258: unicodedata.normalize("NFC", sample.decode("cp1258", errors="replace")),
        TCVN3: decode_tcvn3(sample),
        VNI: decode_vni(sample),
    }
    best, best_score = CP1258, None
    for name, text in candidates.items():
        good, bad = score(text)
        s = good - 3 * bad
        if best_score is None or s > best_score:
            best, best_score = name, s
    return best


def guess_text(sample: str) -> str:
    """For Unicode text (XLSX cells, UTF-8 CSV): UNICODE, or TCVN3/VNI when it is legacy text shown as cp1252."""
    good, bad = score(sample)
    if bad < 2 or bad * 5 < good:
        return UNICODE
    best, best_score = UNICODE, good - 3 * bad
    for name, fn in ((TCVN3, tcvn3_text), (VNI, vni_text)):
        g, b = score(fn(sample))
        s = g - 3 * b
        if s > best_score and b * 2 < bad:
            best, best_score = name, s
    return best


def text_converter(encoding: str) -> Callable[[str], str] | None:
    """The per-cell conversion for a detected text-level legacy encoding, or None."""
    return {TCVN3: tcvn3_text, VNI: vni_text}.get(encoding)


def encode_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258 as Vietnamese Windows writes it (modifier letters precomposed, tones combining).

    Python's codec does not decompose, so 'ễ' must be split into 'ê' + combining tilde first.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.extend(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in d[1:] if m in _TONE_MARKS)
        rest = unicodedata.normalize("NFC", "".join(m for m in d if m not in _TONE_MARKS))
        out.extend(rest.encode("cp1258", errors="replace"))
        out.extend(tones.encode("cp1258", errors="replace"))
    return bytes(out)

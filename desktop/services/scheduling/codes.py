"""Appointment codes: the only content of a slip's QR code, so they must say nothing about the person.

A code is 10 symbols from Crockford's base32 alphabet, which leaves out I, L, O and U so that officers never
confuse 1/I/L or 0/O when typing one from paper. Codes are looked up exactly.

Several laptops of one commune book appointments without talking to each other, so a code
starts with this laptop's two-symbol prefix (`device_prefix`: 10 bits of a hash of its device id) followed
by 8 random symbols (40 bits, `secrets`); each laptop checks its own codes against its own register. Two
laptops can only draw the same code if their prefixes are equal (about 1 chance in 1,000 per pair); even
then 40 random bits remain, and a clash that still arrives is kept with a suffix and listed for the officer
(peer merge). Codes made before (10 random symbols) are the same shape and stay valid.

USB barcode scanners "type" the code as keystrokes, and on a laptop where a Vietnamese input method
(Unikey/EVKey in Telex or VNI mode) is on, those keystrokes can turn into accented letters: Telex makes
"AS" into "Á" and "DD" into "Đ", VNI makes "A1" into "Á". `normalise_code()` folds such text back, and
`code_candidates()` also undoes the Telex and VNI compositions so that the lost keystroke is recovered.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from common import base32
from common.vietnamese import fold

ALPHABET = base32.ALPHABET  # Crockford base32: no I, L, O, U
CODE_LENGTH = 10
_VALID = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
# Crockford's reading rules for symbols people (not scanners) mistype.
_LOOKALIKES = str.maketrans(base32.LOOKALIKES)

# Keystrokes an input method folds into a mark, per mark (combining character after NFD).
_TONES_TELEX = {"\u0301": "S", "\u0300": "F", "\u0309": "R", "\u0303": "X", "\u0323": "J"}
_TONES_VNI = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
# Shape marks: circumflex (Telex doubles the vowel, VNI types 6), breve (W / 8), horn (W / 7).
_SHAPES_TELEX = {"\u0302": "double", "\u0306": "W", "\u031b": "W"}
_SHAPES_VNI = {"\u0302": "6", "\u0306": "8", "\u031b": "7"}


PREFIX_LENGTH = 2


def device_prefix(device_id: str) -> str:
    """The two symbols every code this laptop makes starts with (from its device id; says nothing of a person)."""
    digest = hashlib.sha256(f"enrollpoint-code-prefix:{device_id}".encode()).digest()
    return ALPHABET[digest[0] & 31] + ALPHABET[digest[1] & 31]


def new_code(prefix: str = "") -> str:
    """A fresh code: `prefix` (a `device_prefix`, or none) then random symbols up to CODE_LENGTH; never all
    digits, so it can never be mistaken for an ID number."""
    prefix = prefix[:PREFIX_LENGTH]
    if any(ch not in ALPHABET for ch in prefix):
        raise ValueError(f"code prefix {prefix!r} is not in the code alphabet")
    while True:
        code = prefix + base32.random_symbols(CODE_LENGTH - len(prefix))
        if not code.isdigit():
            return code


def is_code(text: str) -> bool:
    """True when `text` (already normalised) has the shape of an appointment code."""
    return bool(_VALID.match(text or ""))


def display(code: str) -> str:
    """'K7Q2M9XD4A' → 'K7Q2M-9XD4A' for printing next to the QR (the dash is ignored when typed back)."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def _clean(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper()).translate(_LOOKALIKES)


def normalise_code(text: str | None) -> str:
    """What a scanner or an officer typed → the stored form: upper case, no spaces, dashes or accents.

    Returns the cleaned text even when it is not a valid code (the caller decides); when plain folding
    loses a keystroke to a Vietnamese input method, the Telex/VNI reading that yields a valid code wins.
    """
    if not text:
        return ""
    plain = _clean(fold(text))
    if is_code(plain):
        return plain
    for cand in code_candidates(text):
        if is_code(cand):
            return cand
    return plain


def _undo_ime(text: str, tones: dict[str, str], shapes: dict[str, str]) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("DD" if tones is _TONES_TELEX else "D9")
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if not marks:
            out.append(ch)
            continue
        # Telex types a lone W for ư (U is never in a code): keep only the W.
        piece = "" if (base in "uU" and "\u031b" in marks and tones is _TONES_TELEX) else base.upper()
        for m in marks:
            shape = shapes.get(m)
            if shape == "double":
                piece += base.upper()
            elif shape:
                piece += shape
        for m in marks:
            if m in tones:
                piece += tones[m]
        out.append(piece)
    return "".join(out)


def code_candidates(text: str | None) -> list[str]:
    """Every plausible reading of scanned text, best first: plain fold, then Telex and VNI undone."""
    if not text:
        return []
    seen: list[str] = []
    for cand in (
        _clean(fold(text)),
        _clean(_undo_ime(text, _TONES_TELEX, _SHAPES_TELEX)),
        _clean(_undo_ime(text, _TONES_VNI, _SHAPES_VNI)),
    ):
        if cand and cand not in seen:
            seen.append(cand)
    return seen

"""Day codes: a closed day's totals as a short code read over a satellite phone or sent as one SMS.

Both sides use this module (the laptop prints a code, the hub reads it). A code is

    Crockford base32 symbols (0-9 and A-Z without I L O U), in groups of 4 joined by '-'

and carries, bit-packed: format version, the commune and point codes, the day, the report revision, the
totals of its version's layout (`LAYOUTS`), a 40-bit authenticator and two check symbols.

- **Check** (catches every single-character typo and every swap of two neighbours, proved exhaustively in
  tests/sync/test_daycode.py): every symbol value v_i (0..31) gets a weight, and the weighted sum of all
  symbols is 0 mod 37. 37 is prime and larger than any difference of two symbols, so changing one symbol by
  d (0 < |d| < 32) changes the sum by w·d ≠ 0 (mod 37) as long as no weight is 0 mod 37; swapping neighbours
  i, i+1 changes it by (w_i − w_{i+1})(v_i − v_{i+1}) ≠ 0 as long as neighbouring weights differ. Data
  symbols have weights 2..31 in turn, the two check symbols 32 and 1 (32·a + b covers every residue).
- **Authenticator**: HMAC-SHA256 with the device's day-code key over the packed fields, truncated to 40 bits
  (a guessed or altered code is refused with probability 1 − 2⁻⁴⁰). The key is derived from the device's
  bearer token (`daycode_key(token_hash)`): the laptop has the token, the hub its SHA-256, so nothing more
  travels at enrolment and online and file enrolments work alike.
- Reading is forgiving where dictation is: case, spaces and dashes are ignored, O → 0 and I/L → 1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from common import base32
from sync import indicators
from sync.protocol import MAX_COUNT

ALPHABET = base32.ALPHABET  # Crockford base32; O is read as 0, I and L as 1
VERSION = 1
# The totals each format version carries, in code order: frozen history, like a migration. A code names its
# version, so a hub reads every older code; an indicator added to the registry (sync/indicators.py) needs a
# new version here with the new layout (tests/sync/test_daycode_layout.py fails until it has one). Until
# then a code carries the indicators of VERSION only, and the hub stores 0 for the others.
LAYOUTS: dict[int, tuple[str, ...]] = {
    1: ("card_captured", "vneid_l2_captured", "vneid_activated", "attended", "no_show"),
}
EPOCH = dt.date(2020, 1, 1)
MAC_BITS = 40
MAX_CODE_CHARS = 160
MAX_TEXT = 15  # commune / point code characters carried
_MOD = 37
GROUP = 4


class DayCodeError(ValueError):
    """A code that cannot be read. `kind`: 'format' (not a day code), 'check' (a typo), 'auth' (not from
    this device / altered). The message is Vietnamese, for the officer and the province."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class DayTotals:
    commune_code: str
    point_code: str
    day: dt.date
    revision: int
    totals: dict[str, int]


def daycode_key(token_hash_hex: str) -> bytes:
    """The device's day-code key from the SHA-256 (hex) of its bearer token (both sides can compute it)."""
    return hmac.new(bytes.fromhex(token_hash_hex), b"enrollpoint-daycode-v1", hashlib.sha256).digest()


def daycode_key_from_token(token: str) -> bytes:
    return daycode_key(hashlib.sha256(token.encode("utf-8")).hexdigest())


# -- bits ---------------------------------------------------------------------------------------------

class _Writer:
    def __init__(self) -> None:
        self.bits: list[int] = []

    def put(self, value: int, width: int) -> None:
        if value < 0 or value >= 1 << width:
            raise ValueError(f"{value} does not fit in {width} bits")
        self.bits.extend((value >> (width - 1 - i)) & 1 for i in range(width))

    def number(self, value: int) -> None:
        """Length-prefixed: 5 bits of bit length, then the value."""
        n = value.bit_length()
        self.put(n, 5)
        if n:
            self.put(value, n)

    def text(self, value: str) -> None:
        raw = value.encode("ascii")
        if not 1 <= len(raw) <= MAX_TEXT or any(b >= 128 for b in raw):
            raise ValueError("code text must be 1..15 ASCII characters")
        self.put(len(raw), 4)
        for b in raw:
            self.put(b, 7)


class _Reader:
    def __init__(self, bits: list[int]) -> None:
        self.bits, self.pos = bits, 0

    def get(self, width: int) -> int:
        if self.pos + width > len(self.bits):
            raise DayCodeError("format", "Mã ngày bị thiếu ký tự.")
        v = 0
        for b in self.bits[self.pos : self.pos + width]:
            v = (v << 1) | b
        self.pos += width
        return v

    def number(self) -> int:
        n = self.get(5)
        return self.get(n) if n else 0

    def text(self) -> str:
        n = self.get(4)
        if n == 0:
            raise DayCodeError("format", "Mã ngày không đúng dạng.")
        return bytes(self.get(7) for _ in range(n)).decode("ascii")


def _bits_to_symbols(bits: list[int]) -> list[int]:
    bits = bits + [0] * (-len(bits) % 5)
    return [int("".join(map(str, bits[i : i + 5])), 2) for i in range(0, len(bits), 5)]


def _symbols_to_bits(symbols: list[int]) -> list[int]:
    return [(s >> (4 - i)) & 1 for s in symbols for i in range(5)]


# -- check symbols ------------------------------------------------------------------------------------

def _weight(i: int) -> int:
    return 2 + i % 30  # 2..31: never 0 mod 37, neighbours always differ, never 32 (the first check weight)


def check_symbols(data: list[int]) -> tuple[int, int]:
    """(a, b) with sum(w_i·v_i) + 32·a + b ≡ 0 (mod 37), 0 ≤ a, b < 32."""
    s = sum(_weight(i) * v for i, v in enumerate(data)) % _MOD
    need = (-s) % _MOD  # 32a + b ≡ need; need < 37 ≤ 32 + 31
    a, b = divmod(need, 32)
    return a, b


def check_ok(symbols: list[int]) -> bool:
    if len(symbols) < 3:
        return False
    data, a, b = symbols[:-2], symbols[-2], symbols[-1]
    return (sum(_weight(i) * v for i, v in enumerate(data)) + 32 * a + b) % _MOD == 0


def _group(symbols: list[int]) -> str:
    return base32.group("".join(ALPHABET[s] for s in symbols), GROUP)


def symbols_of(code: str) -> list[int]:
    """The symbol values of a typed code (case, spaces and dashes ignored; O → 0, I/L → 1)."""
    if len(code) > 4 * MAX_CODE_CHARS:
        raise DayCodeError("format", "Mã ngày quá dài.")
    out = []
    for ch in code.upper():
        if ch in " -\t\r\n.":
            continue
        v = base32.value(ch)
        if v is None:
            raise DayCodeError("format", f"Mã ngày có ký tự không hợp lệ: {ch!r}.")
        out.append(v)
    return out


# -- encode / decode ----------------------------------------------------------------------------------

def _fields(t: DayTotals) -> list[int]:
    w = _Writer()
    w.put(VERSION, 3)
    w.text(t.commune_code)
    w.text(t.point_code)
    days = (t.day - EPOCH).days
    if not 0 <= days < 1 << 16:
        raise ValueError("day out of range")
    w.put(days, 16)
    if not 1 <= t.revision <= 1_000_000:
        raise ValueError("revision out of range")
    w.number(t.revision)
    for ind in LAYOUTS[VERSION]:
        n = int(t.totals.get(ind, 0))
        if not 0 <= n <= MAX_COUNT:
            raise ValueError(f"{ind} out of range")
        w.number(n)
    return w.bits


def _mac(key: bytes, field_bits: list[int]) -> int:
    packed = bytes(_bits_to_symbols(field_bits))  # one byte per 5-bit group: unambiguous, padding included
    digest = hmac.new(key, b"daycode:" + packed, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - MAC_BITS)


def encode(t: DayTotals, key: bytes) -> str:
    """The day code (grouped, ≤ 160 characters)."""
    bits = _fields(t)
    w = _Writer()
    w.bits = list(bits)
    w.bits.extend([0] * (-len(w.bits) % 5))  # the MAC starts on a symbol boundary
    w.put(_mac(key, bits), MAC_BITS)
    data = _bits_to_symbols(w.bits)
    a, b = check_symbols(data)
    code = _group(data + [a, b])
    if len(code) > MAX_CODE_CHARS:
        raise ValueError("day code longer than one SMS")
    return code


def decode(code: str) -> tuple[DayTotals, int, list[int]]:
    """Check and unpack a code without its authenticator: (fields, mac, field bits). Raises DayCodeError
    'check' for a typo, 'format' for something that is not a day code."""
    symbols = symbols_of(code)
    if len(symbols) < 12:
        raise DayCodeError("format", "Mã ngày quá ngắn.")
    if not check_ok(symbols):
        raise DayCodeError("check", "Mã ngày có ký tự bị sai hoặc bị đảo chỗ. Hãy đọc/nhập lại mã.")
    data = symbols[:-2]
    r = _Reader(_symbols_to_bits(data))
    try:
        version = r.get(3)
        if version not in LAYOUTS:
            raise DayCodeError("format", f"Mã ngày phiên bản {version} chưa được hỗ trợ.")
        commune = r.text()
        point = r.text()
        day = EPOCH + dt.timedelta(days=r.get(16))
        revision = r.number()
        totals = dict.fromkeys(indicators.KEYS, 0) | {ind: r.number() for ind in LAYOUTS[version]}
    except UnicodeDecodeError:
        raise DayCodeError("format", "Mã ngày không đúng dạng.") from None
    field_bits = r.bits[: r.pos]
    r.pos += -r.pos % 5
    mac = r.get(MAC_BITS)
    if r.pos != len(r.bits) or revision < 1 or any(v > MAX_COUNT for v in totals.values()):
        raise DayCodeError("format", "Mã ngày không đúng dạng.")
    return DayTotals(commune, point, day, revision, totals), mac, field_bits


def verify(code: str, key: bytes) -> DayTotals:
    """decode() and the authenticator with this device's key (DayCodeError 'auth' when it does not match)."""
    fields, mac, bits = decode(code)
    if not hmac.compare_digest(mac.to_bytes(5, "big"), _mac(key, bits).to_bytes(5, "big")):
        raise DayCodeError("auth", "Mã ngày không phải của máy này hoặc đã bị sửa.")
    return fields


def canonical(code: str) -> str:
    """The grouped spelling of a typed code (for storing and showing)."""
    return _group(symbols_of(code))

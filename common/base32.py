"""Crockford's base32, the alphabet of every code an officer reads or types: appointment codes, the peer
group code and day codes read over the phone. 32 symbols, digits and capitals without I, L, O and U, so
that 1/I/L and 0/O cannot be confused; when read back, the look-alikes I, L (→ 1) and O (→ 0) are accepted."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKALIKES = {"O": "0", "I": "1", "L": "1"}  # Crockford's reading rules for symbols people mistype
VALUES: dict[str, int] = {c: i for i, c in enumerate(ALPHABET)} | {k: ALPHABET.index(v) for k, v in LOOKALIKES.items()}


def value(symbol: str) -> int | None:
    """The value (0..31) of one typed symbol, any case, look-alikes accepted; None when it is not a symbol."""
    return VALUES.get(symbol.upper())


def read(text: str) -> str:
    """A typed code in canonical symbols: upper case, anything but letters and digits dropped, look-alikes
    replaced (I, L → 1; O → 0). Other letters (U, Đ) are kept, for the caller to refuse."""
    return "".join(LOOKALIKES.get(ch, ch) for ch in text.upper() if ch.isalnum())


def encode(data: bytes) -> str:
    """The bytes as symbols, 5 bits each, most significant first; the last symbol is padded with zero bits."""
    bits = len(data) * 8
    n = int.from_bytes(data, "big") << (-bits % 5)
    count = (bits + 4) // 5
    return "".join(ALPHABET[(n >> (5 * (count - 1 - i))) & 31] for i in range(count))


def decode(symbols: str, size: int) -> bytes:
    """`size` bytes from canonical symbols (as `encode` wrote them; see `read`); ValueError on a symbol
    outside the alphabet or on bits that do not fit."""
    n = 0
    for ch in symbols:
        v = VALUES.get(ch)
        if v is None:
            raise ValueError(f"not a base32 symbol: {ch!r}")
        n = (n << 5) | v
    extra = len(symbols) * 5 - size * 8
    if extra < 0 or n & ((1 << extra) - 1):
        raise ValueError("symbols do not hold that many bytes")
    return (n >> extra).to_bytes(size, "big")


def random_symbols(count: int) -> str:
    """`count` uniformly random symbols (the low 5 bits of a random byte: 256 is a multiple of 32)."""
    return "".join([ALPHABET[b & 31] for b in secrets.token_bytes(count)])


def group(symbols: str, size: int = 4, sep: str = "-") -> str:
    """'ABCDEFGH' → 'ABCD-EFGH': groups of `size` symbols, easier to read aloud and to type."""
    return sep.join(symbols[i : i + size] for i in range(0, len(symbols), size))

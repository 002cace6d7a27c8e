"""common.base32: Crockford's alphabet as every code reads and writes it; the peer group code, the day code
and the appointment codes keep their exact form through the shared helper."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from common import base32


def _old_peer_b32(data: bytes) -> str:
    """The group code's encoder before the helper (desktop/services/peer/crypto.py): the oracle."""
    n = int.from_bytes(data, "big")
    return "".join(base32.ALPHABET[(n >> shift) & 31] for shift in range(len(data) * 8 - 5, -1, -5))


def test_the_alphabet_leaves_out_the_letters_people_confuse() -> None:
    assert len(base32.ALPHABET) == 32 == len(set(base32.ALPHABET))
    assert not set("ILOU") & set(base32.ALPHABET)


def test_typed_look_alikes_read_as_the_digits() -> None:
    assert base32.read(" abcd-1oIl u ") == "ABCD1011U"  # U stays, for the caller to refuse
    assert [base32.value(c) for c in "0oO1iIlL"] == [0, 0, 0, 1, 1, 1, 1, 1]
    assert base32.value("U") is None and base32.value("-") is None and base32.value("Đ") is None


@given(st.binary(min_size=1, max_size=40))
def test_encode_decode_round_trip_and_the_peer_codes_are_unchanged(data: bytes) -> None:
    text = base32.encode(data)
    assert len(text) == (len(data) * 8 + 4) // 5
    assert base32.decode(text, len(data)) == data
    old = _old_peer_b32(data)
    assert text.startswith(old) and len(text) - len(old) <= 1


def test_decode_refuses_what_is_not_a_code() -> None:
    for bad, size in (("ABCU", 2), ("AB", 2), ("ZZZZ", 2)):  # a non-symbol; too short; bits that do not fit
        try:
            base32.decode(bad, size)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_group_and_random_symbols() -> None:
    assert base32.group("ABCDEFGHJ") == "ABCD-EFGH-J"
    assert base32.group("ABCDEF", 5, " ") == "ABCDE F"
    codes = {base32.random_symbols(8) for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 8 and set(c) <= set(base32.ALPHABET) for c in codes)


def test_the_peer_group_code_reads_back_with_look_alikes_and_u() -> None:
    from desktop.services.peer import crypto

    secret = bytes(range(20))
    code = crypto.code_of(secret)
    assert code == "000G-40R4-0M30-E209-185G-R38E-1W81-24GK-FBSD"  # as the code before the helper wrote it
    assert crypto.secret_of(code.lower().replace("0", "o").replace("1", "l")) == secret

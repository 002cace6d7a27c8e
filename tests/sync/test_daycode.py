"""The day code (sync.daycode): round trip, the check catches every single-character typo and every swap of
neighbours (exhaustively, over a whole code), the authenticator binds a code to one device's key."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import daycode
from sync.protocol import INDICATORS, MAX_COUNT

KEY = daycode.daycode_key_from_token("token-of-laptop-1")
SAMPLE = daycode.DayTotals("22736", "P1", dt.date(2025, 8, 4), 3,
                           {"card_captured": 1234, "vneid_l2_captured": 56, "vneid_activated": 7, "attended": 1300,
                            "no_show": 42})


def test_shape_fits_one_sms_and_dictation() -> None:
    code = daycode.encode(SAMPLE, KEY)
    assert len(code) <= 160
    assert set(code) <= set(daycode.ALPHABET) | {"-"}
    assert not set(code) & set("ILOU")
    assert all(len(g) <= 4 for g in code.split("-"))


codes = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcxyz-_.", min_size=1, max_size=15).filter(
    lambda t: t.strip() == t)


@settings(max_examples=300, deadline=None)
@given(commune=st.from_regex(r"[0-9]{1,6}", fullmatch=True), point=codes,
       day=st.dates(dt.date(2020, 1, 1), dt.date(2099, 12, 31)), revision=st.integers(1, 1_000_000),
       totals=st.lists(st.integers(0, MAX_COUNT), min_size=5, max_size=5))
def test_round_trip_random_totals(commune: str, point: str, day: dt.date, revision: int, totals: list[int]) -> None:
    t = daycode.DayTotals(commune, point, day, revision, dict(zip(INDICATORS, totals, strict=True)))
    code = daycode.encode(t, KEY)
    assert len(code) <= 160
    assert daycode.verify(code, KEY) == t
    assert daycode.verify(code.lower().replace("-", " "), KEY) == t  # as typed from an SMS or dictation


def test_every_single_typo_is_caught_by_the_check() -> None:
    code = daycode.encode(SAMPLE, KEY)
    symbols = daycode.symbols_of(code)
    tried = 0
    for i, v in enumerate(symbols):
        for w in range(32):
            if w == v:
                continue
            typo = symbols[:i] + [w] + symbols[i + 1:]
            assert not daycode.check_ok(typo), (i, v, w)
            with pytest.raises(daycode.DayCodeError) as err:
                daycode.verify("".join(daycode.ALPHABET[s] for s in typo), KEY)
            assert err.value.kind == "check"
            tried += 1
    assert tried == len(symbols) * 31


def test_every_adjacent_swap_is_caught_by_the_check() -> None:
    code = daycode.encode(SAMPLE, KEY)
    symbols = daycode.symbols_of(code)
    swaps = 0
    for i in range(len(symbols) - 1):
        if symbols[i] == symbols[i + 1]:
            continue  # swapping equal symbols changes nothing
        swapped = symbols[:i] + [symbols[i + 1], symbols[i]] + symbols[i + 2:]
        assert not daycode.check_ok(swapped), i
        swaps += 1
    assert swaps >= len(symbols) // 2


def test_check_holds_for_any_symbols() -> None:
    """The proof does not depend on the sample: every pair of symbol values at every position of a long code."""
    n = 60
    data = [0] * n
    a, b = daycode.check_symbols(data)
    base = data + [a, b]
    for i in range(n + 2):
        for v in range(32):
            for w in range(32):
                if v == w:
                    continue
                s1 = list(base)
                s1[i] = v
                s2 = list(s1)
                s2[i] = w
                # both cannot pass: a single change of any symbol moves the weighted sum by a non-zero residue
                assert not (daycode.check_ok(s1) and daycode.check_ok(s2))
    weights = [daycode._weight(i) for i in range(n)] + [32, 1]
    assert all(w % 37 for w in weights)
    assert all((weights[i] - weights[i + 1]) % 37 for i in range(len(weights) - 1))


def test_authenticator_binds_the_device() -> None:
    code = daycode.encode(SAMPLE, KEY)
    other = daycode.daycode_key_from_token("token-of-laptop-2")
    with pytest.raises(daycode.DayCodeError) as err:
        daycode.verify(code, other)
    assert err.value.kind == "auth"
    # a forger who changes a figure and recomputes the check still lacks the key
    fields, _mac, _bits = daycode.decode(code)
    forged = daycode.encode(daycode.DayTotals(fields.commune_code, fields.point_code, fields.day, fields.revision,
                                              {**fields.totals, "card_captured": 9999}), other)
    with pytest.raises(daycode.DayCodeError) as err:
        daycode.verify(forged, KEY)
    assert err.value.kind == "auth"


@pytest.mark.parametrize("text", ["", "HELLO", "1234-5678", "U" * 30, "x" * 700])
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(daycode.DayCodeError):
        daycode.verify(text, KEY)

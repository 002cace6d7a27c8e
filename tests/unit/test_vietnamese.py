"""Folding, collation and name splitting of Vietnamese text (desktop.vietnamese)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.vietnamese import NameOrder, fold, name_sort_key, nfc, sort_key, sort_names, split_name


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    "a,b",
    [
        ("Nguyễn", "nguyen"),
        ("NGUYỄN", "nguyen"),
        ("nguyễn", "NGUYEN"),
        ("hoà", "hòa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("thuý", "thúy"),
        ("Thuỷ", "thủy"),
        ("Đặng", "dang"),
        ("đường", "DUONG"),
        ("  Nguyễn   Văn  An ", "nguyen van an"),
    ],
)
def test_fold_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_values() -> None:
    assert fold("Nguyễn Thị Thuý") == "nguyen thi thuy"
    assert fold("Đặng Hữu Phước") == "dang huu phuoc"
    assert fold("Ệ ệ ỗ Ữ") == "e e o u"  # letters with two marks
    assert fold(None) == "" and fold("") == ""


def test_nfd_input_equals_nfc() -> None:
    name = "Nguyễn Thị Hường"
    assert len(nfd("Nguyễn")) == 8 and len(nfc("Nguyễn")) == 6
    assert nfc(nfd(name)) == name
    assert fold(nfd(name)) == fold(name)
    assert sort_key(nfd(name)) == sort_key(name)


def test_alphabet_order() -> None:
    letters = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ",
               "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"]
    shuffled = list(reversed(letters))
    assert sorted(shuffled, key=sort_key) == letters


def test_dang_between_duong_and_em() -> None:
    names = ["Em", "Đặng", "Dương", "Zũ", "Anh"]
    assert sorted(names, key=sort_key) == ["Anh", "Dương", "Đặng", "Em", "Zũ"]
    assert sort_key("Dương") < sort_key("Đặng") < sort_key("Em")
    # Python's default order is wrong for Vietnamese: Đ comes after Z.
    assert sorted(names)[-1] == "Đặng"


def test_tones_are_secondary() -> None:
    # Tone only breaks ties between otherwise equal words: ma < mà < mả < mã < má < mạ.
    words = ["mạ", "má", "mã", "mả", "mà", "ma"]
    assert sorted(words, key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sort_key("mạ") < sort_key("mai")  # the letters decide first


def test_sort_keys_compare_like_sqlite_binary() -> None:
    keys = [sort_key(n) for n in ["Ánh", "Ân", "Ăn", "Bình", "Đức"]]
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode("utf-8"))


def test_given_vs_family_order() -> None:
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Đặng Thị Cúc", "Nguyễn Văn Bình"]
    assert sort_names(names, NameOrder.GIVEN) == [
        "Lê Văn An", "Nguyễn Thị An", "Nguyễn Văn Bình", "Trần Văn Bình", "Đặng Thị Cúc"
    ]
    assert sort_names(names, NameOrder.FAMILY) == [
        "Đặng Thị Cúc", "Lê Văn An", "Nguyễn Thị An", "Nguyễn Văn Bình", "Trần Văn Bình"
    ]
    assert name_sort_key("Lê An", "given") == name_sort_key("Lê An", NameOrder.GIVEN)


@pytest.mark.parametrize(
    "raw,family,middle,given",
    [
        ("Nguyễn Thị Minh Khai", "Nguyễn", "Thị Minh", "Khai"),
        ("Lê An", "Lê", "", "An"),
        ("An", "", "", "An"),
        ("", "", "", ""),
        (None, "", "", ""),
        ("  Trần   Văn   Ba  ", "Trần", "Văn", "Ba"),
        (unicodedata.normalize("NFD", "Đặng Hữu Phước"), "Đặng", "Hữu", "Phước"),
        ("Tôn Nữ Thị Ngọc Hân", "Tôn", "Nữ Thị Ngọc", "Hân"),
    ],
)
def test_split_name(raw, family, middle, given) -> None:  # type: ignore[no-untyped-def]
    p = split_name(raw)
    assert (p.family, p.middle, p.given) == (family, middle, given)
    assert unicodedata.is_normalized("NFC", p.given)


_vi_letters = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ ")
                              + ["ả", "ã", "á", "ạ", "à", "ệ", "ỗ", "ữ", "ý", "ỳ", "ờ", "ợ", "Ặ", "Ồ"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_vi_letters, max_size=30).map("".join))
def test_fold_ignores_normalisation_form(text: str) -> None:
    assert fold(nfd(text)) == fold(nfc(text))
    assert fold(fold(text)) == fold(text)
    assert fold(text) == fold(text).lower()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_fold_any_text_is_stable(text: str) -> None:
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))

"""Folding, collation and name splitting of Vietnamese text (common.vietnamese)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.vietnamese import NameOrder, fold, name_sort_key, nfc, sort_key, sort_names, split_name


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
def test_split_name(raw, family, middle, given) -> None:
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


# ------------------------------------------------------------------------------ names with legacy spellings
def test_tones_order_per_syllable_wherever_the_mark_sits() -> None:
    # ngang < huyền < hỏi < ngã < sắc < nặng; both placements of each tone are equal
    groups = [["Thuy"], ["Thùy", "Thuỳ"], ["Thủy", "Thuỷ"], ["Thũy", "Thuỹ"], ["Thúy", "Thuý"], ["Thụy", "Thuỵ"]]
    for group in groups:
        assert len({sort_key(w) for w in group}) == 1
    flat = [w for g in groups for w in g]
    ranked = sorted(reversed(flat), key=sort_key)
    assert [next(i for i, g in enumerate(groups) if w in g) for w in ranked] == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert sort_key("Hòa") == sort_key("Hoà") and sort_key("Khánh Hòa") == sort_key("Khánh Hoà")
    assert sort_key("Hoà") < sort_key("Hoả") < sort_key("Hoá") < sort_key("Hoạ")
    assert sort_key("Thùy") < sort_key("Thủy") < sort_key("Thúy")
    # the first syllable's tone decides before the second's
    assert sort_key("Hòa Thuý") < sort_key("Hóa Thùy")
    assert sort_key("Hoà Thùy") < sort_key("Hòa Thúy")


def test_names_with_either_placement_sort_together() -> None:
    names = ["Nguyễn Thị Thúy", "Lê Thị Thuý", "Trần Thị Thủy", "Phạm Thị Thuỷ", "Võ Thị Thuy", "Đỗ Thị Thùy"]
    given = [split_name(n).given for n in sort_names(names, NameOrder.GIVEN)]
    assert given == ["Thuy", "Thùy", "Thuỷ", "Thủy", "Thuý", "Thúy"]  # ties by family name: Phạm < Trần, Lê < Nguyễn


def test_eth_from_old_windows_files_is_d() -> None:
    eth_upper, eth_lower = "\u00d0", "\u00f0"
    assert nfc(f"{eth_upper}ặng Văn {eth_lower}ức") == "Đặng Văn đức"
    assert fold(f"{eth_upper}ặng") == fold("Đặng") == fold(f"{eth_lower}ặng") == "dang"
    assert sort_key(f"{eth_upper}ặng") == sort_key("Đặng")
    assert sort_key("Dương") < sort_key(f"{eth_upper}ông") < sort_key("Em")
    assert split_name(f"{eth_upper}inh Văn Tư").family == "Đinh"


def test_villages_sort_naturally_and_by_vietnamese_letters() -> None:
    villages = ["Tổ dân phố 10", "Tổ dân phố 2", "Tổ dân phố 1", "Thôn Đông", "Thôn Dương", "Thôn 12", "Thôn 3",
                "Tổ dân phố 100", "Ấp 2", "An Phú"]
    assert sorted(villages, key=sort_key) == [
        "An Phú", "Ấp 2", "Thôn 3", "Thôn 12", "Thôn Dương", "Thôn Đông",
        "Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 10", "Tổ dân phố 100",
    ]
    assert sort_key("Tổ 2") < sort_key("Tổ 02") < sort_key("Tổ 3")  # leading zeros only break the tie
    assert sort_key("Khu 2A") < sort_key("Khu 2B") < sort_key("Khu 10")


@pytest.mark.parametrize(
    "raw,family,middle,given",
    [
        ("Y Bih Niê Kdăm", "Niê Kdăm", "Y", "Bih"),
        ("Y Moan Êban", "Êban", "Y", "Moan"),
        ("H'Hen Niê", "Niê", "", "H'Hen"),
        ("H’Nga Ktla", "Ktla", "", "H’Nga"),
        ("H' Lan Êban", "Êban", "H'", "Lan"),
        ("Ksor Y Zâm", "Ksor", "Y", "Zâm"),  # Jrai, clan first: the ordinary rule
        ("Nguyễn Thị Y", "Nguyễn", "Thị", "Y"),
    ],
)
def test_split_clan_last_names(raw, family, middle, given) -> None:
    p = split_name(raw)
    assert (p.family, p.middle, p.given) == (family, middle, given)


def test_clan_last_names_sort_by_personal_name() -> None:
    names = ["Y Bih Niê Kdăm", "H'Hen Niê", "Nguyễn Văn An", "Trần Thị Hoa", "Lê Văn Cường", "H’Bia Mlô"]
    assert sort_names(names, NameOrder.GIVEN) == [
        "Nguyễn Văn An", "H’Bia Mlô", "Y Bih Niê Kdăm", "Lê Văn Cường", "H'Hen Niê", "Trần Thị Hoa",
    ]
    # family order reads the clan first: Niê Kdăm Y Bih, Niê H'Hen
    assert sort_names(names, NameOrder.FAMILY) == [
        "Lê Văn Cường", "H’Bia Mlô", "Nguyễn Văn An", "H'Hen Niê", "Y Bih Niê Kdăm", "Trần Thị Hoa",
    ]


# Syllables without a tone, each with the letters a tone mark may sit on (any of its vowels).
_SYLLABLES = ["thuy", "hoa", "khoe", "quy", "nguyen", "tuan", "thanh", "hue", "loan", "oanh", "uyen", "dao",
              "buoi", "khuya", "an", "ha", "vu", "y"]
_TONE_MARK = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def _with_tone(syllable: str, tone: int, where: int) -> str:
    vowels = [i for i, ch in enumerate(syllable) if ch in "aeiouy"]
    at = vowels[where % len(vowels)]
    return unicodedata.normalize("NFC", syllable[: at + 1] + _TONE_MARK[tone] + syllable[at + 1 :])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_SYLLABLES), st.integers(0, 5), st.integers(0, 5), st.integers(0, 3),
                       st.integers(0, 3)), min_size=1, max_size=4)
)
def test_tone_order_is_per_syllable(spec) -> None:
    """Same letters: the keys compare as the tone sequences do, whichever vowel carries each mark."""
    a = " ".join(_with_tone(s, t1, w1) for s, t1, _, w1, _ in spec)
    b = " ".join(_with_tone(s, t2, w2) for s, _, t2, _, w2 in spec)
    tones_a = [t1 for _, t1, _, _, _ in spec]
    tones_b = [t2 for _, _, t2, _, _ in spec]
    ka, kb = sort_key(a), sort_key(b)
    assert (ka < kb) == (tones_a < tones_b) and (ka == kb) == (tones_a == tones_b)
    assert sort_key(a.upper()) == ka and sort_key(nfd(a)) == ka


_text_with_vietnamese = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxy AĂÂĐÊÔƠƯ0123456789'-.\t\u00d0\u00f0")
                             + ["ả", "ã", "á", "ạ", "à", "ệ", "ỗ", "ữ", "ý", "ỳ", "ờ", "ợ", "Ặ", "Ồ", "\u0301", "\u0323"]),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_text_with_vietnamese, st.text(max_size=20)))
def test_fold_of_nfc_is_fold(text: str) -> None:
    assert fold(nfc(text)) == fold(text)
    assert sort_key(nfc(text)) == sort_key(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_text_with_vietnamese, min_size=2, max_size=6))
def test_sort_key_is_a_total_order_usable_by_sqlite(texts: list[str]) -> None:
    keys = [sort_key(t) for t in texts]
    # string order on the keys is what SQLite's BINARY collation does with their UTF-8 bytes
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode("utf-8"))
    assert all(ord(ch) < 0x800 for k in keys for ch in k)  # at most two UTF-8 bytes per weight
    # equal keys only for texts equal up to case, tone placement, eth and leading zeros
    for x, y in zip(texts, texts[1:], strict=False):
        if sort_key(x) == sort_key(y):
            assert fold(x).replace("0", "") == fold(y).replace("0", "") or not fold(x)

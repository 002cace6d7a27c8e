"""The 12-digit personal ID number: structure, province codes, century/sex digit, Excel repairs."""

from __future__ import annotations

import datetime as dt

import pytest

from common import idnumber
from common.idnumber import IdNumberError, check_against, clean, make, parse


def test_valid_number_parts() -> None:
    n = parse("056190001234")
    assert (n.place_code, n.century_sex, n.year_digits, n.serial) == ("056", 1, 90, "001234")
    assert n.place_name == "Khánh Hòa"
    assert n.sex == "F" and n.birth_year == 1990 and not n.born_abroad


@pytest.mark.parametrize("raw,code", [
    ("05619000123", "length"), ("0561900012345", "length"), ("", "empty"), (None, "empty"),
    ("05619000123A", "not_digits"), ("003190001234", "province"), ("099190001234", "province"),
])
def test_refused(raw, code) -> None:
    with pytest.raises(IdNumberError) as ei:
        parse(raw)
    assert ei.value.code == code
    assert ei.value.message  # Vietnamese reason for the officer


@pytest.mark.parametrize("year,sex,digit", [
    (1990, "M", 0), (1990, "F", 1), (1900, "M", 0), (1999, "F", 1),
    (2000, "M", 2), (2005, "F", 3), (2099, "M", 2), (2100, "F", 5),
])
def test_century_sex_digit(year: int, sex: str, digit: int) -> None:
    number = make("001", year, sex, 42)
    assert number[3] == str(digit)
    parsed = parse(number)
    assert parsed.birth_year == year and parsed.sex == sex
    assert check_against(parsed, year, sex) == []


def test_mismatch_with_birth_year_and_sex() -> None:
    n = parse(make("056", 1985, "M", 7))
    problems = check_against(n, 1986, "F")
    assert len(problems) == 2
    assert "1985" in problems[0] and "1986" in problems[0]
    assert "nam" in problems[1] and "nữ" in problems[1]
    # 20xx digit against a 19xx birth year
    n2 = parse(make("056", 2005, "M", 7))
    assert check_against(n2, 1905, "M")
    assert check_against(n2, None, None) == []


@pytest.mark.parametrize("raw", ["999195000066", "840190001234", "100190001234", "003190001234"])
def test_unknown_place_code_is_refused_naming_it(raw: str) -> None:
    # Decree 137/2015 Art. 13 allows a country code for births registered abroad, but no official list
    # of those codes was found (Circulars 07/2016 and 59/2021 publish the 63 province codes only): refused.
    with pytest.raises(IdNumberError) as ei:
        parse(raw)
    assert ei.value.code == "province"
    assert f"'{raw[:3]}'" in ei.value.message and "63 tỉnh" in ei.value.message
    assert not idnumber.is_known_place(raw[:3])


def test_documented_abroad_code_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idnumber, "ABROAD_CODES", frozenset({"840"}))
    n = parse("840190001234")
    assert n.born_abroad and n.place_name is None and n.birth_year == 1990
    assert not parse("056190001234").born_abroad


def test_shipped_abroad_list_is_empty_and_never_shadows_a_province() -> None:
    assert frozenset() == idnumber.ABROAD_CODES
    assert not idnumber.ABROAD_CODES & set(idnumber.PROVINCE_CODES)


def test_eleven_digit_repair() -> None:
    c = clean("56190001234")  # Excel ate the leading zero
    assert c.value == "056190001234" and len(c.warnings) == 1
    assert parse(c.value).place_code == "056"
    # Not repaired when the result would not start with a province code
    assert clean("99190001234").value == "99190001234"


@pytest.mark.parametrize(("raw", "fixed"), [
    ("1190012345", "001190012345"),  # Hà Nội, female, 1990
    ("2085000123", "002085000123"),  # Hà Giang, male, 1985
    ("4305123456", "004305123456"),  # Cao Bằng, female, 2005
    ("6070000001", "006070000001"),  # Bắc Kạn
    ("8199999999", "008199999999"),  # Tuyên Quang
    (1190012345.0, "001190012345"),  # a number cell, as calamine returns it
    ("1190012345.0", "001190012345"),
])
def test_ten_digit_repair_two_zeros(raw: object, fixed: str) -> None:
    c = clean(raw, today=dt.date(2026, 1, 5))
    assert c.value == fixed
    assert len(c.warnings) == 1 and "hai số 0" in c.warnings[0] and fixed in c.warnings[0]
    assert parse(c.value).place_code == fixed[:3]


@pytest.mark.parametrize("raw", [
    "3190012345",  # 003 is not a province
    "1490012345",  # century digit 4: born 2190
    "1240012345",  # 2040: in the future
    "0912345678",  # a phone number
    "9190012345",  # 009 is not a province
])
def test_ten_digits_not_repaired_unless_plausible(raw: str) -> None:
    c = clean(raw, today=dt.date(2026, 1, 5))
    assert c.value == raw and c.warnings == []
    with pytest.raises(IdNumberError):
        parse(c.value)


def test_eleven_digit_repair_needs_a_plausible_year_too() -> None:
    assert clean("56490001234", today=dt.date(2026, 1, 5)).value == "56490001234"  # century digit 4
    assert clean("56230001234", today=dt.date(2026, 1, 5)).value == "56230001234"  # 2030
    assert clean("56225001234", today=dt.date(2026, 1, 5)).value == "056225001234"  # 2025


def test_float_input() -> None:
    assert clean(56190001234.0).value == "056190001234"
    with pytest.raises(IdNumberError, match="'840'"):
        parse(840190001234.0)  # a float cell is read like text, then refused for its place code
    assert clean("56190001234.0").value == "056190001234"
    assert clean(" 056 190 001 234 ").value == "056190001234"
    assert clean(None).value is None


def test_make_wraps_serial_and_old_cmnd() -> None:
    assert make("079", 1970, "M", 1_000_001).endswith("000001")
    assert idnumber.is_old_cmnd("225123456") and not idnumber.is_old_cmnd("2251234567")

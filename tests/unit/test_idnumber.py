"""The 12-digit personal ID number: structure, province codes, century/sex digit, Excel repairs."""

from __future__ import annotations

import pytest

from desktop import idnumber
from desktop.idnumber import IdNumberError, check_against, clean, make, parse


def test_valid_number_parts() -> None:
    n = parse("056190001234")
    assert (n.place_code, n.century_sex, n.year_digits, n.serial) == ("056", 1, 90, "001234")
    assert n.place_name == "Khánh Hòa"
    assert n.sex == "F" and n.birth_year == 1990 and not n.born_abroad


@pytest.mark.parametrize("raw,code", [
    ("05619000123", "length"), ("0561900012345", "length"), ("", "empty"), (None, "empty"),
    ("05619000123A", "not_digits"), ("003190001234", "province"), ("099190001234", "province"),
])
def test_refused(raw, code) -> None:  # type: ignore[no-untyped-def]
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


def test_born_abroad_prefix() -> None:
    n = parse("840190001234")  # country code, not a province
    assert n.born_abroad and n.place_name is None


def test_eleven_digit_repair() -> None:
    c = clean("56190001234")  # Excel ate the leading zero
    assert c.value == "056190001234" and len(c.warnings) == 1
    assert parse(c.value).place_code == "056"
    # Not repaired when the result would not start with a province code
    assert clean("99190001234").value == "99190001234"


def test_float_input() -> None:
    assert clean(56190001234.0).value == "056190001234"
    assert parse(840190001234.0).value == "840190001234"
    assert clean("56190001234.0").value == "056190001234"
    assert clean(" 056 190 001 234 ").value == "056190001234"
    assert clean(None).value is None


def test_make_wraps_serial_and_old_cmnd() -> None:
    assert make("079", 1970, "M", 1_000_001).endswith("000001")
    assert idnumber.is_old_cmnd("225123456") and not idnumber.is_old_cmnd("2251234567")

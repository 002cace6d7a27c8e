"""The 12-digit personal identification number (số định danh cá nhân): PPP G YY NNNNNN.

PPP is one of the 63 pre-2025 province codes of the place of birth registration, G encodes century and
sex, YY the birth year. There is no check digit, so the useful checks are structure and agreement with the
citizen's birth year and sex.

Births registered abroad. Decree 137/2015/NĐ-CP Art. 13 (as amended by Decree 37/2021/NĐ-CP) says the three
digits are "mã tỉnh, thành phố trực thuộc trung ương hoặc mã quốc gia nơi công dân đăng ký khai sinh", and
Circular 07/2016/TT-BCA Art. 7 / Circular 59/2021/TT-BCA publish the province codes as an appendix (Phụ lục
I: the 63 codes below). No published list of the country codes was found in copies of both circulars and
the decree. They are not plain ISO 3166-1 numeric: 004 (Afghanistan), 008, 012, 020, 024, 031, 036, 040
... 096 (Brunei) would collide with province codes. So a code outside the 63 is refused unless it is listed
in `birth_abroad_codes.txt` beside this module, which ships empty: add a code there only from an official
source (the Ministry of Public Security's catalogue).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

# The 63 pre-2025 province codes. The 2025 mergers did not change issued numbers.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa–Vũng Tàu", "079": "TP. Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
assert len(PROVINCE_CODES) == 63

# The 34 provinces of 1 July 2025 (code as in sync/data/communes-2025.csv, without leading zeros) and the
# pre-2025 provinces each was formed from (Resolution 202/2025/QH15), as the 3-digit codes ID numbers carry.
# Numbers issued before the merger keep their old code, so a 2025 province's people are born in these.
PROVINCES_2025_FROM: dict[str, tuple[str, ...]] = {
    "1": ("001",), "4": ("004",), "8": ("008", "002"), "11": ("011",), "12": ("012",), "14": ("014",),
    "15": ("010", "015"), "19": ("019", "006"), "20": ("020",), "22": ("022",), "24": ("027", "024"),
    "25": ("025", "026", "017"), "31": ("031", "030"), "33": ("033", "034"), "37": ("037", "035", "036"),
    "38": ("038",), "40": ("040",), "42": ("042",), "44": ("045", "044"), "46": ("046",), "48": ("048", "049"),
    "51": ("051", "062"), "52": ("064", "052"), "56": ("056", "058"), "66": ("066", "054"),
    "68": ("068", "067", "060"), "75": ("075", "070"), "79": ("079", "074", "077"), "80": ("072", "080"),
    "82": ("087", "082"), "86": ("086", "083", "084"), "91": ("089", "091"), "92": ("092", "094", "093"),
    "96": ("096", "095"),
}
assert len(PROVINCES_2025_FROM) == 34
assert sorted(c for codes in PROVINCES_2025_FROM.values() for c in codes) == sorted(PROVINCE_CODES)


def birth_codes_of_2025_province(province_code: str) -> tuple[str, ...]:
    """The pre-2025 codes (ID numbers' first three digits) of a 2025 province ('56' → ('056', '058'))."""
    return PROVINCES_2025_FROM.get(str(int(province_code)) if province_code.isdigit() else province_code, ())


def _load_abroad_codes() -> frozenset[str]:
    path = Path(__file__).with_name("birth_abroad_codes.txt")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    codes = {line.split("#", 1)[0].strip() for line in lines}
    return frozenset(c for c in codes if len(c) == 3 and c.isdigit() and c not in PROVINCE_CODES)


# Codes for births registered abroad that an official source documents (see the module docstring).
ABROAD_CODES: frozenset[str] = _load_abroad_codes()


def is_known_place(code: str) -> bool:
    """True for one of the 63 province codes or a documented code for a birth registered abroad."""
    return code in PROVINCE_CODES or code in ABROAD_CODES


_DIGITS = re.compile(r"\d+")
_OLD_CMND = re.compile(r"^\d{9}$")


class IdNumberError(ValueError):
    """An unusable ID number; `message` is Vietnamese and names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    place_code: str
    century_sex: int
    year_digits: int
    serial: str

    @property
    def born_abroad(self) -> bool:
        return self.place_code in ABROAD_CODES

    @property
    def place_name(self) -> str | None:
        return PROVINCE_CODES.get(self.place_code)

    @property
    def sex(self) -> str:
        """'M' or 'F', from the parity of G."""
        return "F" if self.century_sex % 2 else "M"

    @property
    def birth_year(self) -> int:
        return 1900 + (self.century_sex // 2) * 100 + self.year_digits


@dataclass(slots=True)
class Cleaned:
    """The result of cleaning a typed or imported number: the value to store and any warnings."""

    value: str | None
    warnings: list[str] = field(default_factory=list)


def _strip(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        # Spreadsheets hand whole numbers back as floats: 56179007777.0
        if raw.is_integer():
            return str(int(raw))
        return str(raw)
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-'’")


def parse(raw: object) -> IdNumber:
    """Parse a 12-digit number or raise IdNumberError with a Vietnamese reason."""
    text = _strip(raw)
    if not text:
        raise IdNumberError("empty", "Thiếu số định danh")
    if not text.isdigit():
        raise IdNumberError("not_digits", f"Số định danh '{text}' chứa ký tự không phải chữ số")
    if len(text) != 12:
        raise IdNumberError("length", f"Số định danh phải có 12 chữ số, '{text}' có {len(text)}")
    place = text[:3]
    if not is_known_place(place):
        raise IdNumberError(
            "province",
            f"Mã nơi đăng ký khai sinh '{place}' (3 số đầu của '{text}') không phải mã của 63 tỉnh, thành phố "
            "và không có trong danh mục mã quốc gia đã biết: kiểm tra lại số trên thẻ",
        )
    return IdNumber(text, place, int(text[3]), int(text[4:6]), text[6:])


def _plausible(number: str, today: dt.date | None = None) -> bool:
    """A repaired number must look real: a known place, a century digit for 1900–2099, a year not in the future."""
    if len(number) != 12 or not number.isdigit() or not is_known_place(number[:3]):
        return False
    g = int(number[3])
    if g > 3:
        return False
    year = 1900 + (g // 2) * 100 + int(number[4:6])
    return year <= (today or dt.date.today()).year


def clean(raw: object, today: dt.date | None = None) -> Cleaned:
    """Normalise an imported number, repairing the zeros Excel drops from a number stored as a number.

    11 digits: one leading zero lost (every province code starts with 0). 10 digits: two lost, which happens
    to the codes 001–008 (Hà Nội, Hà Giang, Cao Bằng, Bắc Kạn, Tuyên Quang). A repair is made, with a
    warning, only when the result has a province code, a century digit for 1900–2099 and a birth year not
    after `today`'s; anything else is returned as it came, for parse() to refuse with its reason.
    """
    text = _strip(raw)
    if not text:
        return Cleaned(None)
    if len(text) in (10, 11) and text.isascii() and text.isdigit():
        zeros = 12 - len(text)
        fixed = "0" * zeros + text
        if fixed[:3] in PROVINCE_CODES and _plausible(fixed, today):
            lost = "số 0 đầu" if zeros == 1 else "hai số 0 đầu"
            return Cleaned(fixed, [f"Số định danh '{text}' thiếu {lost} (do Excel), đã sửa thành '{fixed}'"])
    return Cleaned(text)


def is_old_cmnd(raw: object) -> bool:
    """The 9-digit CMND, kept only to match old records."""
    return bool(_OLD_CMND.match(_strip(raw)))


def check_against(number: IdNumber, birth_year: int | None, sex: str | None) -> list[str]:
    """Disagreements between the number and the citizen's birth year and sex, in Vietnamese."""
    problems: list[str] = []
    if birth_year is not None and number.birth_year != birth_year:
        problems.append(
            f"Số định danh ghi năm sinh {number.birth_year} nhưng năm sinh khai là {birth_year}"
        )
    if sex in ("M", "F") and number.sex != sex:
        said = "nam" if number.sex == "M" else "nữ"
        given = "nam" if sex == "M" else "nữ"
        problems.append(f"Số định danh ghi giới tính {said} nhưng giới tính khai là {given}")
    return problems


def century_sex_digit(birth_year: int, sex: str) -> int:
    """The G digit for a birth year and sex (used by the demo generator and tests)."""
    century = (birth_year - 1900) // 100
    return century * 2 + (1 if sex == "F" else 0)


def make(place_code: str, birth_year: int, sex: str, serial: int) -> str:
    """Build a valid number; the serial is the random part."""
    return f"{place_code}{century_sex_digit(birth_year, sex)}{birth_year % 100:02d}{serial % 1_000_000:06d}"

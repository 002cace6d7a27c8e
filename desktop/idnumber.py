"""The 12-digit personal identification number (số định danh cá nhân): PPP G YY NNNNNN.

PPP is one of the 63 pre-2025 province codes of the place of birth registration (or a country code not
starting with 0 for births registered abroad), G encodes century and sex, YY the birth year. There is no
check digit, so the useful checks are structure and agreement with the citizen's birth year and sex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
        return not self.place_code.startswith("0")

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
    if place.startswith("0") and place not in PROVINCE_CODES:
        raise IdNumberError("province", f"Mã tỉnh nơi đăng ký khai sinh '{place}' không tồn tại")
    return IdNumber(text, place, int(text[3]), int(text[4:6]), text[6:])


def clean(raw: object) -> Cleaned:
    """Normalise an imported number. Repairs 11 digits whose leading zero Excel dropped, with a warning."""
    text = _strip(raw)
    if not text:
        return Cleaned(None)
    if len(text) == 11 and text.isdigit() and ("0" + text[:2]) in PROVINCE_CODES:
        fixed = "0" + text
        return Cleaned(fixed, [f"Số định danh '{text}' thiếu số 0 đầu (do Excel), đã sửa thành '{fixed}'"])
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

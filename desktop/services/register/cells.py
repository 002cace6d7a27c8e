"""Cell parsers: one spreadsheet or CSV cell (text, float, date, bool) → a clean value, an error, a warning.

Pure functions, no database: text (NFC, control characters removed), dates (Vietnamese day-first forms,
Excel serials, years alone), sex, flags, phone numbers, names. `validate.RowValidator` combines them into
the rules for a whole row. Messages are Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from common.vietnamese import fold, nfc

MAX_AGE = 130
_EPOCH = dt.date(1899, 12, 30)  # Excel's serial day 0 (1900 date system, after its leap-year bug)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")
SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_PHONE_JUNK = re.compile(r"[\s.\-()\u00a0'’]+")
_COLUMN_NUMBER = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY2 = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_NON_ALNUM = re.compile(r"[^0-9a-z\u2713\u2714\u2717\u2718+\-]+")
_DATE_INSIDE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{4}-\d{1,2}-\d{1,2}")
_WORDS = re.compile(r"^ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")


def clean_text(value: object) -> str:
    """Any cell as NFC text without control characters, spacing kept (for full_name_raw)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    elif isinstance(value, dt.date):
        text = value.strftime("%d/%m/%Y")
    else:
        text = str(value)
    if not text.isascii() or _CONTROL.search(text):
        text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    return text


def text_value(value: object) -> str:
    """Cell → NFC, trimmed, single-spaced text (what vietnamese.nfc gives, with a fast path for clean text)."""
    if type(value) is str:
        if not value:
            return ""
        if _CONTROL.search(value) is None:
            # Ð/ð (cp1258's Đ/đ read as cp1252) must go through nfc(), which turns them into Đ/đ.
            if value.isascii() or (unicodedata.is_normalized("NFC", value) and "\u00d0" not in value
                                   and "\u00f0" not in value):
                return " ".join(value.split())
            return nfc(value)
    t = clean_text(value)
    return nfc(t) if t else ""


# ------------------------------------------------------------------------------------------------ dates

@lru_cache(maxsize=131_072)
def _parse_date_text(text: str) -> tuple[dt.date | None, int | None, str | None, str | None]:
    """(date, year, error, warning) for a date written as text."""
    s = text.strip()
    m = _DMY.match(s)
    if m:
        return _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)), s)
    m = _YMD.match(s)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), s, day_first=False)
    m = _YEAR.match(s)
    if m:
        return None, int(m.group(1)), None, None
    m = _MY.match(s)
    if m and 1 <= int(m.group(1)) <= 12:
        return None, int(m.group(2)), None, None
    m = _SERIAL.match(s)
    if m:
        return _serial(float(s))
    m = _DMY2.match(s)
    if m:
        yy = int(m.group(3))
        this = dt.date.today().year % 100
        year = (2000 + yy) if yy <= this else (1900 + yy)
        d, y, err, _ = _make_date(year, int(m.group(2)), int(m.group(1)), s)
        return d, y, err, None if err else f"Năm viết 2 chữ số '{s}', đã hiểu là năm {year}"
    m = _WORDS.match(fold(s).replace(",", " "))
    if m:
        return _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)), s)
    return None, None, f"Không đọc được ngày '{s}' (cần dạng ngày/tháng/năm, ví dụ 25/03/1985)", None


DateParse = tuple[dt.date | None, int | None, str | None, str | None]  # (date, year, error, warning)


def _make_date(y: int, m: int, d: int, s: str, day_first: bool = True) -> DateParse:
    try:
        return dt.date(y, m, d), y, None, None
    except ValueError:
        pass
    if day_first and m > 12 and d <= 12:
        try:
            fixed = dt.date(y, d, m)
            return fixed, y, None, f"Ngày '{s}' có vẻ viết tháng trước ngày, đã hiểu là {fixed:%d/%m/%Y}"
        except ValueError:
            pass
    return None, None, f"Ngày '{s}' không tồn tại", None


def _serial(v: float) -> DateParse:
    if not 1 <= v < 2958466:
        return None, None, f"Số '{v:g}' không phải ngày hợp lệ", None
    d = _EPOCH + dt.timedelta(days=int(v))
    return d, d.year, None, None


def parse_date(value: object) -> tuple[dt.date | None, int | None, str | None, str | None]:
    """Any cell → (date or None, year or None, error, warning). Year-only values give (None, year)."""
    if type(value) is str:
        if value.isascii() and _CONTROL.search(value) is None:
            return _parse_date_text(value) if value.strip() else (None, None, None, None)
    elif value is None:
        return None, None, None, None
    if isinstance(value, dt.datetime):
        return value.date(), value.year, None, None
    if isinstance(value, dt.date):
        return value, value.year, None, None
    if isinstance(value, bool):
        return None, None, f"Giá trị '{value}' không phải ngày", None
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None, None, "Giá trị không phải ngày", None
        if float(value).is_integer() and 1000 <= value <= 2200:
            return None, int(value), None, None  # a year typed as a number
        return _serial(float(value))
    text = clean_text(value).strip()
    if not text:
        return None, None, None, None
    return _parse_date_text(text)


# ------------------------------------------------------------------------------------------- small fields

_MALE = {"nam", "m", "male", "trai", "ong", "nam gioi"}
_FEMALE = {"nu", "f", "female", "gai", "ba", "nu gioi"}
_FALSE = {"0", "khong", "k", "no", "false", "-", "khong can", "chua", "n"}


@lru_cache(maxsize=4096)
def _sex_text(text: str) -> str | None:
    f = fold(clean_text(text)).strip(" .")
    if f in _MALE:
        return "M"
    if f in _FEMALE:
        return "F"
    return None


def parse_sex(value: object) -> tuple[str | None, bool]:
    """('M'|'F'|None, ok)."""
    if value is None or value == "":
        return None, True
    if type(value) is str:
        if value in ("M", "F"):
            return value, True
        sex = _sex_text(value)
        return sex, sex is not None
    sex = _sex_text(clean_text(value))
    return sex, sex is not None


def is_marked(value: object) -> bool:
    """A flag cell: 'x', 'có', '1', True → True; blank, '0', 'không' → False."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    t = fold(clean_text(value)).strip(" .")
    return bool(t) and t not in _FALSE


# Status columns of half-done communes ("Đã có thẻ căn cước", "Đã kích hoạt VNeID", "VNeID mức 2"): the
# village heads write yes and no in many ways. Folded, trimmed of ' .!'; a date in the cell also means yes.
_YES = {
    "co", "x", "xx", "v", "1", "yes", "y", "true", "ok", "roi", "da", "da co", "co roi", "da co roi", "da cap",
    "da cap the", "da lam", "da lam roi", "da kich hoat", "da kich hoat roi", "kich hoat", "da dang ky",
    "da dang ky roi", "dang ky", "da duyet", "duyet", "muc 2", "muc do 2", "md2", "m2", "da co the", "co the",
    "da nhan", "da nhan the", "da xong", "xong", "hoan thanh", "da hoan thanh", "\u2713", "\u2714", "+",
}
_NO = {
    "khong", "k", "ko", "kh", "0", "no", "n", "false", "-", "chua", "chua co", "chua cap", "chua lam",
    "chua kich hoat", "chua dang ky", "chua co the", "khong co", "muc 1", "muc do 1", "m1", "md1", "chua duyet",
    "chua nhan", "chua xong", "\u2717", "\u2718",
}
_YES_PREFIX = ("da ", "roi ")
_NO_PREFIX = ("chua ", "khong ")


@lru_cache(maxsize=4096)
def _yes_no_text(text: str) -> tuple[bool | None, bool, dt.date | None]:
    folded = " ".join(_NON_ALNUM.sub(" ", fold(text).replace("\u2713", " \u2713 ")).split())
    if not folded:
        return None, True, None
    when = None
    m = _DATE_INSIDE.search(text)
    if m:
        when, _y, err, _w = _parse_date_text(m.group(0))
        if err:
            when = None
    if folded in _YES:
        return True, True, when
    if folded in _NO:
        return False, True, None
    if folded.startswith(_NO_PREFIX):
        return False, True, None
    padded = f" {folded} "
    if " muc 1 " in padded or " muc do 1 " in padded:
        return False, True, None
    if " muc 2 " in padded or " muc do 2 " in padded:
        return True, True, when
    if when is not None or folded.startswith(_YES_PREFIX):
        return True, True, when
    return None, False, None


def says_activated(value: object) -> bool:
    """A VNeID cell that says the account is activated ('Đã kích hoạt'), not only registered."""
    if not isinstance(value, str):
        return False
    f = fold(value)
    return "kich hoat" in f and not any(w in f for w in ("chua", "khong"))


def parse_yes_no(value: object) -> tuple[bool | None, bool, dt.date | None]:
    """A yes/no status cell → (answer or None when blank, understood, date written in the cell).

    'có', 'x', 'rồi', 'Đã cấp', 'Đã kích hoạt', 'Mức 2', a date ('12/03/2022' = yes, issued then) → True;
    'không', 'chưa', 'Chưa cấp', 'Mức 1', '0' → False; anything else → (None, False) for a warning.
    """
    if value is None or value == "":
        return None, True, None
    if isinstance(value, bool):
        return value, True, None
    if isinstance(value, dt.datetime):
        return True, True, value.date()
    if isinstance(value, dt.date):
        return True, True, value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value), True, None
        d, _y, err, _w = parse_date(value)
        return (True, True, d) if d is not None and err is None else (None, False, None)
    return _yes_no_text(clean_text(value).strip())


def parse_phone(value: object) -> tuple[str | None, list[str]]:
    """Normalised phone (digits, +84 → 0) and warnings; never an error."""
    if value is None or value == "":
        return None, []
    if type(value) is str and len(value) == 10 and value.isascii() and _MOBILE.fullmatch(value):
        return value, []  # already a clean mobile number (most rows): what the steps below would return
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else clean_text(value)
    shown = text.strip()
    s = _PHONE_JUNK.sub("", text)
    if not s:
        return None, []
    warnings: list[str] = []
    parts = [p for p in re.split(r"[/,;|]|hoac|hoặc", s) if p]
    if len(parts) > 1:
        s = parts[0]
        warnings.append(f"Có nhiều số điện thoại '{shown}', chỉ lấy số đầu")
    if s.startswith("+84"):
        s = "0" + s[3:]
    elif s.startswith("0084"):
        s = "0" + s[4:]
    elif s.startswith("84") and len(s) == 11:
        s = "0" + s[2:]
    if not (s.isascii() and s.isdigit()) or len(s) > 15:
        return None, [*warnings, f"Số điện thoại '{shown}' không hợp lệ, đã bỏ qua"]
    if len(s) == 9 and s[0] in "35789":
        s = "0" + s
        warnings.append(f"Số điện thoại '{shown}' thiếu số 0 đầu (do Excel), đã sửa thành '{s}'")
    if not _MOBILE.fullmatch(s):
        warnings.append(f"Số điện thoại '{s}' không phải số di động Việt Nam 10 chữ số")
    return s, warnings


_NAME_PUNCT = set(" '’-.")


def _bad_name_char(name: str) -> str | None:
    """Names are letters (with marks), spaces and the ' - . of ethnic-minority names (H'Hen Niê, Y-Moan)."""
    if name.isalpha():
        return None
    for ch in name:
        if not (ch.isalpha() or ch in _NAME_PUNCT or unicodedata.combining(ch)):
            return ch
    return None


@lru_cache(maxsize=262_144)
def check_name(raw: str) -> tuple[str, str, str | None]:
    """(full_name_raw, full_name, error) for a name cell; cached, names repeat a lot in a commune."""
    full_name_raw = clean_text(raw)
    full_name = nfc(full_name_raw)
    if not full_name:
        return full_name_raw, full_name, "Thiếu họ tên"
    if not any(ch.isalpha() for ch in full_name):
        return full_name_raw, full_name, f"Họ tên '{full_name}' không có chữ cái"
    if any(ch.isdigit() for ch in full_name):
        return full_name_raw, full_name, f"Họ tên '{full_name}' có chữ số"
    bad = _bad_name_char(full_name)
    if bad:
        return full_name_raw, full_name, f"Họ tên '{full_name}' có ký tự không hợp lệ '{bad}'"
    if len(full_name) > 100:
        return full_name_raw, full_name, "Họ tên dài quá 100 ký tự"
    return full_name_raw, full_name, None


def is_empty(v: object) -> bool:
    """None, or text that is only spaces."""
    return v is None or (isinstance(v, str) and not v.strip())


def is_column_numbering(cells: list[object]) -> bool:
    """The '(1) (2) (3) …' row under a government header."""
    seen = False
    for c in cells:
        if is_empty(c):
            continue
        if isinstance(c, int | float) and not isinstance(c, bool):
            seen = True
            continue
        if not (isinstance(c, str) and _COLUMN_NUMBER.match(c.strip())):
            return False
        seen = True
    return seen

"""Row validation: the same rules for an imported row and for a walk-in typed at the check-in desk.

Input values are whatever the reader produced (text from CSV; floats, dates and text from calamine) or
Python values from a form. Errors reject the row; warnings keep it (with the repaired value). Messages
are Vietnamese and name the column as headed in the file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from desktop import idnumber
from desktop.vietnamese import fold, nfc

from .header import LABELS
from .record import CitizenRecord, build_record
from .types import ERROR, WARNING, RowIssue

MAX_AGE = 130
_EPOCH = dt.date(1899, 12, 30)  # Excel's serial day 0 (1900 date system, after its leap-year bug)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_PHONE_JUNK = re.compile(r"[\s.\-()\u00a0'’]+")
_COLUMN_NUMBER = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY2 = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
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
            if value.isascii() or unicodedata.is_normalized("NFC", value):
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


def _make_date(y: int, m: int, d: int, s: str, day_first: bool = True):  # type: ignore[no-untyped-def]
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


def _serial(v: float):  # type: ignore[no-untyped-def]
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


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


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


def parse_phone(value: object) -> tuple[str | None, list[str]]:
    """Normalised phone (digits, +84 → 0) and warnings; never an error."""
    if value is None or value == "":
        return None, []
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
def _check_name(raw: str) -> tuple[str, str, str | None]:
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


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def is_column_numbering(cells: list[object]) -> bool:
    """The '(1) (2) (3) …' row under a government header."""
    seen = False
    for c in cells:
        if _empty(c):
            continue
        if isinstance(c, int | float) and not isinstance(c, bool):
            seen = True
            continue
        if not (isinstance(c, str) and _COLUMN_NUMBER.match(c.strip())):
            return False
        seen = True
    return seen


# ------------------------------------------------------------------------------------------------ the row

class RowValidator:
    """Validates one row (a dict field → raw value). `labels` name the columns as headed in the file."""

    def __init__(self, labels: dict[str, str] | None = None, today: dt.date | None = None) -> None:
        self.labels = {**LABELS, **(labels or {})}
        self.today = today or dt.date.today()

    def validate(self, values: dict[str, object], row: int = 0) -> tuple[CitizenRecord | None, list[RowIssue]]:
        issues: list[RowIssue] = []
        labels = self.labels
        today = self.today
        present: set[str] = set()

        def err(fld: str, value: object, reason: str) -> None:
            issues.append(RowIssue(row, labels[fld], clean_text(value)[:200], reason, ERROR, fld))

        def warn(fld: str, value: object, reason: str) -> None:
            issues.append(RowIssue(row, labels[fld], clean_text(value)[:200], reason, WARNING, fld))

        # Name (required)
        raw_name = values.get("full_name")
        full_name_raw, full_name, name_error = (
            _check_name(raw_name) if type(raw_name) is str else _check_name(clean_text(raw_name))
        )
        if name_error:
            err("full_name", raw_name, name_error)
        else:
            present.add("full_name")

        # Sex: a 'Giới tính' column, or 'Nam' / 'Nữ' columns marked with x (or holding the birth date)
        sex: str | None = None
        raw_sex = values.get("sex")
        if not _empty(raw_sex):
            sex, ok = parse_sex(raw_sex)
            if not ok:
                err("sex", raw_sex, f"Giới tính '{clean_text(raw_sex)}' không hợp lệ (cần Nam hoặc Nữ)")
        birth_in_sex_column: tuple[str, object] | None = None
        marks = []
        for fld, s in (("sex_male", "M"), ("sex_female", "F")):
            v = values.get(fld)
            if _empty(v):
                continue
            if isinstance(v, dt.date | int | float) and not isinstance(v, bool) and (
                isinstance(v, dt.date) or v > 31
            ) or (isinstance(v, str) and re.search(r"\d{4}", v)):
                birth_in_sex_column = (fld, v)
                marks.append(s)
            elif is_marked(v):
                marks.append(s)
        if marks:
            if len(set(marks)) > 1:
                err("sex_male", values.get("sex_male"), "Đánh dấu cả Nam và Nữ")
            elif sex is not None and sex != marks[0]:
                err("sex", raw_sex, "Giới tính mâu thuẫn với cột Nam/Nữ")
            else:
                sex = marks[0]
        if sex:
            present.add("sex")

        # Birth date / year
        birth_date: dt.date | None = None
        birth_year: int | None = None
        birth_fld, raw_birth = "birth_date", values.get("birth_date")
        if _empty(raw_birth) and birth_in_sex_column:
            birth_fld, raw_birth = birth_in_sex_column
        birth_ok = True
        if not _empty(raw_birth):
            d, y, e, w = parse_date(raw_birth)
            if e:
                err(birth_fld, raw_birth, e)
                birth_ok = False
            else:
                birth_date, birth_year = d, y
                if w:
                    warn(birth_fld, raw_birth, w)
        raw_year = values.get("birth_year")
        if not _empty(raw_year):
            d, y, e, w = parse_date(raw_year)
            if e:
                err("birth_year", raw_year, e)
                birth_ok = False
            elif birth_year is not None and y != birth_year:
                err("birth_year", raw_year, f"Năm sinh {y} khác với ngày sinh {clean_text(raw_birth)}")
                birth_ok = False
            elif birth_year is None:
                birth_date, birth_year = d, y
                birth_fld, raw_birth = "birth_year", raw_year
        if birth_year is not None and birth_ok:
            if birth_date is not None and birth_date > today or birth_year > today.year:
                err(birth_fld, raw_birth, "Ngày sinh ở tương lai")
            elif (age_on(birth_date, today) if birth_date else today.year - birth_year) > MAX_AGE:
                err(birth_fld, raw_birth, f"Tuổi trên {MAX_AGE}: ngày sinh không hợp lệ")
            else:
                present.update(("birth_date", "birth_year"))

        # ID number (12 digits) and old CMND (9 digits)
        id_number: str | None = None
        old_cmnd: str | None = None
        id_sex: str | None = None
        id_year: int | None = None
        for fld in ("id_number", "old_cmnd"):
            raw = values.get(fld)
            if _empty(raw):
                continue
            if fld == "id_number" and type(raw) is str and len(raw) == 12 and raw.isascii() and raw.isdigit():
                # Fast path for the common clean case; anything unusual goes through idnumber below.
                place = raw[:3]
                if place[0] != "0" or place in idnumber.PROVINCE_CODES:
                    g = ord(raw[3]) - 48
                    fy = 1900 + (g // 2) * 100 + int(raw[4:6])
                    fs = "F" if g % 2 else "M"
                    if (birth_year is None or birth_year == fy) and (sex is None or sex == fs):
                        id_number, id_sex, id_year = raw, fs, fy
                        continue
            if isinstance(raw, str) and _SCIENTIFIC.match(raw):
                err(fld, raw, f"Số '{raw.strip()}' đã bị Excel đổi sang dạng khoa học và mất chữ số; "
                    "hãy định dạng cột là Văn bản (Text) rồi nhập lại số")
                continue
            cleaned = idnumber.clean(raw)
            v = cleaned.value
            if v is None:
                continue
            digits = v.isascii() and v.isdigit()
            if digits and len(v) == 9:
                old_cmnd = v
            elif fld == "old_cmnd" and digits and len(v) == 8:
                old_cmnd = "0" + v
                warn(fld, raw, f"Số CMND '{v}' thiếu số 0 đầu (do Excel), đã sửa thành '{old_cmnd}'")
            elif fld == "id_number" or (digits and len(v) in (11, 12)):
                if id_number is not None:
                    if v != id_number:
                        warn(fld, raw, f"Số '{v}' khác số định danh '{id_number}', đã bỏ qua")
                    continue
                try:
                    parsed = idnumber.parse(v)
                except idnumber.IdNumberError as exc:
                    err(fld, raw, exc.message)
                    continue
                id_number, id_sex, id_year = v, parsed.sex, parsed.birth_year
                for w in cleaned.warnings:
                    warn(fld, raw, w)
                for problem in idnumber.check_against(parsed, birth_year, sex):
                    err(fld, raw, problem)
            else:
                warn(fld, raw, f"Số CMND '{v}' phải có 9 chữ số, đã bỏ qua")
        if id_number:
            present.add("id_number")
        if old_cmnd:
            present.add("old_cmnd")

        # Card issue date
        card_issued_on: dt.date | None = None
        raw_card = values.get("card_issued_on")
        if not _empty(raw_card):
            d, y, e, w = parse_date(raw_card)
            if e:
                err("card_issued_on", raw_card, e)
            elif d is None:
                err("card_issued_on", raw_card, "Ngày cấp cần đủ ngày, tháng, năm")
            elif d > today:
                err("card_issued_on", raw_card, "Ngày cấp ở tương lai")
            elif (birth_date and d < birth_date) or (birth_year and d.year < birth_year):
                err("card_issued_on", raw_card, "Ngày cấp trước ngày sinh")
            else:
                card_issued_on = d
                present.add("card_issued_on")
                if w:
                    warn("card_issued_on", raw_card, w)

        # Phone (warnings only)
        phone, phone_warnings = parse_phone(values.get("phone"))
        for w in phone_warnings:
            warn("phone", values.get("phone"), w)
        if phone:
            present.add("phone")

        village = text_value(values.get("village"))
        address = text_value(values.get("address"))
        note = text_value(values.get("note"))
        for fld, v in (("village", village), ("address", address), ("note", note)):
            if v:
                present.add(fld)

        if any(i.severity == ERROR for i in issues):
            return None, issues

        # The number encodes sex and birth year: fill them when the list leaves them out.
        if id_number is not None:
            if sex is None:
                sex = id_sex
            if birth_year is None:
                birth_year = id_year

        rec = build_record(
            full_name_raw=full_name_raw,
            full_name=full_name,
            id_number=id_number,
            old_cmnd=old_cmnd,
            birth_date=birth_date,
            birth_year=birth_year,
            sex=sex,
            village=village,
            address=address,
            phone=phone,
            needs_home_visit=is_marked(values.get("needs_home_visit")),
            elderly=is_marked(values.get("elderly")),
            disabled=is_marked(values.get("disabled")),
            card_issued_on=card_issued_on,
            note=note,
            present=frozenset(present),
        )
        return rec, issues

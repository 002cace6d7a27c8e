"""Wording shared by the documents: unit names, headers, dates, purposes and what to bring."""

from __future__ import annotations

import datetime as dt

from common.paper import paper_date
from common.vietnamese import nfc

PURPOSE_LABELS = {
    "card": "Cấp thẻ Căn cước",
    "vneid": "Đăng ký định danh điện tử mức 2",
    "both": "Cấp thẻ Căn cước và đăng ký định danh điện tử mức 2",
}
PURPOSE_SHORT = {"card": "Cấp thẻ Căn cước", "vneid": "Định danh mức 2", "both": "Thẻ + Định danh mức 2"}

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_UNIT_PREFIXES = ("đặc khu", "phường", "xã", "thị trấn")


def split_unit(commune_name: str) -> tuple[str, str]:
    """'Phường Ba Đình' → ('phường', 'Ba Đình'); a bare name is taken as a xã."""
    name = nfc(commune_name)
    low = name.lower()
    for prefix in _UNIT_PREFIXES:
        if low.startswith(prefix + " "):
            return prefix, name[len(prefix) + 1 :].strip()
    return "xã", name


def police_unit(commune_name: str) -> str:
    """'CÔNG AN XÃ TÂN LẬP', 'CÔNG AN PHƯỜNG BA ĐÌNH', 'CÔNG AN ĐẶC KHU TRƯỜNG SA'."""
    unit, bare = split_unit(commune_name)
    return nfc(f"CÔNG AN {unit} {bare}").upper() if bare else "CÔNG AN XÃ"


def province_police(province_name: str) -> str:
    """'CÔNG AN TỈNH KHÁNH HÒA' / 'CÔNG AN THÀNH PHỐ HÀ NỘI'; '' when the province is unknown."""
    name = nfc(province_name)
    if not name:
        return ""
    low = name.lower()
    if low.startswith(("tỉnh ", "thành phố ")):
        return f"CÔNG AN {name}".upper()
    return f"CÔNG AN TỈNH {name}".upper()


def chief_title(commune_name: str) -> str:
    """Signature title of the unit head: 'Trưởng Công an xã' / 'phường' / 'đặc khu'."""
    unit, _ = split_unit(commune_name)
    return f"Trưởng Công an {unit}"


def place_name(commune_name: str) -> str:
    """The place written before the date (Decree 30/2020): the unit's name without its word ('Tân Lập'),
    but in full when the name is a number ('Phường 1 Bảo Lộc', 'Phường 3'), as the decree asks for units
    named by a number. (Units named after a person or an event are not recognised: they keep the bare name.)"""
    unit, bare = split_unit(commune_name)
    if not bare:
        return ""
    if bare[0].isdigit():
        return nfc(f"{unit[0].upper()}{unit[1:]} {bare}")
    return bare


def place_date(commune_name: str, day: dt.date | None) -> str:
    """'Tân Lập, ngày 05 tháng 3 năm 2026' (blank dots when the date is left to fill by hand)."""
    return f"{place_name(commune_name)}, {paper_date(day)}"


def long_date(day: dt.date) -> str:
    """'Thứ Hai, ngày 05/01/2026'."""
    return f"{WEEKDAYS[day.weekday()]}, ngày {day:%d/%m/%Y}"


def hhmm(t: dt.time | None) -> str:
    return "" if t is None else f"{t.hour:02d}:{t.minute:02d}"


def slot_text(start: dt.time | None, end: dt.time | None) -> str:
    if start is None:
        return ""
    return f"{hhmm(start)} - {hhmm(end)}" if end is not None else hhmm(start)


def age_in(birth_year: int | None, day: dt.date) -> int | None:
    return None if birth_year is None else day.year - birth_year


def things_to_bring(purpose: str, birth_year: int | None, day: dt.date) -> list[str]:
    """What the citizen brings, per purpose; under-14s come with a parent or guardian."""
    card = purpose in ("card", "both")
    vneid = purpose in ("vneid", "both")
    items: list[str] = []
    if card:
        items.append("Thẻ Căn cước công dân / CMND cũ (nếu có)")
    if vneid:
        if not card:
            items.append("Thẻ Căn cước / CCCD gắn chíp còn hạn")
        items.append("Điện thoại có SIM đứng tên chính mình")
    age = age_in(birth_year, day)
    if age is not None and age < 14:
        items.append("Cha, mẹ hoặc người giám hộ đi cùng")
    items.append("Giấy hẹn này")
    return items


def purpose_label(purpose: str, short: bool = False) -> str:
    table = PURPOSE_SHORT if short else PURPOSE_LABELS
    return table.get(purpose, nfc(purpose))

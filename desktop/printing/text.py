"""Wording shared by the documents: unit names, headers, dates, purposes and what to bring."""

from __future__ import annotations

import datetime as dt

from common.paper import paper_date
from common.vietnamese import nfc

# Words since 1 July 2024 (Law 26/2023/QH15): the card is "thẻ căn cước" (an older card keeps its name "thẻ
# căn cước công dân", CCCD, until it expires); a first card is "cấp lần đầu", a renewal "cấp đổi". The stored
# purposes are card / vneid / both; what is printed also says which card work and which VNeID step (printed
# purposes, see `printed_purpose`).
PURPOSE_LABELS = {
    "card": "Cấp thẻ căn cước",
    "card_first": "Cấp thẻ căn cước lần đầu",
    "card_renew": "Cấp đổi thẻ căn cước",
    "vneid": "Đăng ký tài khoản định danh điện tử mức 2 (VNeID)",
    "vneid_activate": "Kích hoạt tài khoản định danh điện tử (VNeID)",
    "both": "Cấp thẻ căn cước và đăng ký định danh điện tử mức 2",
    "both_first": "Cấp thẻ căn cước lần đầu và đăng ký định danh điện tử mức 2",
    "both_renew": "Cấp đổi thẻ căn cước và đăng ký định danh điện tử mức 2",
}
PURPOSE_SHORT = {
    "card": "Cấp thẻ căn cước", "card_first": "Cấp thẻ lần đầu", "card_renew": "Cấp đổi thẻ",
    "vneid": "Đăng ký VNeID mức 2", "vneid_activate": "Kích hoạt VNeID", "both": "Thẻ + VNeID mức 2",
    "both_first": "Thẻ lần đầu + VNeID", "both_renew": "Cấp đổi + VNeID",
}
NEW_CARD_LAW = dt.date(2024, 7, 1)  # cards issued from this day are "thẻ căn cước"


def card_name(issued_on: dt.date | None) -> str:
    """'thẻ căn cước công dân' for a card issued before 1 July 2024, 'thẻ căn cước' otherwise."""
    return "thẻ căn cước công dân" if issued_on is not None and issued_on < NEW_CARD_LAW else "thẻ căn cước"


def printed_purpose(purpose: str, has_card: bool, vneid_stage: int) -> str:
    """The stored purpose made precise for paper: first card or cấp đổi, VNeID registration or activation."""
    if purpose == "card":
        return "card_renew" if has_card else "card_first"
    if purpose == "both":
        return "both_renew" if has_card else "both_first"
    if purpose == "vneid" and vneid_stage >= 1:
        return "vneid_activate"
    return purpose

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


_UNIT_ABBR = {"xã": "CAX", "phường": "CAP", "đặc khu": "CAĐK", "thị trấn": "CATT"}


def report_number(commune_name: str, number: str = "") -> str:
    """'Số: 12/BC-CAX' (Decree 30/2020: number / kind of document - issuing unit); dots when not yet given."""
    unit, _bare = split_unit(commune_name)
    return f"Số: {nfc(number) or '……'}/BC-{_UNIT_ABBR.get(unit, 'CAX')}"


def unit_full_name(commune_name: str) -> str:
    """'xã Tân Lập', 'phường Ba Đình', 'đặc khu Trường Sa' (as written inside a sentence)."""
    unit, bare = split_unit(commune_name)
    return f"{unit} {bare}" if bare else unit


def report_recipients(commune_name: str, province_name: str) -> tuple[str, ...]:
    """Who the commune police's daily report goes to: the commune's Project 06 steering committee and the
    province police (no districts since 1 July 2025)."""
    out = [f"Ban Chỉ đạo Đề án 06 {unit_full_name(commune_name)}"]
    prov = nfc(province_name)
    if prov:
        low = prov.lower()
        out.append(f"Công an {prov}" if low.startswith(("tỉnh ", "thành phố ")) else f"Công an tỉnh {prov}")
    return tuple(out)


def report_copies(commune_name: str, copies: tuple[str, ...] = ()) -> list[str]:
    """The "Nơi nhận" block at the foot (Decree 30/2020): the addressees ("Như trên"), any other unit sent a
    copy (the commune's setting), and the office's own copy."""
    abbr = report_number(commune_name).split("-")[-1]
    return ["Nơi nhận:", "- Như trên;", *(f"- {nfc(c).rstrip(';.')};" for c in copies if nfc(c)), f"- Lưu: VT, {abbr}."]


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
    card = purpose.startswith(("card", "both"))
    vneid = purpose.startswith(("vneid", "both"))
    items: list[str] = []
    if purpose in ("card_renew", "both_renew"):
        items.append("Thẻ căn cước hoặc thẻ căn cước công dân đang dùng")
    elif card:
        items.append("Giấy khai sinh hoặc CMND cũ (nếu có)")
    if purpose == "vneid_activate":
        items.append("Thẻ căn cước (hoặc thẻ căn cước công dân gắn chíp) còn hạn")
        items.append("Điện thoại đã cài ứng dụng VNeID, có SIM đứng tên chính mình")
    elif vneid:
        if not card:
            items.append("Thẻ căn cước (hoặc thẻ căn cước công dân gắn chíp) còn hạn")
        items.append("Điện thoại có SIM đứng tên chính mình")
    age = age_in(birth_year, day)
    if age is not None and age < 14:
        items.append("Cha, mẹ hoặc người giám hộ đi cùng")
    items.append("Giấy hẹn này")
    return items


def purpose_label(purpose: str, short: bool = False) -> str:
    table = PURPOSE_SHORT if short else PURPOSE_LABELS
    return table.get(purpose, nfc(purpose))

"""The administrative heading of a Vietnamese paper, per Decree 30/2020/NĐ-CP on administrative documents:
the issuing unit ("CÔNG AN XÃ TÂN LẬP" under its province's police), the nation and motto, the number
("Số: 12/BC-CAX"), the place and date, the addressees and "Nơi nhận". Words only, no drawing: the laptop's
printouts and the hub's reports both write them."""

from __future__ import annotations

import datetime as dt

from common.paper import paper_date
from common.vietnamese import nfc

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

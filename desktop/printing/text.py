"""Wording of the laptop's documents: purposes, card names, what to bring, weekdays and slots. The
administrative heading of a paper (unit names, place and date, number, recipients) is `paper.headings`."""

from __future__ import annotations

import datetime as dt

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

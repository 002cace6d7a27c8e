"""Inputs of the printed documents. The builders are pure functions of these; services fill them in.

Strings may arrive in any normal form: every builder NFC-normalises before measuring or drawing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop.errors import ServiceError


class NothingToPrint(ServiceError):
    """The selection is empty: say so (CLI exit 2) instead of producing a blank PDF."""

    def __init__(self, message: str = "Không có công dân nào trong lựa chọn này: không có gì để in.") -> None:
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Unit:
    """Who issues the document: the commune (with its xã/phường/đặc khu prefix) and its province."""

    commune_name: str
    province_name: str = ""


@dataclass(frozen=True, slots=True)
class SlipData:
    """One appointment slip (giấy hẹn). `code` is the opaque appointment code, the QR's only content."""

    code: str
    full_name: str
    birth_year: int | None
    village: str
    purpose: str  # card / vneid / both
    day: dt.date
    slot_start: dt.time
    slot_end: dt.time | None
    point_name: str
    point_address: str
    unit: Unit
    officer: str = ""
    code_text: str = ""  # how the code is printed under the QR ('K7Q2M-9XD4A'); '' = the code itself


@dataclass(frozen=True, slots=True)
class ListRow:
    full_name: str
    birth_year: int | None
    village: str
    slot: str  # '07:30' or '07:30 - 08:00'
    purpose: str  # card / vneid / both (printed with its label)


@dataclass(slots=True)
class ListDoc:
    """A village list (danh sách) for one session, one village, or a day."""

    unit: Unit
    rows: list[ListRow]
    day: dt.date | None
    point_name: str = ""
    village: str = ""  # '' = every village of the selection
    order: str | None = "given"  # 'given' / 'family' / None (keep the order given)
    group_by_village: bool = True  # sort by village first when the list spans several
    title: str = "DANH SÁCH CÔNG DÂN ĐƯỢC HẸN"
    subtitle: str = "Cấp thẻ Căn cước và đăng ký định danh điện tử mức 2"


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    key: str
    label: str
    today: int
    cumulative: int
    target: int | None  # None: no target set by the province

    @property
    def percent(self) -> float | None:
        if not self.target:
            return None
        return 100.0 * self.cumulative / self.target


@dataclass(frozen=True, slots=True)
class VillageLine:
    village: str
    today: tuple[int, ...]  # one value per DailyReportData.indicators, same order
    cumulative: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NoShow:
    full_name: str
    birth_year: int | None
    village: str
    slot: str


@dataclass(slots=True)
class DailyReportData:
    """The day's figures for the commune (or one point): indicators, villages, no-shows."""

    unit: Unit
    day: dt.date
    indicators: list[IndicatorLine]
    villages: list[VillageLine] = field(default_factory=list)
    no_show_count: int = 0
    no_shows: list[NoShow] | None = None  # names are personal data: None unless asked for
    point_name: str = ""  # '' = every point of the commune
    appointments_count: int = 0
    attended_count: int = 0
    prepared_by: str = ""
    chief_name: str = ""

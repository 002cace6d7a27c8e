"""Inputs of the printed documents. The builders are pure functions of these; services fill them in.

Strings may arrive in any normal form: every builder NFC-normalises before measuring or drawing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from desktop.errors import ServiceError


class NothingToPrint(ServiceError):
    """The selection is empty: say so (CLI exit 2) instead of producing a blank PDF."""

    def __init__(self, message: str = "Không có công dân nào trong lựa chọn này: không có gì để in.", *,
                 en: str | None = "There are no citizens in this selection: nothing to print.") -> None:
        super().__init__(message, en=en)


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
    presorted: bool = False  # rows already in that order (sorted in SQL by the stored collation keys)
    title: str = "DANH SÁCH CÔNG DÂN ĐƯỢC HẸN"
    subtitle: str = "Cấp thẻ căn cước và đăng ký định danh điện tử mức 2"


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
    # The commune's own target for this village, per indicator (None: no target); () when none at all.
    targets: tuple[int | None, ...] = ()

    def percent(self, k: int) -> float | None:
        """Share of the village's target k reached (None without one)."""
        target = self.targets[k] if k < len(self.targets) else None
        if not target:
            return None
        return 100.0 * (self.cumulative[k] if k < len(self.cumulative) else 0) / target


def percent_text(value: float | None) -> str:
    """86,93 (comma decimal, floored: 99,996 % is not yet 100 %); '—' without a value."""
    if value is None:
        return "—"
    floored = math.floor(value * 100 + 1e-9) / 100
    return f"{floored:.2f}".replace(".", ",")


def village_goal_text(v: VillageLine, labels: list[str]) -> str:
    """'Hồ sơ cấp thẻ …: 80,00 % — Chưa đạt' for a village with targets set by the commune; '' without
    (the daily report's last village column, on paper and in the spreadsheet)."""
    parts = [f"{label}: {percent_text(v.percent(k))} %" for k, label in enumerate(labels) if v.percent(k) is not None]
    if not parts:
        return ""
    met = all(v.percent(k) is None or (v.percent(k) or 0) >= 100 for k in range(len(labels)))
    return "; ".join(parts) + (" — Đạt" if met else " — Chưa đạt")


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
    number: str = ""  # the document number the office gives it ('' = dots, written by hand)
    # "Kính gửi" and "Nơi nhận" (Decree 30/2020): '' = the usual ones for the unit (text.report_recipients)
    recipients: tuple[str, ...] = ()
    # "Nơi nhận" besides "Như trên" and the office's own copy ("Lưu: VT, …"): other units sent a copy
    copies: tuple[str, ...] = ()

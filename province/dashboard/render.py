"""The dashboard's pages (Vietnamese, one inline style sheet, no JavaScript build), rendered from the Jinja2
templates in `templates/` with autoescape: this module only gathers what each page shows — the words, the
figures, the laptops' lines — and never builds markup itself."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlencode

from markupsafe import Markup

from province.dashboard import lang
from province.dashboard.data import (
    CONTEXT,
    MAIN,
    MET_LABELS,
    SILENT_DAYS,
    SORTS,
    VN_TZ,
    Laptop,
    Row,
    local,
    meets_all,
    vn_date,
)
from province.dashboard.pages import ENV, ENV_EN, percent, render, thousands
from sync.protocol import COMMUNE_POINT_CODE, COMMUNE_POINT_LABEL_VI, INDICATORS

__all__ = ["commune_page", "completeness_page", "login_page", "message_page", "point_name", "province_page"]

PROVISIONAL = "tạm"  # a figure holding a day code read over the phone, until its signed report arrives
ADJUSTED = "đã điều chỉnh"  # a signed report replaced a day code with other figures

SORT_LABELS = {"rank": "Xếp hạng (% chỉ tiêu)", "name": "Tên xã", "code": "Mã xã", "silent": "Số ngày không báo cáo",
               "province": "Tỉnh"}

LOGIN_ERRORS = {
    "refused": "Đăng nhập không thành công: sai tên hoặc mật khẩu, hoặc tài khoản đang bị khóa tạm thời "
               "(5 lần sai liên tiếp khóa 5 phút).",
    "throttled": "Quá nhiều lần đăng nhập từ máy này. Vui lòng đợi một lát rồi thử lại.",
    "csrf": "Phiên đăng nhập đã hết hạn. Vui lòng nhập lại.",
}


def point_name(code: str) -> str:
    """A report's point as people read it: the commune's events without a point are "Không theo điểm"."""
    return COMMUNE_POINT_LABEL_VI if code == COMMUNE_POINT_CODE else code


def laptop_lines(r: Row) -> list[tuple[bool, str]]:
    """The commune's laptops in the province table, (silent, words) each: 'Máy 2 (Nguyễn Văn An) chưa gửi từ
    20/11' (red) when it is silent, else its last day and when that arrived (for a commune's only laptop the
    row already shows when)."""
    laps = [lap for lap in r.laptops if not lap.revoked]
    alone = len(laps) == 1
    return [_laptop_line(lap, alone) for lap in laps]


def _laptop_line(lap: Laptop, alone: bool) -> tuple[bool, str]:
    if lap.silent:
        return True, lap.text()
    if lap.last_day is None:
        return False, f"{lap.label} chưa gửi báo cáo nào"
    day = f"{lap.last_day.day:02d}/{lap.last_day.month:02d}"
    if alone or lap.last_received is None:
        return False, f"{lap.label}: {day}"
    received = lap.last_received.astimezone(VN_TZ).strftime("%d/%m %H:%M")
    return False, f"{lap.label}: {day} (nhận {received})"


class Cells(NamedTuple):
    """One main indicator of a commune in the province table: the day's figure (or the words saying why
    there is none), the cumulative figure, the target, and the % with its result; `*_class` style a cell."""

    today_class: str
    today: str
    cumul_class: str
    cumul: str
    target: str
    met_class: str
    met: str


class CommuneLine(NamedTuple):
    """One commune's row of the province table, as text: the template adds the markup."""

    code: str
    rank: str
    name: str
    province_name: str
    main: tuple[Cells, ...]
    context: tuple[str, ...]
    received: str
    silent_class: str
    silent: str
    laptops: tuple[tuple[bool, str], ...]


def commune_line(r: Row, on: dt.date) -> CommuneLine:
    """A commune's row as text (figures with Vietnamese thousands, words where there are none)."""
    today, cumul = r.today, r.cumul
    never = cumul is None
    words = "" if today is not None else r.status_text(on)
    main: list[Cells] = []
    tam, tam_cumul = (f" ({PROVISIONAL})" if r.provisional else ""), (f" ({PROVISIONAL})" if r.provisional_cumul else "")
    for ind in MAIN:
        tgt = r.targets.get(ind)
        met = r.met.get(ind)
        main.append(Cells(
            ("prov" if r.provisional else "") if today is not None else ("never" if never else "nd"),
            thousands(today[ind]) + tam if today is not None else words,
            "never" if cumul is None else ("prov" if r.provisional_cumul else ""),
            thousands(cumul[ind]) + tam_cumul if cumul is not None else "—",
            thousands(tgt[0]) if tgt else "",
            met or "", f"{percent(r.pct.get(ind))} {MET_LABELS[met]}" if met else ""))
    received = " · ".join(x for x in (local(r.last_received), ADJUSTED if r.adjusted else "") if x)
    machines = ((False, r.machines),) if r.machines else ()  # the silent laptops themselves are in red below
    return CommuneLine(
        r.code, str(r.rank) if r.rank is not None else "—", r.name, r.province_name, tuple(main),
        tuple(thousands(today[ind]) + tam if today is not None else "" for ind in CONTEXT), received,
        "never" if never else "", "Chưa từng báo cáo" if never else ("" if r.days_silent is None else str(r.days_silent)),
        machines + tuple(laptop_lines(r)))


def commune_row_html(line: CommuneLine) -> Markup:
    """The row rendered by the `commune_row` macro (escaped there), kept per distinct line and language: most
    communes' rows do not change between two requests, and the province table has 3,321 of them."""
    return _row_html(line, lang.current())


@lru_cache(maxsize=4096)  # above the 3,321 communes of 2025
def _row_html(line: CommuneLine, language: str) -> Markup:
    env = ENV_EN if language == lang.EN else ENV
    macro = env.get_template("_province_row.html").module.commune_row  # type: ignore[attr-defined]
    row: Markup = macro(line)
    return row


def villages_text(r: Any) -> str:
    """A report's villages: 'Thôn 1: cards/VNeID/activated; …'."""
    villages = json.loads(r.breakdown_json or "{}")
    return "; ".join(f"{v}: " + "/".join(str(c.get(k, 0)) for k in MAIN) for v, c in villages.items())


def delay_text(r: Any) -> str:
    """How long after the close the report reached the province (whole days)."""
    delay = (r.received_at - r.closed_at) if r.received_at and r.closed_at else None
    if delay is None:
        return ""
    return f"{delay.days} ngày" if delay.days >= 1 else "< 1 ngày"


ENV.globals.update(point_name=point_name, villages_text=villages_text, delay_text=delay_text,
                   commune_row_html=commune_row_html)


def login_page(next_url: str, error: str | bool | None = None, csrf: str = "") -> str:
    """The login form; `csrf` is the signed token bound to the ep_hub_login cookie."""
    text = LOGIN_ERRORS.get(error if isinstance(error, str) else "refused") if error else None
    return render("login.html", title="Đăng nhập — EnrollPoint", next_url=next_url, csrf=csrf, error_text=text)


def province_page(rows: list[Row], on: dt.date, provinces: dict[str, str], province: str | None,
                  sort: str, elapsed_ms: float | None = None, user: Any = None) -> str:
    q = {"on": on.isoformat(), **({"province": province} if province else {}), "sort": sort}
    counts = {"reported": sum(1 for r in rows if r.today is not None),
              "never": sum(1 for r in rows if r.cumul is None),
              "met_all": sum(1 for r in rows if meets_all(r)),
              "silent": sum(len(r.silent_laptops) for r in rows)}
    return render("province.html", title=f"EnrollPoint — tiến độ ngày {vn_date(on)}", on=on,
                  lines=[commune_line(r, on) for r in rows],
                  provinces=provinces, province=province, sort=sort,
                  sort_labels={k: SORT_LABELS[k] for k in SORTS}, export_query=urlencode(q), counts=counts,
                  paper_query=urlencode({k: v for k, v in q.items() if k != "sort"}),
                  silent_days=SILENT_DAYS, user=user, elapsed_ms=elapsed_ms,
                  csrf_query=urlencode({"csrf": user.csrf}) if user is not None else "")


@dataclass
class DayItem:
    """One laptop's figure for a point and day on the commune page: its signed report, or its day code while
    no signed report of that revision has arrived ("tạm"); `counted` is the one the commune's figure uses."""

    day: dt.date
    point_code: str
    device_id: str
    revision: int
    figures: dict[str, int]
    closed_at: dt.datetime | None
    received_at: dt.datetime | None
    breakdown_json: str
    note: str = ""
    counted: bool = True

    def __getitem__(self, ind: str) -> int:
        return self.figures[ind]  # KeyError for any other name: Jinja then reads the attribute


def day_items(reports: list[Any], phones: list[Any]) -> list[DayItem]:
    """Signed reports and day codes as the commune's figure counts them: a signed report replaces its
    laptop's code (never adds to it) and says "đã điều chỉnh" when the figures differ; a code newer than
    the signed report, or with none, is counted and marked "tạm"."""
    codes = {(p.day, p.point_code, p.device_id): p for p in phones}
    items: list[DayItem] = []
    for r in reports:
        item = DayItem(r.day, r.point_code, r.device_id, r.revision, {ind: getattr(r, ind) for ind in INDICATORS},
                       r.closed_at, r.received_at, r.breakdown_json)
        p = codes.pop((r.day, r.point_code, r.device_id), None)
        if p is not None and p.revision > r.revision:
            item.counted, item.note = False, f"thay bằng mã ngày lần {p.revision} ({PROVISIONAL})"
            items.append(_phone_item(p))
        elif p is not None and any(int(p.totals.get(ind, 0)) != item.figures[ind] for ind in INDICATORS):
            item.note = f"{ADJUSTED} (mã ngày: " + "/".join(str(p.totals.get(ind, 0)) for ind in MAIN) + ")"
        items.append(item)
    items += [_phone_item(p) for p in codes.values()]
    items.sort(key=lambda i: (i.day, i.point_code, i.device_id, not i.counted), reverse=True)
    items.sort(key=lambda i: (i.day, i.point_code), reverse=True)
    return items


def _phone_item(p: Any) -> DayItem:
    figures = {ind: int(p.totals.get(ind, 0)) for ind in INDICATORS}
    return DayItem(p.day, p.point_code, p.device_id, p.revision, figures, None, p.received_at, "{}",
                   f"{PROVISIONAL} (mã ngày qua điện thoại)")


def commune_page(commune: Any, reports: list[Any], targets: list[Any], user: Any = None,
                 laps: list[Laptop] | None = None, phones: list[Any] | None = None) -> str:
    """The commune's laptops, then its reports per day and point: one row per laptop's report (or day code,
    "tạm") and, where several laptops reported the same point and day, a sum row above them (the figure the
    province counts: a replaced row is not in it)."""
    names = {lap.device_id: lap.label for lap in laps or []}

    def device_label(device_id: str) -> str:
        if device_id in names:
            return names[device_id]
        return "Không rõ máy (trước khi nâng cấp)" if device_id == "unknown" else device_id

    groups: dict[tuple[Any, str], list[DayItem]] = {}
    for item in day_items(reports, phones or []):
        groups.setdefault((item.day, item.point_code), []).append(item)
    return render("commune.html", title=f"{commune.name} — EnrollPoint", commune=commune, groups=groups,
                  targets=targets, laps=laps or [], user=user, device_label=device_label)


def completeness_page(c: Any, province: str | None, user: Any = None, elapsed_ms: float | None = None) -> str:
    """The day's completeness by channel, the "Chưa báo cáo" list and the communes still short of laptops."""
    from province.dashboard import completeness as cp

    q = urlencode({"on": c.day.isoformat(), **({"province": province} if province else {})})
    partial = sorted((x for x in c.communes if x.status != cp.MISSING and x.machines), key=lambda x: x.code)
    return render("completeness.html", title=f"Tình hình báo cáo ngày {vn_date(c.day)} — EnrollPoint", c=c,
                  missing=c.missing, partial=partial, province=province, user=user, elapsed_ms=elapsed_ms,
                  back_href=f"/?{q}", query=q, channels=cp.CHANNELS, channel_labels=cp.CHANNEL_LABELS,
                  channel_short=cp.CHANNEL_SHORT, status_labels=cp.STATUS_LABELS)


def message_page(title: str, lines: list[str], error: bool = False, home: str = "/",
                 receipt: str | None = None) -> str:
    """A title and lines of words (a refusal when `error`); `receipt` links a bundle's signed receipt."""
    return render("message.html", title=title, lines=lines, error=error, home=home, receipt=receipt)

"""Server-rendered HTML (Vietnamese, inline CSS, no JavaScript build): plain f-strings with html.escape,
rows built into a list and joined once, so 3,321 communes render in a few tens of milliseconds."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import urlencode

from province.dashboard.data import (
    CONTEXT,
    LABELS,
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
from sync.protocol import COMMUNE_POINT_CODE, COMMUNE_POINT_LABEL_VI, INDICATORS

CSS = """
body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',sans-serif;margin:16px;color:#1b1b1b}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#eef3f8;position:sticky;top:0}td.t{text-align:left}
.met{color:#0a7a2f;font-weight:600}.not_met{color:#b36b00}.missed{color:#b00020;font-weight:600}
.nd{color:#777;font-style:italic;text-align:left}.never{color:#b00020;font-style:italic;text-align:left}
.silent{color:#b00020;font-weight:600}.sum td{background:#f6f6f6;font-weight:600}
form{margin:8px 0}.bar{margin:8px 0;color:#444}.err{color:#b00020}
.user{float:right;color:#444}.user form{display:inline;margin:0}
.login{max-width:360px;margin:48px auto}.login label{display:block;margin:10px 0}
.login input{width:100%;padding:6px;box-sizing:border-box}.login button{padding:6px 16px}
"""
ROLE_LABELS = {"admin": "quản trị", "viewer": "xem"}


def user_bar(user: Any) -> str:
    """Who is logged in, and the logout form (POST with the session's CSRF token)."""
    if user is None:
        return ""
    return (f'<div class="user" id="user">Tài khoản: <b>{escape(user.name)}</b> '
            f'({ROLE_LABELS.get(user.role, escape(user.role))}) · <form method="post" action="/logout">'
            f'<input type="hidden" name="csrf" value="{escape(user.csrf)}"><button type="submit">Đăng xuất</button>'
            "</form></div>")


LOGIN_ERRORS = {
    "refused": "Đăng nhập không thành công: sai tên hoặc mật khẩu, hoặc tài khoản đang bị khóa tạm thời "
               "(5 lần sai liên tiếp khóa 5 phút).",
    "throttled": "Quá nhiều lần đăng nhập từ máy này. Vui lòng đợi một lát rồi thử lại.",
    "csrf": "Phiên đăng nhập đã hết hạn. Vui lòng nhập lại.",
}


def login_page(next_url: str, error: str | bool | None = None, csrf: str = "") -> str:
    """The login form; `csrf` is the signed token bound to the ep_hub_login cookie."""
    text = LOGIN_ERRORS.get(error if isinstance(error, str) else "refused") if error else None
    msg = f'<p class="err" id="login-error">{escape(text)}</p>' if text else ""
    body = (f'<div class="login"><h1>EnrollPoint — đăng nhập bảng theo dõi của tỉnh</h1>{msg}'
            '<form method="post" action="/login" id="login">'
            f'<input type="hidden" name="next" value="{escape(next_url)}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            '<label>Tên đăng nhập <input name="name" autocomplete="username" required autofocus></label>'
            '<label>Mật khẩu <input type="password" name="password" autocomplete="current-password" required>'
            '</label><button type="submit">Đăng nhập</button></form></div>')
    return page("Đăng nhập — EnrollPoint", body)


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f'<body>{body}</body></html>')


def _n(v: int) -> str:
    """Vietnamese thousands separator (1.234.567)."""
    return str(v) if -1000 < v < 1000 else f"{v:,}".replace(",", ".")


@lru_cache(maxsize=16384)
def _head(code: str, name: str, province_name: str) -> str:
    """The commune's fixed cells, escaped once per process (names rarely change)."""
    return (f'<td class="t"><a href="/commune/{escape(code)}">{escape(name)}</a></td>'
            f'<td class="t">{escape(province_name)}</td>')


def _pct(p: float | None) -> str:
    return "" if p is None else f"{p:.1f}%".replace(".", ",")


@lru_cache(maxsize=16384)
def _label(number: int, name: str) -> str:
    return escape(f"Máy {number} ({name})")


def _laptop(lap: Laptop, alone: bool) -> str:
    """One laptop in the province table: 'Máy 2 (Nguyễn Văn An) chưa gửi từ 20/11' (red) when it is silent,
    else its last day and when that arrived (for a commune's only laptop the row already shows when)."""
    label = _label(lap.number, lap.name)
    if lap.silent:
        return f'<span class="silent">{escape(lap.text())}</span>'
    if lap.last_day is None:
        return f"{label} chưa gửi báo cáo nào"
    if alone or lap.last_received is None:
        return f"{label}: {lap.last_day.day:02d}/{lap.last_day.month:02d}"
    received = lap.last_received.astimezone(VN_TZ).strftime("%d/%m %H:%M")
    return f"{label}: {lap.last_day.day:02d}/{lap.last_day.month:02d} (nhận {received})"


def _laptops(r: Row) -> str:
    laps = [lap for lap in r.laptops if not lap.revoked]
    alone = len(laps) == 1
    return f'<td class="t">{"<br>".join([_laptop(lap, alone) for lap in laps])}</td>'


def _row(r: Row, on: dt.date) -> str:
    cells = [f'<td>{r.rank if r.rank is not None else "—"}</td>', _head(r.code, r.name, r.province_name)]
    status = escape(r.status_text(on))
    never = r.cumul is None
    for ind in MAIN:
        if r.today is not None:
            cells.append(f"<td>{_n(r.today[ind])}</td>")
        else:
            cells.append(f'<td class="{"never" if never else "nd"}">{status}</td>')
        cells.append(f'<td>{_n(r.cumul[ind])}</td>' if r.cumul is not None else '<td class="never">—</td>')
        tgt = r.targets.get(ind)
        cells.append(f"<td>{_n(tgt[0])}</td>" if tgt else "<td></td>")
        met = r.met.get(ind)
        cells.append(f'<td class="{met}">{_pct(r.pct.get(ind))} {MET_LABELS[met]}</td>' if met else "<td></td>")
    for ind in CONTEXT:
        cells.append(f"<td>{_n(r.today[ind])}</td>" if r.today is not None else "<td></td>")
    cells.append(f'<td class="t">{local(r.last_received)}</td>')
    if never:
        cells.append('<td class="never">Chưa từng báo cáo</td>')
    else:
        cells.append(f"<td>{r.days_silent}</td>")
    cells.append(_laptops(r))
    return f'<tr data-code="{escape(r.code)}">{"".join(cells)}</tr>'


def province_page(rows: list[Row], on: dt.date, provinces: dict[str, str], province: str | None,
                  sort: str, elapsed_ms: float | None = None, user: Any = None) -> str:
    q = {"on": on.isoformat(), **({"province": province} if province else {})}
    opts = "".join(
        f'<option value="{escape(code)}"{" selected" if code == province else ""}>{escape(name)}</option>'
        for code, name in provinces.items()
    )
    sort_opts = {"rank": "Xếp hạng (% chỉ tiêu)", "name": "Tên xã", "code": "Mã xã", "silent": "Số ngày không báo cáo",
                 "province": "Tỉnh"}
    sorts = "".join(f'<option value="{k}"{" selected" if k == sort else ""}>{sort_opts[k]}</option>' for k in SORTS)
    head1 = ['<th rowspan="2">Hạng</th><th rowspan="2">Xã / phường / đặc khu</th><th rowspan="2">Tỉnh</th>']
    head1 += [f'<th colspan="4">{escape(LABELS[ind])}</th>' for ind in MAIN]
    head1 += [f'<th rowspan="2">{escape(LABELS[ind])} (ngày)</th>' for ind in CONTEXT]
    head1 += ['<th rowspan="2">Báo cáo nhận lúc</th><th rowspan="2">Số ngày không báo cáo</th>',
              '<th rowspan="2">Máy trong xã: báo cáo gần nhất</th>']
    head2 = "<th>Trong ngày</th><th>Lũy kế</th><th>Chỉ tiêu</th><th>% / Kết quả</th>" * len(MAIN)
    reported = sum(1 for r in rows if r.today is not None)
    never = sum(1 for r in rows if r.cumul is None)
    met_all = sum(1 for r in rows if meets_all(r))
    silent = sum(len(r.silent_laptops) for r in rows)
    body = [
        user_bar(user),
        f"<h1>Tiến độ thu nhận hồ sơ định danh — ngày {vn_date(on)}</h1>",
        '<form method="get" action="/">',
        f'<label>Ngày <input type="date" name="on" value="{on.isoformat()}"></label> ',
        f'<label>Tỉnh <select name="province"><option value="">Tất cả 34 tỉnh, thành</option>{opts}</select></label> ',
        f'<label>Sắp xếp <select name="sort">{sorts}</select></label> <button type="submit">Xem</button> ',
        f'<a href="/export.csv?{escape(urlencode({**q, "sort": sort}))}">Tải CSV</a> · ',
        f'<a href="/export.xlsx?{escape(urlencode({**q, "sort": sort}))}">Tải Excel</a></form>',
        f'<p class="bar" id="summary">{_n(len(rows))} đơn vị · {_n(reported)} đã báo cáo ngày {vn_date(on)} · '
        f'{_n(never)} chưa từng báo cáo · {_n(met_all)} đạt mọi chỉ tiêu · '
        f'<span id="silent-laptops">{_n(silent)} máy không gửi quá {SILENT_DAYS} ngày trong khi máy khác '
        "của xã vẫn gửi</span></p>",
        '<table id="communes"><thead><tr>', "".join(head1), "</tr><tr>", head2, "</tr></thead><tbody>",
        "".join([_row(r, on) for r in rows]),
        "</tbody></table>",
    ]
    if user is not None and user.is_admin:  # viewers see the figures and exports only
        # The CSRF token travels in the query string: the hub checks it before reading the multipart body
        # (the access log hides it).
        action = "/dashboard/upload-bundle?" + urlencode({"csrf": user.csrf})
        body.append('<h2>Nhập tệp dữ liệu (USB)</h2><form method="post" '
                    f'action="{escape(action)}" enctype="multipart/form-data" id="upload">'
                    '<input type="file" name="file" required> '
                    '<button type="submit">Nhập</button></form>'
                    '<p><a href="/dashboard/offline" id="offline-link">Xã không có mạng: kết nối bằng tệp, tệp chỉ '
                    'tiêu, mã ngày qua điện thoại</a></p>')
    if elapsed_ms is not None:
        body.append(f'<p class="bar">Tạo trang trong {elapsed_ms:.0f} ms.</p>')
    return page(f"EnrollPoint — tiến độ ngày {vn_date(on)}", "".join(body))


def _device_actions(lap: Laptop, user: Any) -> str:
    """Admin forms on one laptop (province/dashboard/device_pages.py): replacement code, approve if held."""
    if user is None or not getattr(user, "is_admin", False) or lap.revoked:
        return '<td class="t"></td>'
    hidden = f'<input type="hidden" name="csrf" value="{escape(user.csrf)}">'
    base = f"/dashboard/device/{escape(lap.device_id)}"
    forms = [f'<form method="post" action="{base}/replacement-code" class="inline">{hidden}'
             '<button type="submit">Cấp mã thay thế</button></form>']
    if lap.held:
        forms.append(f'<form method="post" action="{base}/approve" class="inline">{hidden}'
                     '<button type="submit">Duyệt máy</button></form>')
    return f'<td class="t">{"".join(forms)}</td>'


def laptops_table(laps: list[Laptop], user: Any = None) -> str:
    """The commune's laptops: name as enrolled, last day reported, last arrival, whether it is silent or held
    for review, and (admin) the replacement-code and approve actions."""
    if not laps:
        return '<p class="never" id="no-laptops">Chưa có máy nào được kết nối</p>'
    rows = []
    for lap in laps:
        if lap.revoked:
            state = '<td class="t nd">Đã thu hồi</td>'
        elif lap.held:
            state = f'<td class="t held">Chờ duyệt: {escape(lap.held)} (chưa tính vào số liệu)</td>'
        elif lap.silent:
            state = f'<td class="t silent">{escape(lap.text())}</td>'
        elif lap.last_day is None:
            state = '<td class="t nd">Chưa gửi báo cáo nào</td>'
        else:
            state = '<td class="t">Đang gửi</td>'
        rows.append(f'<tr data-device="{escape(lap.device_id)}"><td class="t">Máy {lap.number}</td>'
                    f'<td class="t">{escape(lap.name)}</td><td class="t">{escape(lap.device_id)}</td>'
                    f'<td class="t">{vn_date(lap.enrolled)}</td><td class="t">{vn_date(lap.last_day)}</td>'
                    f'<td class="t">{local(lap.last_received)}</td>{state}{_device_actions(lap, user)}</tr>')
    return ('<table id="laptops"><thead><tr><th>Máy</th><th>Tên khi kết nối</th><th>Mã thiết bị</th>'
            "<th>Kết nối ngày</th><th>Ngày báo cáo gần nhất</th><th>Tỉnh nhận lúc</th><th>Tình trạng</th>"
            "<th>Thao tác</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def point_name(code: str) -> str:
    """A report's point as people read it: the commune's events without a point are "Không theo điểm"."""
    return COMMUNE_POINT_LABEL_VI if code == COMMUNE_POINT_CODE else code


def _report_row(r: Any, device: str) -> str:
    villages = json.loads(r.breakdown_json or "{}")
    vtxt = "; ".join(f"{escape(v)}: {c.get('card_captured', 0)}/{c.get('vneid_l2_captured', 0)}/"
                     f"{c.get('vneid_activated', 0)}" for v, c in villages.items())
    delay = (r.received_at - r.closed_at) if r.received_at and r.closed_at else None
    delay_txt = f"{delay.days} ngày" if delay and delay.days >= 1 else ("< 1 ngày" if delay is not None else "")
    return (f'<tr><td class="t">{vn_date(r.day)}</td><td class="t">{escape(point_name(r.point_code))}</td>'
            f'<td class="t">{escape(device)}</td><td>{r.revision}</td>'
            + "".join(f"<td>{_n(getattr(r, i))}</td>" for i in INDICATORS)
            + f'<td class="t">{local(r.closed_at)}</td><td class="t">{local(r.received_at)}</td>'
            f'<td class="t">{delay_txt}</td><td class="t">{vtxt}</td></tr>')


def commune_page(commune: Any, reports: list[Any], targets: list[Any], user: Any = None,
                 laps: list[Laptop] | None = None) -> str:
    """The commune's laptops, then its reports per day and point: one row per laptop's report and, where
    several laptops reported the same point and day, a sum row above them (the figure the province counts)."""
    head = "".join(f"<th>{escape(LABELS[i])}</th>" for i in INDICATORS)
    names = {lap.device_id: lap.label for lap in laps or []}
    out = []
    groups: dict[tuple[Any, str], list[Any]] = {}
    for r in reports:
        groups.setdefault((r.day, r.point_code), []).append(r)
    for (day, point), group in groups.items():
        if len(group) > 1:
            out.append(f'<tr class="sum"><td class="t">{vn_date(day)}</td><td class="t">{escape(point_name(point))}</td>'
                       f'<td class="t">Cộng {len(group)} máy</td><td></td>'
                       + "".join(f"<td>{_n(sum(getattr(r, i) for r in group))}</td>" for i in INDICATORS)
                       + '<td></td><td></td><td></td><td></td></tr>')
        for r in group:
            out.append(_report_row(r, names.get(r.device_id, "Không rõ máy (trước khi nâng cấp)"
                                                if r.device_id == "unknown" else r.device_id)))
    tg = "".join(f"<li>{escape(LABELS.get(t.indicator, t.indicator))}: {_n(t.value)}"
                 f"{' trước ' + vn_date(t.deadline) if t.deadline else ''}</li>" for t in targets)
    body = (
        user_bar(user) + f'<p><a href="/">← Bảng tỉnh</a></p><h1>{escape(commune.name)} ({escape(commune.code)}) — '
        f"{escape(commune.province_name)}</h1>"
        f"<h2>Chỉ tiêu</h2><ul>{tg or '<li>Chưa giao chỉ tiêu</li>'}</ul>"
        f"<h2>Máy trong xã</h2>{laptops_table(laps or [], user)}<h2>Báo cáo theo ngày</h2>"
        + ('<p class="never">Chưa từng báo cáo</p>' if not reports else "")
        + '<table id="days"><thead><tr><th>Ngày</th><th>Điểm</th><th>Máy</th><th>Bản sửa</th>'
        + head + "<th>Chốt trên máy (ghi nhận)</th><th>Tỉnh nhận lúc</th><th>Độ trễ</th>"
        "<th>Theo thôn (thẻ căn cước/VNeID/kích hoạt)</th></tr></thead><tbody>" + "".join(out) + "</tbody></table>"
    )
    return page(f"{commune.name} — EnrollPoint", body)


def message_page(title: str, lines: list[str], error: bool = False, home: str = "/") -> str:
    items = "".join(f"<li>{escape(x)}</li>" for x in lines)
    back = "← Đăng nhập" if home == "/login" else "← Bảng tỉnh"
    return page(title, f'<p><a href="{escape(home)}">{back}</a></p><h1 class="{"err" if error else ""}">'
                       f"{escape(title)}</h1><ul>{items}</ul>")

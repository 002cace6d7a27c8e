"""The national page (/national): provinces ranked by the headline indicator (x/y — z% with the targets the
province hub forwarded, else ones imported on the national hub, else the count), "dữ liệu đến ngày …", a
stale badge for a province whose hub has been silent, the completeness of one day per province
(province.national.coverage; `?ngay=YYYY-MM-DD`, yesterday by default), and a province's communes as its
hub reported them (/national/{province}), with that day's completeness per commune.
Read-only and escaped; a signed-in dashboard user sees it on a national hub (a province hub answers 403)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from province.dashboard.data import hub_today, local, vn_date
from province.dashboard.login import PageUser
from province.dashboard.pages import percent, thousands
from province.db import HubDB
from province.models import Target
from province.national import coverage
from province.national.models import NationalCommuneTotal, NationalProvince, NationalTarget
from province.national.role import rollups_refused
from province.national.rollup import RollupRefused
from sync import communes, indicators

router = APIRouter(tags=["national"])
STALE_AFTER = dt.timedelta(days=2)  # a province hub that sent nothing for two days is flagged


def headline() -> str:
    return indicators.MAIN[0] if indicators.MAIN else indicators.KEYS[0]


@dataclass(slots=True)
class ProvinceLine:
    code: str
    name: str
    value: int = 0
    target: int = 0
    last_day: dt.date | None = None
    last_batch: dt.datetime | None = None
    provisional: int = 0
    communes: int = 0
    stale: bool = False
    expected: int = 0  # communes of the province in the official register
    current: int = 0  # of them, with figures up to yesterday (hub time) or later
    version: int | None = None  # roll-up format of its hub's last batch
    covered: coverage.Coverage | None = None  # the day's completeness (format 2)

    def completeness(self) -> str:
        """"x/y xã — z%": the communes whose figures reached yesterday, of the province's communes."""
        share = 100.0 * self.current / self.expected if self.expected else None
        return f"{thousands(self.current)}/{thousands(self.expected)} xã — {percent(share)}"

    @property
    def share(self) -> float | None:
        return 100.0 * self.value / self.target if self.target else None

    def figure(self) -> str:
        if self.target:
            return f"{thousands(self.value)}/{thousands(self.target)} — {percent(self.share)}"
        return thousands(self.value)


@lru_cache(maxsize=1)
def expected_communes() -> dict[str, int]:
    """Province → how many communes the official register gives it."""
    out: dict[str, int] = {}
    for c in communes.all_communes():
        out[c.province_code] = out.get(c.province_code, 0) + 1
    return out


def _targets(s: Session, key: str) -> dict[str, int]:
    """Province → the sum of its communes' targets for `key`: the ones its hub forwarded where it forwarded
    any, else the ones imported on the national hub (`targets import`)."""
    forwarded: dict[str, int] = {}
    for prov, value in s.execute(select(NationalTarget.province_code, NationalTarget.value)
                                 .where(NationalTarget.indicator == key)):
        forwarded[prov] = forwarded.get(prov, 0) + int(value)
    sent_any = set(s.scalars(select(NationalTarget.province_code).distinct()))
    out: dict[str, int] = {}
    for commune, value in s.execute(select(Target.commune_code, Target.value).where(Target.indicator == key)):
        rec = communes.by_code(commune)
        if rec is not None and rec.province_code not in sent_any:
            out[rec.province_code] = out.get(rec.province_code, 0) + int(value)
    return {**out, **forwarded}


def province_lines(s: Session, now: dt.datetime | None = None, on: dt.date | None = None) -> list[ProvinceLine]:
    """Every enrolled province, ranked: by % of target where there are targets, then by count; with the
    completeness of `on` (yesterday by default)."""
    key, now = headline(), now or dt.datetime.now(dt.UTC)
    yesterday = hub_today() - dt.timedelta(days=1)
    names = communes.provinces()
    lines = {p.province_code: ProvinceLine(p.province_code, names.get(p.province_code, p.province_code),
                                           last_batch=p.last_batch_at, version=p.rollup_version)
             for p in s.scalars(select(NationalProvince))}
    targets = _targets(s, key)
    covered = coverage.by_province(s, lines, on or yesterday)
    for code, line in lines.items():
        line.stale = line.last_batch is None or now - line.last_batch > STALE_AFTER
        line.expected = expected_communes().get(code, 0)
        line.target = targets.get(code, 0)
        line.covered = covered.get(code)
    for prov, values, last_day, provisional_days in s.execute(select(  # kept at intake: ~3,300 rows
            NationalCommuneTotal.province_code, NationalCommuneTotal.values_json, NationalCommuneTotal.last_day,
            NationalCommuneTotal.provisional_days).where(NationalCommuneTotal.days > 0)):
        found = lines.get(prov)
        if found is None:
            continue
        found.value += int(json.loads(values).get(key, 0))
        found.provisional += int(provisional_days)
        found.communes += 1
        found.current += int(last_day is not None and last_day >= yesterday)
        if last_day is not None and (found.last_day is None or last_day > found.last_day):
            found.last_day = last_day
    return sorted(lines.values(), key=lambda x: (-(x.share or -1.0), -x.value, x.code))


@dataclass(slots=True)
class CommuneLine:
    code: str
    name: str
    last_day: dt.date | None  # None: no figures yet, only the completeness of a day it sent nothing
    revision: int
    provisional_days: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(indicators.KEYS, 0))
    completeness: dict[str, Any] | None = None  # of the page's day


def commune_lines(s: Session, province: str, on: dt.date | None = None) -> list[CommuneLine]:
    """Per commune of the province: cumulative counts, last day and its revision, provisional days, and the
    completeness of `on` (yesterday by default); a commune with completeness but no figures is listed too."""
    day = coverage.day_rows(s, [province], on or hub_today() - dt.timedelta(days=1)).get(province, {})
    out = []
    for c, values, last_day, rev, provisional_days in s.execute(select(
            NationalCommuneTotal.commune_code, NationalCommuneTotal.values_json, NationalCommuneTotal.last_day,
            NationalCommuneTotal.last_revision, NationalCommuneTotal.provisional_days)
            .where(NationalCommuneTotal.province_code == province, NationalCommuneTotal.days > 0)
            .order_by(NationalCommuneTotal.commune_code)):
        if last_day is None:
            continue
        rec = communes.by_code(c)
        line = CommuneLine(c, rec.name if rec else c, last_day, int(rev), int(provisional_days))
        line.totals.update({k: int(v) for k, v in json.loads(values).items()})
        line.completeness = day.get(c)
        out.append(line)
    seen = {line.code for line in out}
    for c, found in day.items():
        if c not in seen:
            rec = communes.by_code(c)
            out.append(CommuneLine(c, rec.name if rec else c, None, 0, completeness=found))
    return sorted(out, key=lambda x: x.code)


_STYLE = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
          "padding:.3em .6em}.stale{background:mistyrose;color:darkred;font-weight:bold;padding:0 .4em}.tam{color:darkorange}")


def _page(title: str, body: Markup) -> str:
    return str(Markup("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{t}</title>"
                      "<style>{st}</style></head><body><h1>{t}</h1>{b}</body></html>")
               .format(t=title, st=Markup(_STYLE), b=body))


def national_html(lines: list[ProvinceLine], on: dt.date | None = None) -> str:
    key, on = headline(), on or hub_today() - dt.timedelta(days=1)
    rows = Markup("").join(Markup(
        "<tr><td>{rank}</td><td><a href=\"/national/{code}?ngay={iso}\">{name}</a>{badge}</td><td>{fig}</td>"
        "<td>{days}</td><td>{communes}</td><td>{cov}</td><td>{sent}</td></tr>").format(
        rank=i + 1, code=ln.code, name=ln.name, fig=ln.figure() + (" (có số tạm)" if ln.provisional else ""),
        iso=on.isoformat(), cov=coverage.province_cell(ln.covered, ln.version),
        badge=Markup(" <span class=\"stale\">im lặng</span>") if ln.stale else "",
        days=f"dữ liệu đến ngày {vn_date(ln.last_day)}" if ln.last_day else "chưa có dữ liệu",
        communes=ln.completeness(), sent=local(ln.last_batch) if ln.last_batch else "")
        for i, ln in enumerate(lines))
    body = Markup("<p>Xếp hạng theo {ind}; ngày {today}. «im lặng»: máy chủ tỉnh không gửi số liệu quá {d} ngày. "
                  "«Đủ số liệu đến hôm qua»: số xã có số liệu đến hết ngày hôm qua trên số xã của tỉnh. "
                  "«Báo cáo ngày {on}»: như máy chủ tỉnh tính từ các lần nhận (qua mạng, tệp USB, mã ngày qua điện "
                  "thoại là số tạm).</p>"
                  "<table><tr><th>#</th><th>Tỉnh</th><th>{ind}</th><th>Độ mới</th><th>Đủ số liệu đến hôm qua</th>"
                  "<th>Báo cáo ngày {on}</th><th>Lần gửi cuối</th></tr>{rows}</table>"
                  "<p><a href=\"/national/report/{month}\">Báo cáo tháng "
                  "{month_vn} (PDF, A4)</a></p>").format(month=f"{hub_today():%Y-%m}", month_vn=f"{hub_today():%m/%Y}",
        ind=indicators.label(key), today=vn_date(hub_today()), d=STALE_AFTER.days, rows=rows, on=vn_date(on))
    return _page("Toàn quốc — số liệu các tỉnh", body)


def province_html(code: str, name: str, rows: list[CommuneLine], on: dt.date | None = None) -> str:
    keys, on = indicators.KEYS, on or hub_today() - dt.timedelta(days=1)
    head = Markup("").join(Markup("<th>{}</th>").format(indicators.label(k, short=True)) for k in keys)
    body_rows = Markup("").join(Markup("<tr><td>{c}</td><td>{n}</td>{vals}<td>{day}</td><td>{rev}</td>"
                                       "<td>{tam}</td><td>{cov}</td></tr>").format(
        c=r.code, n=r.name, vals=Markup("").join(Markup("<td>{}</td>").format(thousands(r.totals.get(k, 0)))
                                                 for k in keys),
        day=vn_date(r.last_day) if r.last_day else "chưa có", rev=r.revision or "",
        cov=coverage.commune_cell(r.completeness),
        tam=Markup("<span class=\"tam\">{} ngày số tạm</span>").format(r.provisional_days) if r.provisional_days
        else "") for r in rows)
    body = Markup("<p><a href=\"/national\">← Toàn quốc</a></p><p>Các xã như máy chủ tỉnh đã báo cáo.</p>"
                  "<table><tr><th>Mã xã</th><th>Tên xã</th>{head}<th>Ngày cuối</th><th>Lần sửa</th><th></th>"
                  "<th>Báo cáo ngày {on}</th></tr>{rows}</table>").format(head=head, rows=body_rows, on=vn_date(on))
    return _page(f"Tỉnh {name} ({code})", body)


def _national_only(request: Request) -> HubDB:
    if getattr(request.app.state, "hub_role", "province") != "national":
        raise rollups_refused()
    db: HubDB = request.app.state.db
    return db


def _day(ngay: str | None) -> dt.date:
    """The page's day (?ngay=YYYY-MM-DD), yesterday by default; a malformed or future one is refused."""
    if not ngay:
        return hub_today() - dt.timedelta(days=1)
    try:
        on = dt.date.fromisoformat(ngay[:10]) if len(ngay) == 10 else None
    except ValueError:
        on = None
    if on is None or on > hub_today():
        raise RollupRefused("ngay must be YYYY-MM-DD, not in the future", vi="Ngày phải có dạng NĂM-THÁNG-NGÀY "
                            "(ví dụ 2026-12-05) và không ở tương lai.", status=422, field="ngay")
    return on


@router.get("/national", response_class=HTMLResponse, summary="The national page (national hub)")
def national(request: Request, user: PageUser, ngay: str | None = None) -> HTMLResponse:
    db = _national_only(request)
    on = _day(ngay)
    with db.view_session() as s:
        html = national_html(province_lines(s, on=on), on)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/national/{province}", response_class=HTMLResponse, summary="A province's communes (national hub)")
def national_province(request: Request, province: str, user: PageUser, ngay: str | None = None) -> HTMLResponse:
    db = _national_only(request)
    if len(province) > 8 or province not in communes.provinces():
        raise RollupRefused(f"{province[:8]} is not a province code", vi="Không có tỉnh này.", status=404)
    on = _day(ngay)
    with db.view_session() as s:
        rows = commune_lines(s, province, on)
    return HTMLResponse(province_html(province, communes.provinces()[province], rows, on),
                        headers={"Cache-Control": "no-store"})


@router.get("/national/report/{month}", summary="The monthly A4 summary as PDF (national hub)")
def national_month_pdf(request: Request, month: str, user: PageUser) -> Response:
    """month: YYYY-MM. The Decree 30 paper of the provinces' figures for that month (province.national.paper)."""
    from province.national import paper

    db = _national_only(request)
    try:
        first = dt.date.fromisoformat(f"{month[:7]}-01") if len(month) == 7 else None
    except ValueError:
        first = None
    if first is None or first > hub_today():
        raise RollupRefused("month must be YYYY-MM, not in the future", vi="Tháng phải có dạng NĂM-THÁNG "
                            "(ví dụ 2026-11) và không ở tương lai.", status=404, field="month")
    with db.view_session() as s:
        summary = paper.month_summary(s, first.year, first.month, headline(), hub_today())
    return Response(paper.to_pdf(summary), media_type="application/pdf", headers={
        "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="bao-cao-toan-quoc-{month}.pdf"'})

"""Drill-down, trends and checks (signed in, viewer or admin): province → commune → point and village →
laptop, each page with breadcrumbs back up; `/trend` and `/commune/{code}/trend` (cumulative against the
target sets' lines, inline SVG from `trend`); `/checks` ("Cần kiểm tra", from `checks`). Figures of the
lower levels from `drill_data`; the day shown is `on` (default: today in Vietnam)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from province.dashboard import checks as ck
from province.dashboard import drill_data as dd
from province.dashboard import scope
from province.dashboard import trend as tr
from province.dashboard.lang import gettext
from province.dashboard.login import PageUser
from province.dashboard.pages import render
from province.dashboard.render import point_name
from province.dashboard.routes import NO_STORE, OnQ, ProvQ, _on
from province.db import HubDB
from province.models import Commune

router = APIRouter(tags=["dashboard"])
Code = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$")]
PointP = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$")]


def _page(template: str, **ctx: object) -> HTMLResponse:
    return HTMLResponse(render(template, point_name=point_name, **ctx), headers=NO_STORE)


def _missing(code: str) -> HTMLResponse:
    return HTMLResponse(render("message.html", title="Không tìm thấy", lines=[code], error=True, home="/",
                               receipt=None), status_code=404)


def _crumbs(on: str, commune: Commune | None = None, *more: tuple[str, str]) -> list[tuple[str, str]]:
    out = [("Toàn tỉnh", f"/?on={on}")]
    if commune is not None:
        out.append((f"{commune.name} ({commune.code})", f"/commune/{commune.code}"))
    return out + list(more)


@router.get("/checks", response_class=HTMLResponse, summary="Cần kiểm tra: communes whose figures look wrong")
def checks_page(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None) -> HTMLResponse:
    t0 = time.perf_counter()
    day = _on(on)
    with request.app.state.db.view_session() as s:
        rows = ck.checks(s, day, scope.province(user, province))  # a province account: its own only
    return _page("checks.html", title="Cần kiểm tra — EnrollPoint", user=user, on=day, rows=rows, kinds=ck.KINDS,
                 crumbs=_crumbs(day.isoformat(), None, ("Cần kiểm tra", "")), window=ck.WINDOW,
                 factor=ck.SPIKE_FACTOR, minimum=ck.SPIKE_MIN, elapsed_ms=(time.perf_counter() - t0) * 1000)


@router.get("/trend", response_class=HTMLResponse, summary="Province trend: cumulative against target lines (SVG)")
def province_trend(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None) -> HTMLResponse:
    t0 = time.perf_counter()
    day = _on(on)
    with request.app.state.db.view_session() as s:
        charts = tr.charts(s, day, scope.province(user, province))
    return _page("trend.html", title="Xu hướng — EnrollPoint", user=user, on=day, charts=charts, tr=tr,
                 heading="Toàn tỉnh", crumbs=_crumbs(day.isoformat(), None, ("Xu hướng", "")),
                 elapsed_ms=(time.perf_counter() - t0) * 1000)


@router.get("/commune/{code}/trend", response_class=HTMLResponse, summary="A commune's trend (SVG)")
def commune_trend(request: Request, code: Code, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    with request.app.state.db.view_session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return _missing(code)
        charts = tr.charts(s, day, code=code)
        crumbs = _crumbs(day.isoformat(), commune, ("Xu hướng", ""))
        heading = commune.name
    return _page("trend.html", title=f"{heading} — xu hướng", user=user, on=day, charts=charts, tr=tr,
                 heading=heading, crumbs=crumbs, elapsed_ms=None)


@router.get("/commune/{code}/points", response_class=HTMLResponse, summary="A commune's points and villages")
def commune_points(request: Request, code: Code, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    with request.app.state.db.view_session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return _missing(code)
        ctx = {"points": dd.points(s, code, day), "villages": dd.villages(s, code, day),
               "crumbs": _crumbs(day.isoformat(), commune, ("Điểm và thôn", "")), "commune": commune}
    return _page("points.html", title=f"{commune.name} — điểm và thôn", user=user, on=day, **ctx)


@router.get("/commune/{code}/point/{point}", response_class=HTMLResponse, summary="One point's days and villages")
def point_page(request: Request, code: Code, point: PointP, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    with request.app.state.db.view_session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return _missing(code)
        ctx = {"days": dd.point_days(s, code, point, day), "villages": dd.villages(s, code, day, point),
               "laptops": dd.point_laptops(s, code, point), "commune": commune, "point": point,
               "crumbs": _crumbs(day.isoformat(), commune, ("Điểm và thôn", f"/commune/{code}/points"),
                                 (point_name(point), ""))}
    return _page("point.html", title=f"{commune.name} — {point_name(point)}", user=user, on=day, **ctx)


@router.get("/commune/{code}/laptop/{device_id}", response_class=HTMLResponse, summary="One laptop's reports")
def laptop_page(request: Request, code: Code, device_id: PointP, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    db: HubDB = request.app.state.db
    with db.view_session() as s:
        commune = s.get(Commune, code)
        dev = dd.device(s, code, device_id) if commune is not None else None
        lines = dd.laptop_days(s, code, device_id, day)
        if commune is None or (dev is None and not lines):
            return _missing(f"{code}/{device_id}")
        name = dev.name if dev is not None else device_id
        ctx = {"lines": lines, "totals": dd.totals_by(lines), "commune": commune, "device_id": device_id,
               "name": name, "crumbs": _crumbs(day.isoformat(), commune, (gettext("Máy %(name)s", name=name), ""))}
    title = gettext("%(commune)s — máy %(name)s", commune=commune.name, name=name)
    return _page("laptop.html", title=title, user=user, on=day, **ctx)

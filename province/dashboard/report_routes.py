"""Routes of the committee's papers and the phone page: `/report/{kind}.pdf|.xlsx` (kind: daily, weekly,
fortnight) and `/phone` (the slow-line page with the Zalo/SMS text). All read `data.province_rows`, the
function behind the province table, so what is printed or pasted equals what the table shows. Signed-in
viewers and admins only (the dashboard's session)."""

from __future__ import annotations

import datetime as dt
import gzip

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from province.dashboard import brief, data, paper_report, paper_xlsx, report_setup, scope
from province.dashboard.login import DataUser, PageUser
from province.dashboard.pages import render
from province.dashboard.routes import NO_STORE, OnQ, ProvQ, _on
from province.db import HubDB

router = APIRouter(tags=["dashboard"])
PHONE_SILENT_SHOWN = 100  # communes listed by name on the phone page (the rest counted)


def gather(db: HubDB, on: dt.date, province: str | None, kind: str) -> tuple[brief.Brief, report_setup.ReportSetup]:
    """The brief of the day (and of the period start for a weekly / 15-day paper) and the heading's setup."""
    days = paper_report.PERIOD_DAYS[kind]
    with db.view_session() as s:
        rows = data.province_rows(s, on, province or None)
        since = on - dt.timedelta(days=days) if days else None
        before = data.province_rows(s, since, province or None) if since else None
        names = {r.province_name for r in rows}  # a province's hub, or the table filtered to one province
        prov_name = names.pop() if len(names) == 1 else ""
        setup = report_setup.load(s, prov_name)
    return brief.build(rows, on, before, since), setup


def _kind(kind: str) -> str:
    if kind not in paper_report.KINDS:
        raise HTTPException(404, "kind must be daily, weekly or fortnight")
    return kind


@router.get("/report/{kind}.pdf", summary="The committee's paper (Decree 30/2020 layout) as PDF")
def report_pdf(request: Request, kind: str, user: DataUser, on: OnQ = None, province: ProvQ = None) -> Response:
    kind, day = _kind(kind), _on(on)
    b, setup = gather(request.app.state.db, day, scope.province(user, province), kind)
    return Response(paper_report.to_pdf(kind, b, setup), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{paper_report.filename(kind, day, "pdf")}"',
                             **NO_STORE})


@router.get("/report/{kind}.xlsx", summary="The committee's paper as an Excel workbook")
def report_xlsx(request: Request, kind: str, user: DataUser, on: OnQ = None, province: ProvQ = None) -> Response:
    kind, day = _kind(kind), _on(on)
    b, setup = gather(request.app.state.db, day, scope.province(user, province), kind)
    name = paper_report.filename(kind, day, "xlsx")
    return Response(paper_xlsx.to_xlsx(kind, b, setup),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})


@router.get("/phone", response_class=HTMLResponse, summary="The phone page: summary and text for Zalo / SMS")
def phone_page(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None) -> Response:
    day = _on(on)
    province = scope.province(user, province)
    b, setup = gather(request.app.state.db, day, province, "daily")
    q = f"?on={day.isoformat()}" + (f"&province={province}" if province else "")
    html = render("phone.html", title=f"Tiến độ {data.vn_date(day)}", b=b, cutoff=setup.cutoff,
                  text=brief.short_text(b, setup.cutoff), query=q, shown=PHONE_SILENT_SHOWN,
                  vn_int=brief.vn_int).encode("utf-8")
    headers = {**NO_STORE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):  # the hub compresses nothing else
        return Response(gzip.compress(html, 6, mtime=0), media_type="text/html; charset=utf-8",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)

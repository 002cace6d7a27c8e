"""Dashboard routes: province table, commune detail, CSV/XLSX exports, bundle upload."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from province.bundle_import import MAX_BUNDLE_FILE, BundleError, import_bundle
from province.dashboard import data, export, render
from province.db import HubDB
from province.models import Commune, Target

router = APIRouter(tags=["dashboard"])


def _on(on: str | None) -> dt.date:
    if not on:
        return data.hub_today()
    try:
        return dt.date.fromisoformat(on)
    except ValueError:
        raise HTTPException(422, "on must be YYYY-MM-DD") from None


def _rows(db: HubDB, on: dt.date, province: str | None, sort: str) -> tuple[list[data.Row], dict[str, str]]:
    with db.session() as s:
        rows = data.province_rows(s, on, province or None, sort if sort in data.SORTS else "rank")
        provinces = dict(s.execute(select(Commune.province_code, Commune.province_name).distinct()
                                   .order_by(Commune.province_code)).all())
    return rows, provinces


OnQ = Annotated[str | None, Query(description="Day shown as 'today' (YYYY-MM-DD); default: hub date, UTC+7")]
ProvQ = Annotated[str | None, Query(description="Province code filter")]
SortQ = Annotated[str, Query(description="rank | name | code | silent | province")]


@router.get("/", response_class=HTMLResponse, summary="Province table (HTML)")
def province_table(request: Request, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> HTMLResponse:
    t0 = time.perf_counter()
    day = _on(on)
    rows, provinces = _rows(request.app.state.db, day, province, sort)
    html = render.province_page(rows, day, provinces, province or None, sort if sort in data.SORTS else "rank",
                                (time.perf_counter() - t0) * 1000)
    return HTMLResponse(html)


@router.get("/commune/{code}", response_class=HTMLResponse, summary="One commune's days (HTML)")
def commune_detail(request: Request, code: str) -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return HTMLResponse(render.message_page("Không tìm thấy xã", [code], error=True), status_code=404)
        reports = data.commune_days(s, code)
        targets = list(s.scalars(select(Target).where(Target.commune_code == code).order_by(Target.indicator)))
        return HTMLResponse(render.commune_page(commune, reports, targets))


@router.get("/export.csv", summary="Province table as CSV (UTF-8 with BOM)")
def export_csv(request: Request, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort)
    return Response(export.to_csv(rows, day), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.csv"'})


@router.get("/export.xlsx", summary="Province table as an Excel workbook")
def export_xlsx(request: Request, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort)
    return Response(export.to_xlsx(rows, day),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.xlsx"'})


@router.post("/dashboard/upload-bundle", summary="Import an offline bundle file (same rules as the CLI)")
async def upload_bundle(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    db: HubDB = request.app.state.db
    content = await file.read(MAX_BUNDLE_FILE + 1)
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        if len(content) > MAX_BUNDLE_FILE:
            raise BundleError(413, "bundle file too large")
        result = await run_in_threadpool(import_bundle, db, content, "bundle")
    except BundleError as exc:
        if wants_json:
            return JSONResponse({"detail": exc.reason, "field": "file"}, status_code=exc.status)
        return HTMLResponse(render.message_page("Không nhập được tệp", [exc.reason], error=True),
                            status_code=exc.status)
    if wants_json:
        return JSONResponse(result)
    b = result["batches"]
    lines = [f"Thiết bị {result['device_id']} — xã {result['commune_code']}: {len(b)} lô",
             f"Mới: {sum(x['imported'] for x in b)}, cập nhật: {sum(x['updated'] for x in b)}, "
             f"trùng (bỏ qua): {sum(x['ignored'] for x in b)}, xung đột: {sum(len(x['conflicts']) for x in b)}",
             f"Lô đã nhận trước đó: {sum(1 for x in b if x['replayed'])}"]
    return HTMLResponse(render.message_page("Đã nhập tệp dữ liệu", lines))

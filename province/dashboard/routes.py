"""Dashboard routes: province table, commune detail, CSV/XLSX exports, bundle upload."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from province import auth
from province.bundle_import import MAX_BUNDLE_FILE, BundleError, import_bundle
from province.dashboard import data, export, render
from province.dashboard.login import DataUser, PageUser
from province.db import HubDB
from province.models import Commune, Target

router = APIRouter(tags=["dashboard"])
NO_STORE = {"Cache-Control": "no-store"}  # signed-in pages: not kept by shared or back-button caches


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
def province_table(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None,
                   sort: SortQ = "rank") -> HTMLResponse:
    t0 = time.perf_counter()
    day = _on(on)
    rows, provinces = _rows(request.app.state.db, day, province, sort)
    html = render.province_page(rows, day, provinces, province or None, sort if sort in data.SORTS else "rank",
                                (time.perf_counter() - t0) * 1000, user=user)
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/commune/{code}", response_class=HTMLResponse, summary="One commune's days (HTML)")
def commune_detail(request: Request, code: str, user: PageUser) -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return HTMLResponse(render.message_page("Không tìm thấy xã", [code], error=True), status_code=404)
        reports = data.commune_days(s, code)
        targets = list(s.scalars(select(Target).where(Target.commune_code == code).order_by(Target.indicator)))
        return HTMLResponse(render.commune_page(commune, reports, targets, user=user), headers=NO_STORE)


@router.get("/export.csv", summary="Province table as CSV (UTF-8 with BOM)")
def export_csv(request: Request, user: DataUser, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort)
    return Response(export.to_csv(rows, day), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.csv"',
                             **NO_STORE})


@router.get("/export.xlsx", summary="Province table as an Excel workbook")
def export_xlsx(request: Request, user: DataUser, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort)
    return Response(export.to_xlsx(rows, day),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.xlsx"',
                             **NO_STORE})


_UPLOAD_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "csrf"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "csrf": {"type": "string", "description": "the session's CSRF token (or X-CSRF-Token header)"}},
}}}}}


@router.post("/dashboard/upload-bundle", summary="Import an offline bundle file (same rules as the CLI)",
             description="Needs a dashboard session of an `admin` user (401 without a session, 403 for a viewer "
             "or without the CSRF token). Accept: application/json gives the JSON summary.",
             openapi_extra=_UPLOAD_SCHEMA)
async def upload_bundle(request: Request, user: DataUser) -> Response:
    """Session, role and CSRF are checked before the multipart body is parsed."""
    db: HubDB = request.app.state.db
    wants_json = "application/json" in request.headers.get("accept", "")

    def refuse(status: int, title: str, reason: str, field: str | None = "file") -> Response:
        if wants_json:
            return JSONResponse({"detail": reason, "field": field}, status_code=status)
        return HTMLResponse(render.message_page(title, [reason], error=True), status_code=status)

    if not user.is_admin:
        return refuse(403, "Không có quyền", "Chỉ tài khoản quản trị (admin) được nhập tệp dữ liệu.", None)
    header_token = request.headers.get("x-csrf-token")
    if header_token is not None and not auth.check_csrf(user, header_token):
        return refuse(403, "Yêu cầu không hợp lệ", "Thiếu hoặc sai mã CSRF.", "csrf")
    async with request.form(max_files=1, max_fields=5) as form:
        if header_token is None and not auth.check_csrf(user, form.get("csrf")):  # type: ignore[arg-type]
            return refuse(403, "Yêu cầu không hợp lệ", "Thiếu hoặc sai mã CSRF.", "csrf")
        file = form.get("file")
        if file is None or isinstance(file, str):
            return refuse(422, "Không nhập được tệp", "Thiếu tệp (trường file).")
        content = await file.read(MAX_BUNDLE_FILE + 1)
    try:
        if len(content) > MAX_BUNDLE_FILE:
            raise BundleError(413, "bundle file too large")
        result = await run_in_threadpool(import_bundle, db, content, "bundle")
    except BundleError as exc:
        return refuse(exc.status, "Không nhập được tệp", exc.reason)
    if wants_json:
        return JSONResponse(result)
    b = result["batches"]
    lines = [f"Thiết bị {result['device_id']} — xã {result['commune_code']}: {len(b)} lô",
             f"Mới: {sum(x['imported'] for x in b)}, cập nhật: {sum(x['updated'] for x in b)}, "
             f"trùng (bỏ qua): {sum(x['ignored'] for x in b)}, xung đột: {sum(len(x['conflicts']) for x in b)}",
             f"Lô đã nhận trước đó: {sum(1 for x in b if x['replayed'])}"]
    return HTMLResponse(render.message_page("Đã nhập tệp dữ liệu", lines))

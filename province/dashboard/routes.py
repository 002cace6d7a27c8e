"""Dashboard routes: province table, commune detail, CSV/XLSX exports, bundle upload."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from province.auth import Auth
from province.bundle_import import (
    ALREADY_RECEIVED_VI,
    MAX_BUNDLE_FILE,
    BundleError,
    import_bundle_with_receipt,
    stored_now,
)
from province.dashboard import completeness, data, export, render, scope
from province.dashboard.login import DataUser, PageUser
from province.db import HubDB
from province.deps import AdminUser
from province.models import Commune, Target
from sync import limits

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file
MAX_UPLOAD_BODY = MAX_BUNDLE_FILE + MULTIPART_OVERHEAD

router = APIRouter(tags=["dashboard"])
NO_STORE = {"Cache-Control": "no-store"}  # signed-in pages: not kept by shared or back-button caches


def _on(on: str | None) -> dt.date:
    if not on:
        return data.hub_today()
    try:
        day = dt.date.fromisoformat(on)
    except ValueError:
        raise HTTPException(422, "on must be YYYY-MM-DD") from None
    if not limits.EARLIEST_DAY <= day <= data.hub_today() + dt.timedelta(days=366):
        raise HTTPException(422, "on must be a day between 2020-01-01 and a year from now")
    return day


def _rows(db: HubDB, on: dt.date, province: str | None, sort: str,
          user: Auth) -> tuple[list[data.Row], dict[str, str]]:
    province = scope.province(user, province)
    with db.view_session() as s:
        rows = scope.keep(user, data.province_rows(s, on, province or None, sort if sort in data.SORTS else "rank"))
        q = select(Commune.province_code, Commune.province_name).distinct().order_by(Commune.province_code)
        if user.scoped:
            q = q.where(Commune.province_code.in_({r.province_code for r in rows} | {province or ""}))
        provinces = dict(s.execute(q).all())
    return rows, provinces


OnQ = Annotated[str | None, Query(description="Day shown as 'today' (YYYY-MM-DD); default: hub date, UTC+7")]
ProvQ = Annotated[str | None, Query(description="Province code filter")]
SortQ = Annotated[str, Query(description="rank | name | code | silent | province")]


@router.get("/", response_class=HTMLResponse, summary="Province table (HTML)")
def province_table(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None,
                   sort: SortQ = "rank") -> Response:
    if user.communes and not province:  # a leader opens on "my localities"
        return RedirectResponse(scope.MINE + (f"?on={on}" if on else ""), status_code=303)
    t0 = time.perf_counter()
    day = _on(on)
    rows, provinces = _rows(request.app.state.db, day, province, sort, user)
    province = scope.province(user, province)
    html = render.province_page(rows, day, provinces, province or None, sort if sort in data.SORTS else "rank",
                                (time.perf_counter() - t0) * 1000, user=user)
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/commune/{code}", response_class=HTMLResponse, summary="One commune's days (HTML)")
def commune_detail(request: Request, code: str, user: PageUser) -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.view_session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return HTMLResponse(render.message_page("Không tìm thấy xã", [code], error=True), status_code=404)
        reports = data.commune_days(s, code)
        targets = list(s.scalars(select(Target).where(Target.commune_code == code).order_by(Target.indicator)))
        laps = data.laptops(s, data.hub_today(), [code]).get(code, [])
        since = reports[-1].day if len(reports) >= 2000 else None  # the codes of the days shown
        phones = data.commune_codes(s, code, since)
        return HTMLResponse(render.commune_page(commune, reports, targets, user=user, laps=laps, phones=phones),
                            headers=NO_STORE)


@router.get("/completeness", response_class=HTMLResponse, summary="Who reported the day, by which channel (HTML)")
def completeness_page(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None) -> HTMLResponse:
    t0 = time.perf_counter()
    day = _on(on)
    with request.app.state.db.view_session() as s:
        c = completeness.completeness(s, day, scope.province(user, province))
    html = render.completeness_page(c, scope.province(user, province), user=user, elapsed_ms=(time.perf_counter() - t0) * 1000)
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/completeness.csv", summary="Who reported the day, by which channel (CSV, UTF-8 with BOM)")
def completeness_csv(request: Request, user: DataUser, on: OnQ = None, province: ProvQ = None) -> Response:
    day = _on(on)
    with request.app.state.db.view_session() as s:
        c = completeness.completeness(s, day, scope.province(user, province))
    return Response(export.completeness_csv(c), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="bao-cao-{day.isoformat()}.csv"',
                             **NO_STORE})


@router.get("/export.csv", summary="Province table as CSV (UTF-8 with BOM)")
def export_csv(request: Request, user: DataUser, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort, user)
    return Response(export.to_csv(rows, day), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.csv"',
                             **NO_STORE})


@router.get("/export.xlsx", summary="Province table as an Excel workbook")
def export_xlsx(request: Request, user: DataUser, on: OnQ = None, province: ProvQ = None, sort: SortQ = "rank") -> Response:
    day = _on(on)
    rows, _ = _rows(request.app.state.db, day, province, sort, user)
    return Response(export.to_xlsx(rows, day),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="enrollpoint-{day.isoformat()}.xlsx"',
                             **NO_STORE})


_UPLOAD_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}},
}}}}}


class _TooLarge(Exception):
    pass


async def _capped_stream(request: Request, cap: int) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _TooLarge
        yield chunk


@router.post("/dashboard/upload-bundle", summary="Import an offline bundle file (same rules as the CLI)",
             description="Needs a dashboard session of an `admin` user (401 without a session, 403 for a viewer "
             "or without the CSRF token, given as the `X-CSRF-Token` header or the `csrf` query parameter — "
             "checked before a byte of the body is read). Body ≤ 64 MiB, streamed; Accept: application/json "
             "gives the JSON summary.",
             openapi_extra=_UPLOAD_SCHEMA)
async def upload_bundle(request: Request, user: AdminUser,
                        csrf: Annotated[str | None, Query(max_length=200, description="the session's CSRF token "
                                                          "(or X-CSRF-Token header)")] = None) -> Response:
    """Session, role and CSRF are checked before the multipart body is read; the body is streamed with a
    cap (the file part spools to a temporary file) and the bundle is decompressed in bounded pieces."""
    db: HubDB = request.app.state.db
    wants_json = "application/json" in request.headers.get("accept", "")

    if "multipart/form-data" not in request.headers.get("content-type", ""):
        raise BundleError(422, "send the file as multipart/form-data (field file)",
                          vi="Cần gửi tệp dạng multipart/form-data (trường file).")
    parser = MultiPartParser(request.headers, _capped_stream(request, MAX_UPLOAD_BODY), max_files=1, max_fields=5,
                             max_part_size=4096)
    try:
        form = await parser.parse()
    except _TooLarge:
        raise BundleError(413, f"file larger than {MAX_BUNDLE_FILE // (1024 * 1024)} MiB",
                          vi=f"Tệp lớn hơn {MAX_BUNDLE_FILE // (1024 * 1024)} MiB.") from None
    except MultiPartException:
        raise BundleError(400, "the body is not well-formed multipart",
                          vi="Nội dung gửi lên không đúng dạng multipart.") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BundleError(422, "no file (field file)", vi="Thiếu tệp (trường file).")
        fobj: Any = file.file
        fobj.seek(0)
        def allow(commune: str) -> None:
            with db.session() as s:
                scope.require(s, user, commune)

        result, receipt = await run_in_threadpool(import_bundle_with_receipt, db, limits.read_chunks(fobj),
                                                  "bundle", allow)
    finally:
        await form.close()
    if wants_json:
        return JSONResponse({**result, "receipt": receipt})
    b = result["batches"]
    tot = stored_now(b)
    lines = [f"Thiết bị {result['device_id']} — xã {result['commune_code']}: {len(b)} lô",
             f"Mới: {tot['imported']}, cập nhật: {tot['updated']}, trùng (bỏ qua): {tot['ignored']}, "
             f"xung đột: {tot['conflicts']}"]
    lines += [f"Lô {x['batch_id']} ({len(x.get('results', []))} báo cáo): {ALREADY_RECEIVED_VI}."
              for x in b if x.get("replayed")]
    link = f'/dashboard/receipt/{result["receipt_id"]}'
    return HTMLResponse(render.message_page("Đã nhập tệp dữ liệu", lines, receipt=link))

"""Dashboard pages for communes with no link: answer an enrolment request file, write a signed
targets file, enter a day code read over the phone, download a bundle's receipt.

Everything that changes something needs an `admin` session and the session's CSRF token (forms carry it as
the `csrf` query parameter for multipart uploads, or a hidden field); files are small and read with a cap.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from province import offline
from province.dashboard import pages, render, scope
from province.dashboard.login import PageUser
from province.db import HubDB
from province.deps import AdminUser
from province.errors import HubRefusal
from province.models import Commune
from sync import hubkey, indicators
from sync import offline as files
from sync.protocol import INDICATORS

router = APIRouter(tags=["dashboard"])
NO_STORE = {"Cache-Control": "no-store"}
SHORT = {i.key: i.vi_short for i in indicators.REGISTRY}


def _attachment(doc: dict[str, Any], name: str) -> Response:
    return Response(files.dumps(doc), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})


def _unreadable(status: int, en: str, vi: str) -> HubRefusal:
    return HubRefusal(en, vi=vi, status=status, field="file", title="Không đọc được tệp")


@router.get("/dashboard/offline", response_class=HTMLResponse, summary="Communes with no link: files and day codes")
def offline_page(request: Request, user: PageUser, commune: Annotated[str | None, Query(max_length=32)] = None,
                 ) -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session() as s:
        rows = offline.phone_rows(s, commune or None, limit=300)
        if user.scoped:
            seen = {c.code for c in s.query(Commune).all() if scope.sees(user, c.code, c.province_code)}
            rows = [r for r in rows if r.commune_code in seen]
        names = {c.code: c.name for c in s.query(Commune).all()} if rows else {}
        key_fp = hubkey.fingerprint(offline.hub_public_key(s))
    html = pages.render("offline.html", title="Xã không có mạng — EnrollPoint", user=user, rows=rows, names=names,
                        csrf_query=urlencode({"csrf": user.csrf}), short_labels=[SHORT[i] for i in INDICATORS], key_fp=key_fp)
    return HTMLResponse(html, headers=NO_STORE)


@router.post("/dashboard/day-code", response_class=HTMLResponse, summary="Enter a day code (provisional figures)")
def enter_day_code(request: Request, user: AdminUser, code: Annotated[str, Form(max_length=300)] = "",
                   csrf: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session(write=True) as s:
        res = offline.accept_day_code(s, code, actor=f"user:{user.name}")
        scope.require(s, user, res.commune_code)  # another province's code: refused, nothing kept
    t = res.totals
    lines = [("Mã này đã được nhận trước đó." if res.status == "duplicate"
              else "Đã lưu số liệu tạm, qua điện thoại (sẽ được thay bằng báo cáo ký số khi về)."),
             f"Xã {res.commune_code}, điểm {res.point_code}, ngày {res.day}, lần chốt {res.revision}",
             ", ".join(f"{SHORT[i]}: {t[i]}" for i in INDICATORS)]
    return HTMLResponse(render.message_page("Mã ngày hợp lệ", lines, home="/dashboard/offline"), headers=NO_STORE)


@router.post("/dashboard/targets-file", summary="Download a commune's signed targets/settings file")
def download_targets_file(request: Request, user: AdminUser, commune: Annotated[str, Form(max_length=32)] = "",
                          hub_url: Annotated[str, Form(max_length=200)] = "",
                          csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    db: HubDB = request.app.state.db
    with db.session(write=True) as s:
        scope.require(s, user, commune)
        doc = offline.targets_file(s, commune, hub_url or None)
    return _attachment(doc, f"chi-tieu-{doc['payload']['commune_code']}.json")


@router.post("/dashboard/enrol-file", summary="Answer an enrolment request file (download the signed response)")
async def enrol_file(request: Request, user: AdminUser,
                     csrf: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    if "multipart/form-data" not in request.headers.get("content-type", ""):
        raise _unreadable(422, "send the file as multipart/form-data (field file)",
                          "Cần gửi tệp dạng multipart/form-data (trường file).")
    try:
        form = await MultiPartParser(request.headers, request.stream(), max_files=1, max_fields=2,
                                     max_part_size=4096).parse()
    except MultiPartException:
        raise _unreadable(400, "the body is not well-formed multipart",
                          "Nội dung gửi lên không đúng dạng multipart.") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise _unreadable(422, "no file (field file)", "Thiếu tệp (trường file).")
        data = await file.read(files.MAX_SMALL_FILE_BYTES + 1)
    finally:
        await form.close()
    db: HubDB = request.app.state.db

    def answer() -> dict[str, Any]:
        with db.session(write=True) as s:
            doc, _device = offline.enrol_from_file(s, data)
            scope.require(s, user, doc["payload"]["commune_code"])  # refused: rolled back, code not spent
        return doc

    doc = await run_in_threadpool(answer)
    name = f"tra-loi-ket-noi-{doc['payload']['commune_code']}.json"
    if doc["payload"].get("same_device") is False:
        return _new_device_page(doc, name)
    return _attachment(doc, name)


def _new_device_page(doc: dict[str, Any], name: str) -> HTMLResponse:
    """A re-enrolment request naming a device this hub never knew was answered as a NEW device: say so, with
    the response to download from the page (a data: link — the code is spent, so the page is the only copy)."""
    import base64

    href = "data:application/json;base64," + base64.b64encode(files.dumps(doc)).decode("ascii")
    html = pages.render("new_device.html", title="Đã kết nối máy mới — EnrollPoint", name=name, href=href,
                        note=offline.enrolment_note(doc["payload"]))
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/dashboard/receipt/{receipt_id}", summary="Download the signed receipt of a bundle import")
def download_receipt(request: Request, user: AdminUser, receipt_id: str) -> Response:
    db: HubDB = request.app.state.db
    with db.session() as s:
        row = offline.stored_receipt_row(s, receipt_id)
        if row is not None:
            scope.require(s, user, row.commune_code)  # another province's receipt: refused with words
        text = row.document if row is not None else None
    if text is None:
        raise HubRefusal("no such receipt (gone, or a wrong link)", vi="Biên nhận không còn hoặc đường dẫn sai.",
                         status=404, title="Không tìm thấy biên nhận")
    return Response(text.encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="bien-nhan-{receipt_id[:8]}.json"',
                             **NO_STORE})

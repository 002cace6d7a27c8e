"""Dashboard pages for communes with no link (issue 14): answer an enrolment request file, write a signed
targets file, enter a day code read over the phone, download a bundle's receipt.

Everything that changes something needs an `admin` session and the session's CSRF token (forms carry it as
the `csrf` query parameter for multipart uploads, or a hidden field); files are small and read with a cap.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from province import offline
from province.dashboard import render
from province.dashboard.login import PageUser
from province.db import HubDB
from province.deps import AdminUser
from province.errors import HubRefusal
from province.models import Commune
from sync import hubkey
from sync import offline as files
from sync.protocol import INDICATORS

router = APIRouter(tags=["dashboard"])
NO_STORE = {"Cache-Control": "no-store"}
SHORT = {"card_captured": "Thẻ căn cước", "vneid_l2_captured": "VNeID mức 2", "vneid_activated": "Kích hoạt",
         "attended": "Đến", "no_show": "Vắng"}


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
        names = {c.code: c.name for c in s.query(Commune).all()} if rows else {}
        key_fp = hubkey.fingerprint(offline.hub_public_key(s))
    q = urlencode({"csrf": user.csrf})
    body = [f"<h1>Xã không có mạng: tệp và mã ngày</h1>{render.user_bar(user)}",
            '<p><a href="/">← Bảng theo dõi</a></p>']
    if key_fp:  # read out with every one-time code: the laptop shows the same after connecting
        body.append(f'<p id="hub-key">Dấu khóa máy chủ tỉnh: <strong>{escape(key_fp)}</strong> (đọc kèm mã kết nối; '
                    "máy xã hiện đúng dấu này sau khi kết nối)</p>")
    if user.is_admin:
        body.append(
            "<h2>Kết nối máy bằng tệp</h2><p>Nhận tệp yêu cầu kết nối từ máy xã (enrollpoint connect --code … "
            "--request-file …); trang trả về tệp trả lời để mang về máy xã.</p>"
            f'<form method="post" action="/dashboard/enrol-file?{escape(q)}" enctype="multipart/form-data" '
            'id="enrol-file"><input type="file" name="file" required> <button type="submit">Tạo tệp trả lời'
            "</button></form>"
            "<h2>Tệp chỉ tiêu cho xã</h2>"
            f'<form method="post" action="/dashboard/targets-file" id="targets-file">'
            f'<input type="hidden" name="csrf" value="{escape(user.csrf)}">'
            '<label>Mã xã <input name="commune" required maxlength="32" size="8"></label> '
            '<label>Địa chỉ máy chủ (không bắt buộc) <input name="hub_url" maxlength="200" size="30"></label> '
            '<button type="submit">Tải tệp chỉ tiêu</button></form>'
            "<h2>Nhập mã ngày (đọc qua điện thoại / SMS)</h2>"
            '<form method="post" action="/dashboard/day-code" id="day-code">'
            f'<input type="hidden" name="csrf" value="{escape(user.csrf)}">'
            '<input name="code" required maxlength="300" size="60" autocomplete="off"> '
            '<button type="submit">Kiểm tra và lưu</button></form>')
    head = "".join(f"<th>{escape(SHORT[i])}</th>" for i in INDICATORS)
    trs = []
    for r in rows:
        cells = "".join(f"<td>{r.totals.get(i, 0)}</td>" for i in INDICATORS)
        cls = "nd" if r.superseded else "not_met"
        trs.append(f'<tr><td class="t">{escape(r.commune_code)} {escape(names.get(r.commune_code, ""))}</td>'
                   f'<td class="t">{escape(r.point_code)}</td><td>{r.day.isoformat()}</td><td>{r.revision}</td>'
                   f'{cells}<td class="{cls}">{escape(r.label)}</td></tr>')
    body.append("<h2>Số liệu nhận qua mã ngày</h2>")
    body.append(f'<table id="day-codes"><tr><th>Xã</th><th>Điểm</th><th>Ngày</th><th>Lần chốt</th>{head}'
                f'<th>Tình trạng</th></tr>{"".join(trs)}</table>' if trs else "<p>Chưa nhận mã ngày nào.</p>")
    return HTMLResponse(render.page("Xã không có mạng — EnrollPoint", "".join(body)), headers=NO_STORE)


@router.post("/dashboard/day-code", response_class=HTMLResponse, summary="Enter a day code (provisional figures)")
def enter_day_code(request: Request, user: AdminUser, code: Annotated[str, Form(max_length=300)] = "",
                   csrf: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session(write=True) as s:
        res = offline.accept_day_code(s, code, actor=f"user:{user.name}")
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
    body = (f'<p><a href="/dashboard/offline">← Xã không có mạng</a></p>'
            '<h1 id="new-device">Đã kết nối máy như MÁY MỚI</h1>'
            f"<p>{escape(offline.enrolment_note(doc['payload']))}</p>"
            f'<p><a id="download-response" download="{escape(name)}" href="{escape(href)}"><strong>Tải tệp trả lời '
            f"({escape(name)})</strong></a> rồi mang về máy xã (enrollpoint connect --response-file …). Hãy tải "
            "ngay: mã kết nối đã được dùng, tệp chỉ có trên trang này.</p>")
    return HTMLResponse(render.page("Đã kết nối máy mới — EnrollPoint", body), headers=NO_STORE)


@router.get("/dashboard/receipt/{receipt_id}", summary="Download the signed receipt of a bundle import")
def download_receipt(request: Request, user: AdminUser, receipt_id: str) -> Response:
    db: HubDB = request.app.state.db
    with db.session() as s:
        text = offline.stored_receipt(s, receipt_id)
    if text is None:
        raise HubRefusal("no such receipt (gone, or a wrong link)", vi="Biên nhận không còn hoặc đường dẫn sai.",
                         status=404, title="Không tìm thấy biên nhận")
    return Response(text.encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="bien-nhan-{receipt_id[:8]}.json"',
                             **NO_STORE})

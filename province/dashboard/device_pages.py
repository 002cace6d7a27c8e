"""Dashboard actions on a commune's laptops: issue a replacement code for a dead laptop ("Cấp mã
thay thế") and approve a laptop held for review ("chờ duyệt"). Admin session and its CSRF token, as every
other form that changes something: the `AdminUser` dependency checks both; a refusal is raised and answered by
the one handler (province/refusals.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from province import held, offline, replacement
from province.dashboard import render, scope
from province.dashboard.data import local
from province.dashboard.offline_pages import NO_STORE
from province.db import HubDB
from province.deps import AdminUser
from province.errors import HubRefusal
from province.models import Device
from sync import hubkey

router = APIRouter(tags=["dashboard"])
DeviceId = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$")]


def _page(title: str, lines: list[str], home: str, error: bool = False, status: int = 200) -> HTMLResponse:
    return HTMLResponse(render.message_page(title, lines, error=error, home=home), status_code=status,
                        headers=NO_STORE)


@router.post("/dashboard/device/{device_id}/replacement-code", response_class=HTMLResponse,
             summary="Issue a replacement code: the laptop that enrols with it becomes this device's successor")
def replacement_code(request: Request, device_id: DeviceId, user: AdminUser,
                     csrf: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session(write=True) as s:
        dev = s.get(Device, device_id)
        if dev is None:
            raise HubRefusal(f"no device {device_id}", vi=f"Không có máy {device_id}.", status=404,
                             title="Không tìm thấy máy")
        scope.require(s, user, dev.commune_code)
        code, expires, dev = replacement.create_code(s, dev.commune_code, device_id)
        commune, name = dev.commune_code, dev.name
        key_fp = hubkey.fingerprint(offline.ensure_hub_key(s)[1])
    return _page("Mã thay thế máy", [
        f"Mã: {code}",
        f"Cho máy «{name}» ({device_id}) của xã {commune}; hết hạn {local(expires)}.",
        f"Dấu khóa máy chủ tỉnh: {key_fp} (đọc kèm mã; máy xã hiện đúng dấu này sau khi kết nối).",
        "Máy khôi phục từ bản sao lưu kết nối bằng mã này (enrollpoint connect) sẽ thay cho máy cũ: cùng mã thiết bị, "
        "nhận lại số liệu tỉnh đang giữ; máy cũ nếu xuất hiện lại sẽ bị từ chối.",
    ], f"/commune/{commune}")


@router.post("/dashboard/device/{device_id}/approve", response_class=HTMLResponse,
             summary="Approve a laptop held for review: its reports are counted from its next delivery")
def approve(request: Request, device_id: DeviceId, user: AdminUser,
            csrf: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    db: HubDB = request.app.state.db
    with db.session(write=True) as s:
        found = s.get(Device, device_id)
        if found is not None:
            scope.require(s, user, found.commune_code)
        dev = held.approve(s, device_id, actor=f"user:{user.name}")
        commune = dev.commune_code
    return _page("Đã duyệt máy", [f"Máy {device_id}: báo cáo được tính từ lần gửi tới."], f"/commune/{commune}")

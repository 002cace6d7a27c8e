"""Laptops held for the admin: identity decides, not content.

A new device whose enrolment says its database was restored from a backup of device X (and that did not
come with X's replacement code) may re-send the dead laptop's days as its own: it is held. So is a device that
spoke the old enrolment protocol (it cannot say it was restored) whose first report for a (point, day) is a
revision > 1 while another laptop of the commune already reported that (point, day) — a copy of another
laptop's database continuing that laptop's revisions. Zero reports or equal counts from two laptops are
legitimate and never hold anything.

A held device's batches are refused before anything is stored (403, field "held", with words): the laptop keeps
them and sends them again once the admin approves (`enrollpoint-hub device approve`, or the dashboard's laptop
list). Nothing of a held device is ever summed; rejecting it revokes it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import admin
from province.models import Device, DeviceSuccession, ReportVillage
from sync import protocol

MSG_HELD = ("Máy này đang chờ tỉnh duyệt ({reason}): báo cáo chưa được tính vào số liệu của tỉnh và vẫn được giữ "
            "trên máy. Hãy báo công an tỉnh duyệt máy, hoặc xin mã thay thế nếu máy này thay cho một máy hỏng.")
REASON_RESTORED = "máy khôi phục từ bản sao lưu của máy {device}, kết nối bằng mã thường"
REASON_REVISION = "báo cáo đầu tiên của ngày {day} điểm {point} là lần chốt {revision}, như bản sao của máy khác"


def hold_on_enrol(dev: Device, restored_from: str | None) -> None:
    """A new device that says it was restored from another device's backup waits for the admin."""
    if restored_from:
        dev.held_reason = REASON_RESTORED.format(device=restored_from[:8])[:300]


def message(dev: Device) -> str | None:
    return MSG_HELD.format(reason=dev.held_reason) if dev.held_reason else None


def check_batch(s: Session, dev: Device, batch: protocol.Batch) -> str | None:
    """Words when `dev` is (now) held — the caller refuses the batch, nothing stored — else None. Marks an
    old-protocol device held when its batch continues revisions it never sent (the caller commits)."""
    if dev.held_reason:
        return message(dev)
    if dev.enrol_protocol >= protocol.ENROL_PROTOCOL:
        return None  # a current laptop says itself whether it was restored
    if s.scalar(select(DeviceSuccession.id).where(DeviceSuccession.device_id == dev.id).limit(1)) is not None:
        return None
    first: dict[tuple[str, object], int] = {}
    for r in batch.reports:  # the lowest revision of each (point, day) in this batch
        first[(r.point_code, r.day)] = min(r.revision, first.get((r.point_code, r.day), r.revision))
    for r in batch.reports:
        if r.revision <= 1 or first[(r.point_code, r.day)] < r.revision:
            continue
        others = set(s.scalars(select(ReportVillage.device_id).where(
            ReportVillage.commune_code == dev.commune_code, ReportVillage.point_code == r.point_code,
            ReportVillage.day == r.day)))
        if dev.id not in others and others:  # continues revisions another laptop of the commune sent for it
            dev.held_reason = REASON_REVISION.format(day=r.day.isoformat(), point=r.point_code,
                                                     revision=r.revision)[:300]
            admin.audit(s, f"device:{dev.id}", "device.held", dev.commune_code, reason=dev.held_reason)
            return message(dev)
    return None


def held_devices(s: Session) -> list[Device]:
    return list(s.scalars(select(Device).where(Device.held_reason != "", Device.revoked.is_(False))
                          .order_by(Device.commune_code, Device.enrolled_at)))


def approve(s: Session, device_id: str, actor: str = "admin") -> Device:
    """The admin decided this laptop's days are its own work: its batches are accepted from now on."""
    dev = s.get(Device, device_id)
    if dev is None:
        raise admin.AdminError(f"unknown device {device_id!r}")
    reason, dev.held_reason = dev.held_reason, ""
    admin.audit(s, actor, "device.approve", dev.commune_code, device=dev.id, reason=reason)
    return dev

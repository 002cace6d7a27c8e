"""Enrollment points: the commune office and the mobile points (village halls, schools, landings, homes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop.errors import ValidationError
from desktop.models import Point

POINT_KINDS = ("office", "mobile", "home")
# The commune police office: the point every commune has from the start (first run, `init`, the demo).
HEADQUARTERS_CODE = "TRUSO"
HEADQUARTERS_NAME = "Trụ sở Công an xã"


def ensure_headquarters(session: Session) -> Point | None:
    """A commune with no point yet gets the headquarters point (day close needs one); None if it had points."""
    if list_points(session):
        return None
    return add_point(session, HEADQUARTERS_CODE, HEADQUARTERS_NAME, "", kind="office")


def add_point(session: Session, code: str, name: str, address: str = "", kind: str = "mobile") -> Point:
    """Create a point; the code is what slips, events and reports refer to, so it must be unique."""
    code = nfc(code)
    name = nfc(name)
    if not code or len(code) > 32 or any(ch.isspace() for ch in code):
        raise ValidationError("code", code, "Mã điểm thu nhận phải có 1–32 ký tự, không có khoảng trắng",
                              en="An enrolment point code must be 1–32 characters, without spaces")
    if code.startswith("_"):  # "_XA" is the commune's "không theo điểm" report (sync.protocol)
        raise ValidationError("code", code, "Mã điểm thu nhận không được bắt đầu bằng '_' (dành cho báo cáo của xã)",
                              en="An enrolment point code must not start with '_' (reserved for the "
                                 "commune's report)")
    if not name:
        raise ValidationError("name", name, "Thiếu tên điểm thu nhận",
                              en="The enrolment point name is missing")
    if kind not in POINT_KINDS:
        raise ValidationError("kind", kind, f"Loại điểm '{kind}' không hợp lệ (office, mobile, home)",
                              en=f"Point kind '{kind}' is not valid (office, mobile, home)")
    if get_point_by_code(session, code) is not None:
        raise ValidationError("code", code, f"Mã điểm thu nhận '{code}' đã tồn tại",
                              en=f"Enrolment point code '{code}' already exists")
    p = Point(code=code, name=name, address=nfc(address), kind=kind, active=True)
    session.add(p)
    session.flush()
    return p


def list_points(session: Session, *, active_only: bool = False) -> list[Point]:
    stmt = select(Point).order_by(Point.kind != "office", Point.code)
    if active_only:
        stmt = stmt.where(Point.active.is_(True))
    return list(session.scalars(stmt))


def get_point_by_code(session: Session, code: str) -> Point | None:
    return session.scalar(select(Point).where(Point.code == nfc(code)))

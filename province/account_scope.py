"""Which communes a dashboard account may see and act on, as stored on the account: a province code
(province viewers and admins) or a list of commune codes (leaders: "my localities"). Both empty: the whole
hub — every account made before scopes existed. Checked against the commune register when set, so a typo
is refused with words instead of making an account that sees nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.admin import AdminError, nfc
from province.models import Commune

MAX_COMMUNES = 500  # a leader answers for a handful of localities; a longer list is a mistake


def split(text: str | None) -> tuple[str, ...]:
    """'22736,22737' → ('22736', '22737'); None or '' → ()."""
    return tuple(c for c in (p.strip() for p in (text or "").split(",")) if c)


def _codes(text: str) -> list[str]:
    codes = [nfc(c).lstrip("0") or "0" for c in split(text)]
    if not codes:
        raise AdminError("--communes needs at least one commune code (e.g. 22736,22737)",
                         vi="--communes cần ít nhất một mã xã (ví dụ 22736,22737).", field="communes")
    if len(codes) > MAX_COMMUNES:
        raise AdminError(f"at most {MAX_COMMUNES} communes per account", field="communes",
                         vi=f"Mỗi tài khoản gắn tối đa {MAX_COMMUNES} xã.")
    return list(dict.fromkeys(codes))


def checked(s: Session, role: str, province: str | None, communes: str | None) -> tuple[str | None, str | None]:
    """(province code, 'a,b,c') to store for `role`, each checked against the commune register."""
    province = nfc(province) if province else None
    if role == "leader":
        if province:
            raise AdminError("a leader is bound to communes (--communes), not to a province", field="province",
                             vi="Tài khoản lãnh đạo gắn với các xã (--communes), không gắn với tỉnh.")
        if not communes:
            raise AdminError("a leader account needs --communes (the localities it answers for)", field="communes",
                             vi="Tài khoản lãnh đạo cần --communes (các xã, phường mình phụ trách).")
    elif communes:
        raise AdminError("only a leader account is bound to a list of communes (--role leader)", field="communes",
                         vi="Chỉ tài khoản lãnh đạo (--role leader) mới gắn với danh sách xã.")
    if province and s.scalar(select(Commune.code).where(Commune.province_code == province).limit(1)) is None:
        raise AdminError(f"no commune of province {province} in the register", field="province",
                         vi=f"Danh mục xã không có xã nào của tỉnh {province}.")
    if not communes:
        return province, None
    codes = _codes(communes)
    known = set(s.scalars(select(Commune.code).where(Commune.code.in_(codes))))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise AdminError(f"unknown commune code(s): {', '.join(unknown[:10])}", field="communes",
                         vi=f"Mã xã không có trong danh mục: {', '.join(unknown[:10])}.")
    return None, ",".join(codes)


def audit_fields(province: str | None, communes: str | None) -> dict[str, str]:
    return {"province": province or "", "communes": communes or ""}

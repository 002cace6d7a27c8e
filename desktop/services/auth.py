"""Operators, PINs, roles and the audit trail.

Why: a laptop at a mobile point is shared by several officers and can be lost; each change must say who
made it, and only a supervisor may close a day, correct a closed day, change settings or add operators.

PINs (4–8 digits) are hashed with scrypt (n=2**14, r=8, p=1, 16-byte per-operator salt), stored as
`scrypt$n$r$p$salt$hash` (base64 salt and hash), compared in constant time. Five wrong PINs in a row lock
the operator for five minutes. `login()` commits its counter update itself, so a failed attempt is kept
even when the caller's unit of work rolls back on the exception.

How the UI / CLI / sync code uses the checks (they raise `PermissionDenied` with a Vietnamese message):
    op = auth.login(session, name, pin)            # at start-up (LoginDialog) or per CLI command
    auth.check_close_day(op)                       # before services.dayclose closes a day
    auth.check_correct_closed_day(op)              # before a closed day's report is revised
    auth.check_change_settings(op)                 # before config.put / set_commune from the UI
    auth.audit(session, op.id, "day.close", "day_report", report_id)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.secrethash import DUMMY_HASH, hash_secret, verify_secret
from common.vietnamese import nfc
from desktop.changes import Changes, declares
from desktop.errors import PermissionDenied, ServiceError, ValidationError
from desktop.logs import redact
from desktop.models import AuditEntry, Operator

ROLES = ("operator", "supervisor")
ROLE_LABELS = {"operator": "Cán bộ thu nhận", "supervisor": "Người phụ trách"}
MAX_FAILURES = 5
LOCK_PERIOD = dt.timedelta(minutes=5)

# Injectable clock (tests move time forward instead of sleeping).
Clock = Callable[[], dt.datetime]


def _system_now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


now: Clock = _system_now


class LoginFailed(ServiceError):
    """Unknown operator or wrong PIN (the message does not say which)."""


class OperatorLocked(LoginFailed):
    """Too many wrong PINs; `until` is when the operator may try again."""

    def __init__(self, message: str, until: dt.datetime, *, en: str | None = None) -> None:
        super().__init__(message, en=en)
        self.until = until


# --- PIN hashing (common.secrethash: the one scrypt format of laptop and hub) ----------------------------

hash_pin = hash_secret
verify_pin = verify_secret


def _burn_time(pin: str) -> None:
    """Same work for an unknown name as for a wrong PIN: the timing does not reveal who exists."""
    verify_secret(pin, DUMMY_HASH)


def check_pin_format(pin: str) -> str:
    pin = (pin or "").strip()
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("pin", None, "Mã PIN phải gồm 4 đến 8 chữ số.",
                              en="The PIN must be 4 to 8 digits.")
    return pin


# --- operators ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OperatorInfo:
    """What lists show about an operator (no hash)."""

    id: int
    name: str
    role: str
    active: bool
    locked_until: dt.datetime | None


def needs_first_operator(session: Session) -> bool:
    """True on first run: no active supervisor yet, so the app must ask for one (name + PIN)."""
    return not session.scalar(
        select(func.count()).select_from(Operator).where(Operator.role == "supervisor", Operator.active)
    )


@declares(Changes(settings=True))
def create_operator(
    session: Session, name: str, pin: str, role: str = "operator", *, created_by: Operator | None = None
) -> Operator:
    """Add an operator. The first one must be a supervisor; after that only a supervisor adds people."""
    name = nfc(" ".join((name or "").split()))
    if not name or len(name) > 80:
        raise ValidationError("name", name, "Tên cán bộ không được để trống (tối đa 80 ký tự).",
                              en="The officer's name must not be empty (at most 80 characters).")
    if role not in ROLES:
        raise ValidationError("role", role, "Vai trò phải là 'operator' (cán bộ) hoặc 'supervisor' (người phụ trách).",
                              en="The role must be 'operator' or 'supervisor'.")
    pin = check_pin_format(pin)
    first = needs_first_operator(session)
    if first and role != "supervisor":
        raise ValidationError("role", role, "Tài khoản đầu tiên phải là người phụ trách (supervisor).",
                              en="The first account must be a supervisor.")
    if not first:
        if created_by is None:
            raise PermissionDenied("Chỉ người phụ trách đã đăng nhập mới được thêm cán bộ.",
                                   en="Only a logged-in supervisor may add officers.")
        require_role(created_by, "supervisor")
    if session.scalar(select(Operator.id).where(Operator.name == name)) is not None:
        raise ValidationError("name", name, f"Đã có cán bộ tên «{name}».",
                              en=f"There is already an officer named «{name}».")
    op = Operator(
        name=name,
        role=role,
        pin_hash=hash_pin(pin),
        failed_attempts=0,
        locked_until=None,
        active=True,
        created_at=now(),
    )
    session.add(op)
    session.flush()
    audit(session, created_by.id if created_by else op.id, "operator.create", "operator", op.id, f"role={role}")
    return op


def list_operators(session: Session, *, active_only: bool = True) -> list[OperatorInfo]:
    q = select(Operator).order_by(Operator.name)
    if active_only:
        q = q.where(Operator.active)
    return [OperatorInfo(o.id, o.name, o.role, bool(o.active), o.locked_until) for o in session.scalars(q)]


def operator_names(session: Session) -> list[str]:
    """Names for the login combobox."""
    return [o.name for o in list_operators(session)]


def change_pin(session: Session, operator: Operator, old_pin: str, new_pin: str) -> None:
    if not verify_pin(old_pin, operator.pin_hash):
        raise LoginFailed("Mã PIN hiện tại không đúng.", en="The current PIN is wrong.")
    operator.pin_hash = hash_pin(check_pin_format(new_pin))
    session.flush()
    audit(session, operator.id, "operator.pin_change", "operator", operator.id)


def _fmt(t: dt.datetime) -> str:
    return t.strftime("%H:%M:%S ngày %d/%m/%Y")


def _fmt_en(t: dt.datetime) -> str:
    return t.strftime("%H:%M:%S on %d/%m/%Y")


def login(session: Session, name: str, pin: str) -> Operator:
    """The operator for this name and PIN, or LoginFailed / OperatorLocked (Vietnamese messages).

    Commits the failure counter / lock (and the audit line) itself, so they survive the exception.
    """
    t = now()
    name = nfc(" ".join((name or "").split()))
    op = session.scalar(select(Operator).where(Operator.name == name, Operator.active))
    if op is None:
        _burn_time(pin or "")
        raise LoginFailed("Tên cán bộ hoặc mã PIN không đúng.", en="Wrong officer name or PIN.")
    if op.locked_until is not None and op.locked_until > t:
        raise OperatorLocked(
            f"Tài khoản «{op.name}» đang bị khóa vì nhập sai mã PIN quá {MAX_FAILURES} lần. "
            f"Hãy thử lại sau {_fmt(op.locked_until)}.",
            op.locked_until,
            en=f"The account «{op.name}» is locked after more than {MAX_FAILURES} wrong PINs. Try again "
               f"after {_fmt_en(op.locked_until)}.",
        )
    if not verify_pin(pin or "", op.pin_hash):
        op.failed_attempts = (op.failed_attempts or 0) + 1
        if op.failed_attempts >= MAX_FAILURES:
            op.failed_attempts = 0
            op.locked_until = t + LOCK_PERIOD
            audit(session, op.id, "login.locked", "operator", op.id)
            session.commit()
            raise OperatorLocked(
                f"Nhập sai mã PIN {MAX_FAILURES} lần: tài khoản «{op.name}» bị khóa đến {_fmt(op.locked_until)}.",
                op.locked_until,
                en=f"{MAX_FAILURES} wrong PINs: the account «{op.name}» is locked until "
                   f"{_fmt_en(op.locked_until)}.",
            )
        left = MAX_FAILURES - op.failed_attempts
        audit(session, op.id, "login.failed", "operator", op.id)
        session.commit()
        raise LoginFailed(f"Tên cán bộ hoặc mã PIN không đúng (còn {left} lần thử trước khi bị khóa).",
                          en=f"Wrong officer name or PIN ({left} tries left before the account is locked).")
    op.failed_attempts = 0
    op.locked_until = None
    audit(session, op.id, "login", "operator", op.id)
    session.commit()
    return op


# --- roles --------------------------------------------------------------------------------------------


def has_role(operator: Operator | OperatorInfo | None, role: str) -> bool:
    if operator is None or not getattr(operator, "active", True):
        return False
    if role == "operator":
        return operator.role in ROLES
    return operator.role == role


def require_role(operator: Operator | OperatorInfo | None, role: str, action: str = "") -> None:
    """Raise PermissionDenied unless the operator holds `role` (a supervisor can do what an operator can)."""
    if has_role(operator, role):
        return
    what = f" {action}" if action else " làm việc này"
    label = ROLE_LABELS.get(role, role)
    raise PermissionDenied(f"Chỉ {label.lower()} mới được{what}. Hãy đăng nhập bằng tài khoản {label.lower()}.",
                           en=f"Only a {role} may do this. Log in with a {role} account.")


def check_close_day(operator: Operator | OperatorInfo | None) -> None:
    require_role(operator, "supervisor", "chốt số liệu ngày")


def check_correct_closed_day(operator: Operator | OperatorInfo | None) -> None:
    require_role(operator, "supervisor", "sửa số liệu của ngày đã chốt")


def check_change_settings(operator: Operator | OperatorInfo | None) -> None:
    require_role(operator, "supervisor", "thay đổi cài đặt")


def check_manage_operators(operator: Operator | OperatorInfo | None) -> None:
    require_role(operator, "supervisor", "quản lý tài khoản cán bộ")


# --- audit --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: dt.datetime
    operator_id: int | None
    operator_name: str
    action: str
    entity: str
    entity_id: int | None
    detail: str


def audit(
    session: Session,
    operator_id: int | None,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one audit line. Ids and counts only: never a name, ID number, phone or address."""
    entry = AuditEntry(
        at=now(),
        operator_id=operator_id,
        action=action[:48],
        entity=entity[:32],
        entity_id=entity_id,
        detail=_scrub(detail),
    )
    session.add(entry)
    session.flush()
    return entry


def _scrub(detail: str) -> str:
    """Belt and braces: the same redaction as the logs, in case a caller passes personal data."""
    return redact(nfc(detail))[:500]


def audit_entries(
    session: Session, offset: int = 0, limit: int = 100, operator_id: int | None = None
) -> list[AuditRow]:
    """Newest first, one page."""
    q = (
        select(AuditEntry, Operator.name)
        .outerjoin(Operator, Operator.id == AuditEntry.operator_id)
        .order_by(AuditEntry.id.desc())
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    if operator_id is not None:
        q = q.where(AuditEntry.operator_id == operator_id)
    return [
        AuditRow(e.id, e.at, e.operator_id, name or "", e.action, e.entity, e.entity_id, e.detail)
        for e, name in session.execute(q)
    ]


def audit_count(session: Session, operator_id: int | None = None) -> int:
    q = select(func.count()).select_from(AuditEntry)
    if operator_id is not None:
        q = q.where(AuditEntry.operator_id == operator_id)
    return int(session.scalar(q) or 0)

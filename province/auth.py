"""Dashboard accounts and sessions, as plain functions over a Session (shared by the CLI and the web app).

- Passwords: hashlib.scrypt (n=2**14, r=8, p=1, 16-byte random salt per user), compared in constant time.
  Every login runs exactly one scrypt, *outside* any database transaction (`find_login` reads, the hash
  runs, `finish_login` writes): an unknown, disabled or locked account costs the same as a wrong password.
  Rate limits and lockouts (per client address and account, time-bounded) are in province.throttle.
- Sessions: a random id; the cookie is `<id>.<expiry>.<HMAC-SHA256(secret, id.expiry)>`, so a tampered or
  forged cookie is refused before the database is asked. The hub stores only SHA-256(id) with its expiry
  (12 h): logout and `user disable` end sessions at once. The secret is 32 random bytes created at `init`
  (or at the first start) and kept in `hub_settings` — never in a file or a log.
- CSRF: the token of a session is HMAC(secret, "csrf:" + id); forms that change something carry it.
- Login links: `user login-link` makes a single-use URL valid for minutes (kiosk screens); only the
  token's SHA-256 is stored and it is spent atomically.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from common.secrethash import DUMMY_HASH, hash_secret, verify_secret
from province import account_scope
from province.admin import AdminError, audit, now
from province.models import HubSession, HubSetting, HubUser, LoginLink

log = logging.getLogger(__name__)

ROLES = ("viewer", "admin", "leader")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=5)
SESSION_FOR = dt.timedelta(hours=12)
COOKIE = "ep_hub_session"
LOGIN_COOKIE = "ep_hub_login"  # pre-login nonce for the login form's CSRF token
SECRET_KEY = "session_secret"
_NAME = re.compile(r"^[0-9A-Za-z_.@\-]{1,64}$")


# -- passwords ----------------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


hash_password = hash_secret  # common.secrethash: the one scrypt format of laptop and hub
verify_password = verify_secret
_DUMMY_HASH = DUMMY_HASH


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AdminError(f"password must have at least {MIN_PASSWORD} characters",
                         vi=f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if len(password) > MAX_PASSWORD:
        raise AdminError(f"password must have at most {MAX_PASSWORD} characters",
                         vi=f"Mật khẩu dài quá {MAX_PASSWORD} ký tự.")


# -- the server secret --------------------------------------------------------------------------------

def ensure_secret(s: Session) -> bytes:
    """The session-signing secret, created (32 random bytes) the first time."""
    row = s.get(HubSetting, SECRET_KEY)
    if row is None:
        row = HubSetting(key=SECRET_KEY, value=_b64(secrets.token_bytes(32)))
        s.add(row)
        s.flush()
    return _unb64(row.value)


# -- accounts -----------------------------------------------------------------------------------------

def _name(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip()
    if not _NAME.match(name):
        raise AdminError("user name must be 1..64 letters, digits, '.', '_', '-' or '@'",
                         vi="Tên tài khoản phải dài 1–64 ký tự: chữ, số, '.', '_', '-' hoặc '@'.")
    return name


def get_user(s: Session, name: str) -> HubUser:
    user = s.scalar(select(HubUser).where(HubUser.name == _name(name)))
    if user is None:
        raise AdminError(f"unknown user {name!r}", status=404, vi=f"Không có tài khoản {name!r}.")
    return user


def add_user(s: Session, name: str, password: str, role: str, province: str | None = None,
             communes: str | None = None) -> HubUser:
    """A new account; `province` binds it to one province, `communes` (leaders: required) to those communes."""
    name = _name(name)
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}", vi=f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    province, codes = account_scope.checked(s, role, province, communes)
    check_password_rules(password)
    if s.scalar(select(HubUser.id).where(HubUser.name == name)) is not None:
        raise AdminError(f"user {name!r} already exists (use `user passwd` to change the password)", status=409,
                         vi=f"Tài khoản {name!r} đã có (đổi mật khẩu bằng `user passwd`).")
    user = HubUser(name=name, password_hash=hash_password(password), role=role, disabled=False, failed_logins=0,
                   created_at=now(), province_code=province, communes=codes)
    s.add(user)
    audit(s, "admin", "user.add", None, name=name, role=role, **account_scope.audit_fields(province, codes))
    return user


def set_scope(s: Session, name: str, province: str | None, communes: str | None,
              role: str | None = None) -> HubUser:
    """Change an account's scope (and role): both empty = the whole hub. Its sessions end, so the new scope
    applies from its next login at once."""
    user = get_user(s, name)
    role = role or user.role
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}", vi=f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    province, codes = account_scope.checked(s, role, province, communes)
    user.role, user.province_code, user.communes = role, province, codes
    s.execute(delete(HubSession).where(HubSession.user_id == user.id))
    audit(s, "admin", "user.scope", None, name=user.name, role=role, **account_scope.audit_fields(province, codes))
    return user


def set_password(s: Session, name: str, password: str) -> HubUser:
    user = get_user(s, name)
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    s.execute(delete(HubSession).where(HubSession.user_id == user.id))
    audit(s, "admin", "user.passwd", None, name=user.name)
    return user


def set_disabled(s: Session, name: str, disabled: bool = True) -> HubUser:
    """Disable (ending its sessions and unused login links at once) or enable again (lockout cleared)."""
    user = get_user(s, name)
    user.disabled = disabled
    user.failed_logins, user.locked_until = 0, None
    if disabled:
        s.execute(delete(HubSession).where(HubSession.user_id == user.id))
        s.execute(delete(LoginLink).where(LoginLink.user_id == user.id, LoginLink.used_at.is_(None)))
    audit(s, "admin", "user.disable" if disabled else "user.enable", None, name=user.name)
    return user


def list_users(s: Session) -> list[HubUser]:
    return list(s.scalars(select(HubUser).order_by(HubUser.name)))


# -- login --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginCandidate:
    """What a login needs from the account row, read without a write transaction."""

    user_id: int | None  # None: no such account (a dummy hash is checked instead)
    key: str  # normalised name (the lockout key)
    password_hash: str
    disabled: bool


def login_key(name: str) -> str:
    """The name as the lockouts count it: normalised, or (not a valid name) its first 64 characters."""
    try:
        return _name(name)
    except AdminError:
        return name[:64]


def find_login(s: Session, name: str) -> LoginCandidate:
    try:
        key = _name(name)
    except AdminError:
        return LoginCandidate(None, name[:64], _DUMMY_HASH, False)
    row = s.execute(select(HubUser.id, HubUser.password_hash, HubUser.disabled).where(HubUser.name == key)).first()
    if row is None:
        return LoginCandidate(None, key, _DUMMY_HASH, False)
    return LoginCandidate(row.id, key, row.password_hash, bool(row.disabled))


def password_matches(candidate: LoginCandidate, password: str, locked: bool) -> bool:
    """Exactly one scrypt whatever the case (unknown, disabled, locked, wrong or right password)."""
    if len(password) > MAX_PASSWORD:
        password = password[:MAX_PASSWORD]
        candidate = LoginCandidate(None, candidate.key, _DUMMY_HASH, False)
    ok = verify_password(password, candidate.password_hash)
    return ok and candidate.user_id is not None and not candidate.disabled and not locked


def finish_login(s: Session, candidate: LoginCandidate) -> HubUser | None:
    """After a matching password: the account (still enabled, password not changed since it was read) with
    its last login stamped; None otherwise. Short write transaction, no hashing inside."""
    user = s.get(HubUser, candidate.user_id) if candidate.user_id is not None else None
    if user is None or user.disabled or user.password_hash != candidate.password_hash:
        return None
    user.last_login_at = now()
    return user


@dataclass(frozen=True)
class Auth:
    """The logged-in user of one request."""

    user_id: int
    name: str
    role: str
    session_id: str
    csrf: str
    province: str | None = None  # bound to this province (None: every province)
    communes: tuple[str, ...] = ()  # bound to these communes (empty: no commune list)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def scoped(self) -> bool:
        return self.province is not None or bool(self.communes)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(_bytes(sid)).hexdigest()


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def same_text(expected: str, given: object) -> bool:
    """Constant-time comparison of two texts as UTF-8 bytes: a non-ASCII value (a cookie `a.1.é`, a CSRF
    token `é`) is simply unequal — hmac.compare_digest raises TypeError on non-ASCII str."""
    if not isinstance(given, str):
        return False
    try:
        return hmac.compare_digest(_bytes(expected), _bytes(given))
    except (TypeError, UnicodeError):
        return False


def _sign(secret: bytes, text: str) -> str:
    return _b64(hmac.new(secret, _bytes(text), hashlib.sha256).digest())


def start_session(s: Session, secret: bytes, user: HubUser, address: str = "") -> tuple[str, dt.datetime]:
    """A new session for `user`: returns the cookie value and its expiry. Expired sessions are purged. The
    audit row names the client's address (behind a trusted proxy, the forwarded one: province.proxy)."""
    at = now()
    s.execute(delete(HubSession).where(HubSession.expires_at <= at))
    sid = _b64(secrets.token_bytes(32))
    expires = at + SESSION_FOR
    s.add(HubSession(id_hash=_sid_hash(sid), user_id=user.id, created_at=at, expires_at=expires))
    audit(s, f"user:{user.name}", "user.login", None, **({"address": address[:64]} if address else {}))
    payload = f"{sid}.{int(expires.timestamp())}"
    return f"{payload}.{_sign(secret, payload)}", expires


def read_cookie(secret: bytes, value: str | None, at: dt.datetime | None = None) -> str | None:
    """The session id of a genuine, unexpired cookie; None for anything else."""
    if not value or len(value) > 200:
        return None
    parts = value.split(".")
    if len(parts) != 3:
        return None
    sid, exp, sig = parts
    if not same_text(_sign(secret, f"{sid}.{exp}"), sig):
        return None
    if not exp.isascii() or not exp.isdigit() or int(exp) <= (at or now()).timestamp():
        return None
    return sid


def csrf_token(secret: bytes, sid: str) -> str:
    return _sign(secret, f"csrf:{sid}")


def check_csrf(auth: Auth, token: object) -> bool:
    return bool(token) and same_text(auth.csrf, token)


def login_csrf(secret: bytes, nonce: str) -> str:
    """The login form's CSRF token, bound to the pre-login cookie nonce (double submit, signed)."""
    return _sign(secret, f"login-csrf:{nonce}")


def check_login_csrf(secret: bytes, nonce: object, token: object) -> bool:
    if not isinstance(nonce, str) or not nonce or len(nonce) > 100:
        return False
    return same_text(login_csrf(secret, nonce), token)


def session_auth(s: Session, secret: bytes, cookie: str | None) -> Auth | None:
    """The Auth of a valid session cookie (genuine, unexpired, session not ended, user not disabled)."""
    sid = read_cookie(secret, cookie)
    if sid is None:
        return None
    row = s.execute(
        select(HubUser.id, HubUser.name, HubUser.role, HubUser.disabled, HubSession.expires_at, HubUser.province_code,
               HubUser.communes)
        .join(HubSession, HubSession.user_id == HubUser.id)
        .where(HubSession.id_hash == _sid_hash(sid))
    ).first()
    if row is None or row.disabled or row.expires_at <= now():
        return None
    return Auth(row.id, row.name, row.role, sid, csrf_token(secret, sid), row.province_code or None,
                account_scope.split(row.communes))


def end_session(s: Session, sid: str) -> None:
    s.execute(delete(HubSession).where(HubSession.id_hash == _sid_hash(sid)))


# -- one-time login links -----------------------------------------------------------------------------

def create_login_link(s: Session, name: str, minutes: int = 15) -> tuple[str, dt.datetime]:
    if not 1 <= minutes <= 24 * 60:
        raise AdminError("--minutes must be between 1 and 1440", vi="Số phút (--minutes) phải từ 1 đến 1440.")
    user = get_user(s, name)
    if user.disabled:
        raise AdminError(f"user {user.name!r} is disabled", status=409, vi=f"Tài khoản {user.name!r} đang bị khóa.")
    token = _b64(secrets.token_bytes(24))
    expires = now() + dt.timedelta(minutes=minutes)
    s.add(LoginLink(token_hash=_sid_hash(token), user_id=user.id, created_at=now(), expires_at=expires))
    audit(s, "admin", "user.login_link", None, name=user.name, expires_at=expires)
    return token, expires


def use_login_link(s: Session, token: str) -> HubUser | None:
    """Spend a login link (atomically: opened twice at once, only one wins). None if unknown/used/expired."""
    if not token or len(token) > 100:
        return None
    at = now()
    link = s.get(LoginLink, _sid_hash(token))
    if link is None or link.used_at is not None or link.expires_at <= at:
        return None
    spent = s.execute(update(LoginLink).where(LoginLink.token_hash == link.token_hash, LoginLink.used_at.is_(None))
                      .values(used_at=at))
    if spent.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        return None
    user = s.get(HubUser, link.user_id)
    if user is None or user.disabled:
        return None
    user.last_login_at = at
    return user

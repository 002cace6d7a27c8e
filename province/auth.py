"""Dashboard accounts and sessions, as plain functions over a Session (shared by the CLI and the web app).

- Passwords: hashlib.scrypt (n=2**14, r=8, p=1, 16-byte random salt per user), compared in constant time.
  An unknown name costs the same scrypt as a known one. After 5 failures in a row the account is locked for
  5 minutes (even the right password is refused meanwhile); a success resets the count.
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

from province.admin import AdminError, audit, now
from province.models import HubSession, HubSetting, HubUser, LoginLink

log = logging.getLogger(__name__)

ROLES = ("viewer", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=5)
SESSION_FOR = dt.timedelta(hours=12)
COOKIE = "ep_hub_session"
SECRET_KEY = "session_secret"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[0-9A-Za-z_.@\-]{1,64}$")


# -- passwords ----------------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> bytes:
    return hashlib.scrypt(unicodedata.normalize("NFC", password).encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(_scrypt(password, salt))}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AdminError(f"password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AdminError(f"password must have at most {MAX_PASSWORD} characters")


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
        raise AdminError("user name must be 1..64 letters, digits, '.', '_', '-' or '@'")
    return name


def get_user(s: Session, name: str) -> HubUser:
    user = s.scalar(select(HubUser).where(HubUser.name == _name(name)))
    if user is None:
        raise AdminError(f"unknown user {name!r}")
    return user


def add_user(s: Session, name: str, password: str, role: str) -> HubUser:
    name = _name(name)
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    if s.scalar(select(HubUser.id).where(HubUser.name == name)) is not None:
        raise AdminError(f"user {name!r} already exists (use `user passwd` to change the password)")
    user = HubUser(name=name, password_hash=hash_password(password), role=role, disabled=False, failed_logins=0,
                   created_at=now())
    s.add(user)
    audit(s, "admin", "user.add", None, name=name, role=role)
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

class LoginRefused(Exception):
    """Wrong name or password, disabled, or locked. `locked` is for the server log, not for the page."""

    def __init__(self, reason: str, locked: bool = False) -> None:
        super().__init__(reason)
        self.locked = locked


def authenticate(s: Session, name: str, password: str) -> HubUser:
    """Check a login inside a write transaction (the user row is locked, so parallel guesses count)."""
    at = now()
    try:
        key = _name(name)
    except AdminError:
        key = None
    user = s.scalar(select(HubUser).where(HubUser.name == key).with_for_update()) if key else None
    if user is None or len(password) > MAX_PASSWORD:
        verify_password(password[:MAX_PASSWORD], _DUMMY_HASH)  # same cost as a real check
        raise LoginRefused("unknown user")
    if user.locked_until is not None and user.locked_until > at:
        raise LoginRefused("locked", locked=True)
    if user.disabled:
        verify_password(password, _DUMMY_HASH)
        raise LoginRefused("disabled")
    if not verify_password(password, user.password_hash):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins, user.locked_until = 0, at + LOCK_FOR
            log.warning("dashboard user %s locked for %s after %d failed logins", user.name, LOCK_FOR, MAX_FAILURES)
            raise LoginRefused("wrong password; now locked", locked=True)
        raise LoginRefused("wrong password")
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, at
    return user


@dataclass(frozen=True)
class Auth:
    """The logged-in user of one request."""

    user_id: int
    name: str
    role: str
    session_id: str
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _sign(secret: bytes, text: str) -> str:
    return _b64(hmac.new(secret, text.encode(), hashlib.sha256).digest())


def start_session(s: Session, secret: bytes, user: HubUser) -> tuple[str, dt.datetime]:
    """A new session for `user`: returns the cookie value and its expiry. Expired sessions are purged."""
    at = now()
    s.execute(delete(HubSession).where(HubSession.expires_at <= at))
    sid = _b64(secrets.token_bytes(32))
    expires = at + SESSION_FOR
    s.add(HubSession(id_hash=_sid_hash(sid), user_id=user.id, created_at=at, expires_at=expires))
    audit(s, f"user:{user.name}", "user.login", None)
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
    if not hmac.compare_digest(_sign(secret, f"{sid}.{exp}"), sig):
        return None
    try:
        if int(exp) <= (at or now()).timestamp():
            return None
    except ValueError:
        return None
    return sid


def csrf_token(secret: bytes, sid: str) -> str:
    return _sign(secret, f"csrf:{sid}")


def check_csrf(auth: Auth, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(auth.csrf, str(token))


def session_auth(s: Session, secret: bytes, cookie: str | None) -> Auth | None:
    """The Auth of a valid session cookie (genuine, unexpired, session not ended, user not disabled)."""
    sid = read_cookie(secret, cookie)
    if sid is None:
        return None
    row = s.execute(
        select(HubUser.id, HubUser.name, HubUser.role, HubUser.disabled, HubSession.expires_at)
        .join(HubSession, HubSession.user_id == HubUser.id)
        .where(HubSession.id_hash == _sid_hash(sid))
    ).first()
    if row is None or row.disabled or row.expires_at <= now():
        return None
    return Auth(row.id, row.name, row.role, sid, csrf_token(secret, sid))


def end_session(s: Session, sid: str) -> None:
    s.execute(delete(HubSession).where(HubSession.id_hash == _sid_hash(sid)))


# -- one-time login links -----------------------------------------------------------------------------

def create_login_link(s: Session, name: str, minutes: int = 15) -> tuple[str, dt.datetime]:
    if not 1 <= minutes <= 24 * 60:
        raise AdminError("--minutes must be between 1 and 1440")
    user = get_user(s, name)
    if user.disabled:
        raise AdminError(f"user {user.name!r} is disabled")
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
    if spent.rowcount != 1:
        return None
    user = s.get(HubUser, link.user_id)
    if user is None or user.disabled:
        return None
    user.last_login_at = at
    return user

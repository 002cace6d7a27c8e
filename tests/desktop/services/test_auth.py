"""Operators, PIN hashing, lockout with an injected clock, roles and the audit trail."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from desktop.errors import PermissionDenied, ServiceError, ValidationError
from desktop.models import Operator
from desktop.services import auth


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    t = {"now": dt.datetime(2026, 3, 2, 8, 0, 0)}
    monkeypatch.setattr(auth, "now", lambda: t["now"])
    return t


@pytest.fixture
def people(db, clock):
    with db.session() as s:
        boss = auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
        auth.create_operator(s, "Lê Thị Bình", "4321", "operator", created_by=boss)
    return db


def test_hash_format_and_verify():
    h = auth.hash_pin("2468")
    scheme, n, r, p, salt, digest = h.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert auth.verify_pin("2468", h) and not auth.verify_pin("2469", h)
    assert auth.hash_pin("2468") != h  # per-operator salt
    assert not auth.verify_pin("2468", "garbage")


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "１２３４"])
def test_pin_format_rejected(db, pin):
    with db.session() as s, pytest.raises(ValidationError):
        auth.create_operator(s, "Trưởng", pin, "supervisor")


def test_first_operator_must_be_supervisor_then_supervisor_adds(db):
    with db.session() as s:
        assert auth.needs_first_operator(s)
        with pytest.raises(ValidationError):
            auth.create_operator(s, "A", "1234", "operator")
        boss = auth.create_operator(s, "A", "1234", "supervisor")
        assert not auth.needs_first_operator(s)
        with pytest.raises(PermissionDenied):
            auth.create_operator(s, "B", "1234", "operator")  # nobody logged in
        clerk = auth.create_operator(s, "B", "1234", "operator", created_by=boss)
        with pytest.raises(PermissionDenied):
            auth.create_operator(s, "C", "1234", "operator", created_by=clerk)
        with pytest.raises(ValidationError):
            auth.create_operator(s, "B", "9999", "operator", created_by=boss)  # duplicate name
        assert s.get(Operator, boss.id).pin_hash.startswith("scrypt$16384$8$1$")


def test_login_success_and_wrong_pin(people):
    with people.session() as s:
        op = auth.login(s, "Lê Thị Bình", "4321")
        assert op.role == "operator"
    with people.session() as s, pytest.raises(auth.LoginFailed) as e:
        auth.login(s, "Lê Thị Bình", "0000")
    assert "không đúng" in e.value.message and "4 lần" in e.value.message
    with people.session() as s, pytest.raises(auth.LoginFailed) as e2:
        auth.login(s, "Không Có Ai", "0000")
    assert "không đúng" in e2.value.message
    with people.session() as s:  # the failure was kept although the caller's session rolled back
        assert s.scalar(auth.select(Operator.failed_attempts).where(Operator.name == "Lê Thị Bình")) == 1


def test_lockout_after_five_and_unlock_after_period(people, clock):
    for _ in range(4):
        with people.session() as s, pytest.raises(auth.LoginFailed):
            auth.login(s, "Lê Thị Bình", "0000")
    with people.session() as s, pytest.raises(auth.OperatorLocked) as e:
        auth.login(s, "Lê Thị Bình", "0000")
    assert e.value.until == clock["now"] + dt.timedelta(minutes=5)
    assert "khóa" in e.value.message and "08:05:00" in e.value.message
    clock["now"] += dt.timedelta(minutes=4, seconds=59)
    with people.session() as s, pytest.raises(auth.OperatorLocked):
        auth.login(s, "Lê Thị Bình", "4321")  # even the right PIN waits
    clock["now"] += dt.timedelta(seconds=2)
    with people.session() as s:
        assert auth.login(s, "Lê Thị Bình", "4321").name == "Lê Thị Bình"
    with people.session() as s:
        op = s.scalar(auth.select(Operator).where(Operator.name == "Lê Thị Bình"))
        assert op.failed_attempts == 0 and op.locked_until is None


def test_success_resets_counter(people):
    for _ in range(3):
        with people.session() as s, pytest.raises(auth.LoginFailed):
            auth.login(s, "Lê Thị Bình", "0000")
    with people.session() as s:
        auth.login(s, "Lê Thị Bình", "4321")
    for _ in range(4):  # four more wrong PINs do not lock: the counter started again
        with people.session() as s, pytest.raises(auth.LoginFailed) as e:
            auth.login(s, "Lê Thị Bình", "0000")
        assert not isinstance(e.value, auth.OperatorLocked)


def test_roles(people):
    with people.session() as s:
        boss = auth.login(s, "Nguyễn Văn Trưởng", "123456")
        clerk = auth.login(s, "Lê Thị Bình", "4321")
        auth.require_role(boss, "supervisor")
        auth.require_role(boss, "operator")
        auth.require_role(clerk, "operator")
        for check in (auth.check_close_day, auth.check_correct_closed_day, auth.check_change_settings):
            check(boss)
            with pytest.raises(PermissionDenied) as e:
                check(clerk)
            assert "người phụ trách" in e.value.message
            assert isinstance(e.value, ServiceError)
        with pytest.raises(PermissionDenied):
            auth.require_role(None, "operator")


def test_audit_paged_and_without_personal_data(people):
    with people.session() as s:
        boss = auth.login(s, "Nguyễn Văn Trưởng", "123456")
        for i in range(30):
            auth.audit(s, boss.id, "citizen.edit", "citizen", i, f"fields=2 id=001090123456 phone 0912345678 #{i}")
    with people.session() as s:
        total = auth.audit_count(s)
        page1 = auth.audit_entries(s, 0, 10)
        page2 = auth.audit_entries(s, 10, 10)
        mine = auth.audit_entries(s, 0, 100, operator_id=boss.id)
    assert total >= 30 and len(page1) == 10 and len(page2) == 10
    assert page1[0].id > page1[-1].id > page2[0].id  # newest first, no overlap
    assert all(r.operator_id == boss.id for r in mine)
    assert page1[0].operator_name == "Nguyễn Văn Trưởng"
    assert all("001090123456" not in r.detail and "0912345678" not in r.detail for r in page1 + page2)

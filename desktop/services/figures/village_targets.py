"""Targets per village, set by the commune (optional): which localities met theirs.

The province sets the commune's targets (`targets`, from the hub); a commune may split them among its
villages so the progress view and the daily report can say which thôn/tổ met its share. Stored locally
(`village_targets`), keyed by the folded village name so "Thôn Hoà Bình" and "Thôn Hòa Bình" are one village.
They never travel to the province.

Setting or clearing one is a supervisor's action (`auth.require_role`), written to the audit trail (ids and
numbers only). `operator=None` is the headless CLI path before any account exists; once the commune has
accounts, a supervisor must be named (the CLI asks `--by` and the PIN, the app passes the logged-in one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from common.vietnamese import fold, nfc, sort_key
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Citizen, Operator, VillageTarget
from desktop.services import auth
from desktop.services.figures import indicators
from sync import indicators as registry

# Indicators a village can be given a number for (no-shows are not a goal): the registry says which.
VILLAGE_INDICATORS: tuple[str, ...] = registry.VILLAGE_TARGETS
MAX_TARGET = 10_000_000


@dataclass(frozen=True, slots=True)
class VillageTargetRow:
    village_key: str
    village: str
    indicator: str
    value: int


def _check(indicator: str, value: int | None) -> None:
    if indicator not in VILLAGE_INDICATORS:
        raise ValidationError("indicator", indicator,
                              f"Chỉ tiêu '{indicator}' không hợp lệ ({', '.join(VILLAGE_INDICATORS)})",
                              en=f"Target '{indicator}' is not valid ({', '.join(VILLAGE_INDICATORS)})")
    if value is not None and not 0 < value <= MAX_TARGET:
        raise ValidationError("value", str(value), f"Chỉ tiêu phải là số nguyên từ 1 đến {MAX_TARGET:,}".replace(",", "."),
                              en=f"A target must be a whole number from 1 to {MAX_TARGET:,}")


def _village_name(session: Session, village: str) -> tuple[str, str]:
    """(key, name as most of the register writes it); ValidationError when no citizen lives there."""
    key = fold(nfc(village))
    if not key:
        raise ValidationError("village", village, "Thiếu tên thôn/tổ", en="The village name is missing")
    name = session.scalar(
        select(Citizen.village).where(Citizen.village_key == key).group_by(Citizen.village)
        .order_by(func.count().desc()).limit(1)
    )
    if name is None:
        raise ValidationError("village", village, f"Không có thôn/tổ “{nfc(village)}” trong sổ công dân",
                              en=f"There is no village “{nfc(village)}” in the citizen register")
    return key, name


def _check_supervisor(session: Session, operator: Operator | auth.OperatorInfo | None) -> None:
    """A supervisor sets the commune's village targets; nobody needs to be named before any account exists."""
    if operator is None and auth.needs_first_operator(session):
        return
    auth.require_role(operator, "supervisor", "đặt chỉ tiêu theo thôn/tổ")


def _operator_id(operator: Operator | auth.OperatorInfo | None) -> int | None:
    return getattr(operator, "id", None) if operator is not None else None


@declares(Changes(statuses=True, settings=True))
def set_village_target(
    session: Session, village: str, indicator: str, value: int,
    *, operator: Operator | auth.OperatorInfo | None = None,
) -> VillageTargetRow:
    """Set (or change) one village's target for one indicator (a supervisor's action, audited)."""
    _check_supervisor(session, operator)
    _check(indicator, value)
    key, name = _village_name(session, village)
    row = session.scalar(
        select(VillageTarget).where(VillageTarget.village_key == key, VillageTarget.indicator == indicator)
    )
    now = dt.datetime.now().replace(microsecond=0)
    if row is None:
        row = VillageTarget(village_key=key, village=name, indicator=indicator, value=value, updated_at=now)
        session.add(row)
    else:
        row.village, row.value, row.updated_at = name, value, now
    session.flush()
    # ids and numbers only in the audit trail
    auth.audit(session, _operator_id(operator), "village_target_set", "village_target", row.id,
               f"{indicator}={value}")
    return VillageTargetRow(key, name, indicator, value)


@declares(Changes(statuses=True, settings=True))
def clear_village_target(
    session: Session, village: str, indicator: str | None = None,
    *, operator: Operator | auth.OperatorInfo | None = None,
) -> int:
    """Remove one village's target (one indicator, or all of them); returns how many were removed."""
    _check_supervisor(session, operator)
    if indicator is not None:
        _check(indicator, None)
    q = delete(VillageTarget).where(VillageTarget.village_key == fold(nfc(village)))
    if indicator is not None:
        q = q.where(VillageTarget.indicator == indicator)
    n = int(session.execute(q).rowcount or 0)  # type: ignore[attr-defined]
    if n:
        auth.audit(session, _operator_id(operator), "village_target_clear", "village_target", None,
                   f"{indicator or 'all'}: {n}")
    return n


def village_targets(session: Session) -> dict[str, dict[str, int]]:
    """village_key → {indicator: target} for the villages that have any."""
    out: dict[str, dict[str, int]] = {}
    for key, ind, value in session.execute(
        select(VillageTarget.village_key, VillageTarget.indicator, VillageTarget.value)
    ):
        out.setdefault(key, {})[ind] = int(value)
    return out


def list_village_targets(session: Session) -> list[VillageTargetRow]:
    """Every village target, villages in natural Vietnamese order, indicators in the usual order."""
    rows = [VillageTargetRow(k, v, i, int(n)) for k, v, i, n in session.execute(
        select(VillageTarget.village_key, VillageTarget.village, VillageTarget.indicator, VillageTarget.value)
    )]
    order = {k: n for n, k in enumerate(indicators.INDICATORS)}
    return sorted(rows, key=lambda r: (sort_key(r.village), r.village_key, order.get(r.indicator, 99)))


def percent_of(cumulative: int, target: int | None) -> float | None:
    """Share of the target reached (None without one); floored to 2 decimals, never rounded up to 100."""
    if not target:
        return None
    return int(10_000 * cumulative / target) / 100

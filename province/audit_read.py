"""Reading the database audit (`audit_log`) for the `audit` command: newest first, filtered by time and kind,
bounded in count. The audit holds who did what (accounts, devices, codes, batches), never a report's figures'
people or a secret; its detail is JSON written by `admin.audit`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from province.models import AuditEntry

MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: dt.datetime
    actor: str
    action: str
    commune_code: str | None
    detail: dict[str, Any]


def _detail(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"text": text[:200]}
    return value if isinstance(value, dict) else {"value": value}


def read(s: Session, *, since: dt.datetime | None = None, kind: str | None = None, limit: int = 50) -> list[AuditRow]:
    """The newest `limit` entries at or after `since`; `kind` is an action ("device.revoke") or its family
    ("device" matches every "device.*")."""
    q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(max(1, min(limit, MAX_LIMIT)))
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if kind:
        kind = kind.strip()
        q = q.where((AuditEntry.action == kind) | AuditEntry.action.startswith(kind.rstrip(".") + ".", autoescape=True))
    return [AuditRow(r.at, r.actor, r.action, r.commune_code, _detail(r.detail)) for r in s.scalars(q)]

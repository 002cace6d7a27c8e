"""The province hub's side of the roll-up: what its table shows per (commune, day), a new revision for each
(commune, day) whose figures changed since it was last put in a batch, and the one pending batch.

Exactly once, as from a laptop: a batch is composed and stored (signed, with its id) in one transaction
before it is sent, and sent again byte for byte until the national hub's receipt comes back; only then is
the next one composed. The national hub keeps the highest revision per (commune, day), so a figure is
replaced, never added.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from province import offline, target_sets
from province.models import Commune, HubSetting, PhoneReport, ReportVillage
from province.national import forward, rollup
from province.national.models import NationalOutbox, NationalPending
from sync import indicators
from sync.protocol import canonical_json

URL_KEY, KEY_KEY, PROVINCE_KEY = "national_url", "national_public_key", "national_province"
TARGETS_KEY = "national_targets_hash"  # of the targets last put in a batch


def link(s: Session) -> dict[str, str]:
    """The national link made by `national connect` ({} before): url, national key, our province."""
    out = {}
    for name in (URL_KEY, KEY_KEY, PROVINCE_KEY):
        row = s.get(HubSetting, name)
        if row is not None:
            out[name] = row.value
    return out


def save_link(s: Session, url: str, national_key: str, province: str) -> None:
    for name, value in ((URL_KEY, url), (KEY_KEY, national_key), (PROVINCE_KEY, province)):
        row = s.get(HubSetting, name)
        if row is None:
            s.add(HubSetting(key=name, value=value))
        else:
            row.value = value


def figures(s: Session, province: str) -> dict[tuple[str, dt.date], tuple[bool, dict[str, int]]]:
    """(commune, day) → (provisional, counts) as the province table shows them: the signed reports summed
    over points and laptops; a day known only by a phone day code is provisional."""
    own = select(Commune.code).where(Commune.province_code == province)
    rv = ReportVillage
    out: dict[tuple[str, dt.date], tuple[bool, dict[str, int]]] = {}
    q = select(rv.commune_code, rv.day, *[func.sum(getattr(rv, k)) for k in indicators.KEYS]) \
        .where(rv.commune_code.in_(own)).group_by(rv.commune_code, rv.day)
    for commune, day, *vals in s.execute(q):
        out[(commune, day)] = (False, {k: int(v or 0) for k, v in zip(indicators.KEYS, vals, strict=True)})
    phone: dict[tuple[str, dt.date], dict[str, int]] = {}
    for commune, day, totals in s.execute(select(PhoneReport.commune_code, PhoneReport.day, PhoneReport.totals_json)
                                          .where(PhoneReport.commune_code.in_(own))):
        if (commune, day) in out or not totals:
            continue
        acc = phone.setdefault((commune, day), dict.fromkeys(indicators.KEYS, 0))
        for k, v in json.loads(totals).items():
            if k in acc and isinstance(v, int):
                acc[k] += v
    out.update({key: (True, vals) for key, vals in phone.items()})
    return out


def _hash(provisional: bool, values: dict[str, int]) -> str:
    return hashlib.sha256(canonical_json({"p": provisional, "v": values})).hexdigest()


def pending(s: Session) -> NationalPending | None:
    return s.scalars(select(NationalPending).order_by(NationalPending.created_at).limit(1)).first()


def waiting(s: Session) -> list[NationalPending]:
    return list(s.scalars(select(NationalPending).order_by(NationalPending.created_at, NationalPending.batch_id)))


def _targets_change(s: Session, province: str, today: dt.date) -> dict[str, dict[str, int]] | None:
    """The province's targets when they changed since last put in a batch (the hash moves with the batch)."""
    now = forward.targets(s, province, today)
    digest = forward.digest(now)
    row = s.get(HubSetting, TARGETS_KEY)
    if row is not None and row.value == digest:
        return None
    if row is None:
        s.add(HubSetting(key=TARGETS_KEY, value=digest))
    else:
        row.value = digest
    return now


def _changed(s: Session, province: str, today: dt.date) -> list[rollup.Row]:
    """A row, at its next revision, for every (commune, day) whose figures or completeness changed since it
    was last put in a batch (at most rollup.MAX_ROWS); the outbox moves with them."""
    sent = {(o.commune_code, o.day): o for o in s.scalars(select(NationalOutbox))}
    figs = figures(s, province)
    comp = forward.completeness_rows(s, province, today)
    rows: list[rollup.Row] = []
    for key in sorted(figs.keys() | comp.keys()):
        provisional, values = figs.get(key, (False, {}))
        digest = _hash(provisional, values) if key in figs else ""
        c_digest = forward.digest(comp[key]) if key in comp else None
        old = sent.get(key)
        if old is not None and old.content_hash == digest and (c_digest is None or old.completeness_hash == c_digest):
            continue
        if len(rows) >= rollup.MAX_ROWS:
            break  # the rest goes in the next batch
        revision = 1 if old is None else old.revision + 1
        if old is None:
            s.add(NationalOutbox(commune_code=key[0], day=key[1], revision=revision, content_hash=digest,
                                 completeness_hash=c_digest))
        else:
            old.revision, old.content_hash = revision, digest
            old.completeness_hash = c_digest or old.completeness_hash
        rows.append(rollup.Row(key[0], key[1], revision, provisional, values, comp.get(key)))
    return rows


def compose(s: Session, province: str, *, new: bool = False) -> NationalPending | None:
    """The oldest pending batch (unless `new`), or a new one of every (commune, day) changed since it was
    last put in a batch, with the targets when they changed; None when nothing changed. Revisions move in
    the same transaction that stores the batch."""
    first = None if new else pending(s)
    if first is not None:
        return first
    today = target_sets.vn_today()
    rows = _changed(s, province, today)
    targets = _targets_change(s, province, today)
    if not rows and targets is None:
        return None
    at = dt.datetime.now(dt.UTC)
    batch_id = uuid.uuid4().hex
    batch = rollup.new_batch(province, batch_id, at.isoformat(), rows, targets)
    wire = rollup.sign_batch(offline.ensure_hub_key(s)[0], batch)
    row = NationalPending(batch_id=batch_id, created_at=at, wire_json=rollup.wire_text(wire))
    s.add(row)
    s.flush()
    return row


def delivered(s: Session, batch_id: str) -> None:
    row = s.get(NationalPending, batch_id)
    if row is not None:
        s.delete(row)


def rows_in(row: NationalPending) -> int:
    wire: dict[str, Any] = json.loads(row.wire_json)
    return len(wire["batch"]["rows"])

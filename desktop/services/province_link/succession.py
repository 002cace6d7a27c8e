"""The laptop side of a dead laptop's succession (the hub side is province/replacement.py).

After `connect` with a replacement code the hub answers with the device's latest report per (day, point) as
it holds them (`EnrolResponse.predecessor_reports`). They are stored as this database's latest revisions,
already delivered (outbox `confirmed_via = "predecessor"`), so:
- a revision the backup still had waiting is superseded (never sent again under a lower number);
- a re-close continues above the hub's revision and replaces the dead laptop's report (same device id);
- a re-close that would LOWER a figure the hub holds (the days closed after the backup, whose events are not
  in the restored database) is refused with both sets of figures unless the officer confirms it
  (`close-day --confirm-lower`).

A restored database enrolled as a NEW device (an ordinary code, `--new-device`) does not send the days
closed before the restore as its own work: their waiting revisions are set aside and re-closing them is
refused with words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop import config
from desktop.errors import ValidationError
from desktop.models import DayReport, OutboxItem
from desktop.services.province_link import restored
from desktop.services.province_link.day_reports import Counts, full_counts, report_of
from desktop.settings_keys import KEY_NEW_AFTER_RESTORE, KEY_SUCCEEDED_PEERS, KEY_SUCCESSOR_OF
from sync import indicators
from sync.protocol import INDICATORS, EnrolResponse

PREDECESSOR = "predecessor"  # OutboxItem.confirmed_via: the hub's copy of the replaced laptop's report
SET_ASIDE = "restored"  # OutboxItem.confirmed_via: a restored backup's report, not this (new) device's work
CONFIRM_LOWER = "confirm_lower"  # ValidationError.field of a re-close that would lower the hub's figures

LABELS = {i.key: i.vi_inline for i in indicators.REGISTRY}
LABELS_EN = {i.key: i.en for i in indicators.REGISTRY}
MSG_LOWER = ("Chốt lại {point} ngày {day} sẽ làm GIẢM số liệu tỉnh đang giữ (lần chốt {revision} của máy trước khi "
             "khôi phục): {lower}. Có thể máy cũ đã ghi những hồ sơ này sau bản sao lưu. Hãy đồng bộ với các máy khác "
             "trong xã trước; chỉ khi chắc chắn số mới đúng mới chốt lại với xác nhận (close-day --confirm-lower).")
MSG_LOWER_EN = ("Closing {point} on {day} again would LOWER the figures the province holds (close {revision} of the "
                "laptop before it was restored): {lower}. The old laptop may have recorded these after the backup. "
                "Sync with the commune's other laptops first; close again with the confirmation (close-day "
                "--confirm-lower) only when sure the new figures are right.")
MSG_NOT_OWN = ("Ngày {day} ({point}) đã được chốt trước khi khôi phục bản sao lưu, bởi máy cũ: máy này được tỉnh tính "
               "là một máy mới nên không gửi lại ngày đó như việc của mình. Nếu máy này thay cho máy cũ bị hỏng, hãy "
               "xin tỉnh mã thay thế (enrollpoint-hub enrol-code … --replaces …) rồi kết nối lại.")
MSG_NOT_OWN_EN = ("The day {day} ({point}) was closed before the backup was restored, by the old laptop: the province "
                  "counts this laptop as a new one, so it does not send that day again as its own. If this laptop "
                  "replaces a broken one, ask the province for a replacement code (enrollpoint-hub enrol-code … "
                  "--replaces …) and connect again.")


MSG_SUCCESSOR = ("Máy này thay cho máy «{name}» (cùng mã thiết bị {device}): đã nhận {n} báo cáo tỉnh đang giữ của máy "
                 "đó; các lần chốt lại tiếp nối và thay thế chúng, không cộng thêm. Hãy nhập lại mã nhóm đồng bộ và "
                 "đồng bộ với các máy khác trong xã trước khi chốt lại ngày nào.")
MSG_NEW_AFTER_RESTORE = ("Máy này sẽ được tính là một máy mới: các ngày đã chốt trước khi khôi phục là việc của máy cũ, "
                         "không được gửi lại ({n} báo cáo chờ gửi đã được để riêng).")
MSG_HELD_NOTE = "Máy chủ tỉnh giữ máy này chờ duyệt ({why}): báo cáo chưa được tính cho tới khi tỉnh duyệt."


def connect_note(res: dict[str, str]) -> str:
    """The officer's sentences after a connection of a restored database (CLI and app), "" otherwise."""
    out = []
    if res.get("successor_of"):
        out.append(MSG_SUCCESSOR.format(name=res.get("replaced_name", ""), device=res["successor_of"],
                                        n=res.get("predecessor_reports", "0")))
    if res.get("new_after_restore") == "yes":
        out.append(MSG_NEW_AFTER_RESTORE.format(n=res.get("set_aside", "0")))
    if res.get("held"):
        out.append(MSG_HELD_NOTE.format(why=res["held"]))
    return "\n".join(out)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _latest(session: Session, day: dt.date, point_code: str) -> DayReport | None:
    return session.scalar(select(DayReport).where(DayReport.point_code == point_code, DayReport.day == day)
                          .order_by(DayReport.revision.desc()).limit(1))


def _item(session: Session, report: DayReport) -> OutboxItem | None:
    return session.scalar(select(OutboxItem).where(OutboxItem.report_id == report.id))


def apply_enrolment(session: Session, resp: EnrolResponse) -> dict[str, Any]:
    """Store what a successor (or a restored re-enrolment) is handed; set a restored new device's old days
    aside. Runs in the transaction that stores the enrolment's settings."""
    commune = config.commune(session)
    stored = 0
    if resp.predecessor_reports and commune is not None:
        stored = store_predecessor(session, commune.code, resp.predecessor_reports)
    origin = restored.restored_from(session)
    if resp.successor_of or (origin and resp.device_id == origin):  # this database continues that device
        config.put(session, KEY_SUCCESSOR_OF, resp.device_id)
        config.put(session, KEY_NEW_AFTER_RESTORE, "")
        peer = restored.restored_peer(session)
        if peer:
            ids = [x for x in config.get(session, KEY_SUCCEEDED_PEERS).split(",") if x]
            config.put(session, KEY_SUCCEEDED_PEERS, ",".join(dict.fromkeys([*ids, peer])))
    set_aside = 0
    when = restored.restored_at(session)
    new_after_restore = when is not None and not resp.successor_of and resp.device_id != origin
    if new_after_restore:
        config.put(session, KEY_NEW_AFTER_RESTORE, resp.device_id)
        set_aside = _set_aside_before(session, when)  # type: ignore[arg-type]
    return {"predecessor_reports": stored, "set_aside": set_aside, "new_after_restore": new_after_restore}


def store_predecessor(session: Session, commune_code: str, reports: list[dict[str, Any]]) -> int:
    """The hub's latest report per (day, point) becomes this database's latest revision, delivered."""
    now, n = _now(), 0
    for r in reports:
        try:
            day, point = dt.date.fromisoformat(str(r["day"])), str(r["point_code"])
            revision = int(r["revision"])
            totals = full_counts({k: int(v) for k, v in dict(r.get("totals") or {}).items() if k in INDICATORS})
            villages = {str(v): full_counts({k: int(x) for k, x in dict(c).items() if k in INDICATORS})
                        for v, c in dict(r.get("by_village") or {}).items()}
            closed = dt.datetime.fromisoformat(str(r.get("closed_at") or "").replace("Z", "+00:00"))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed entry: that day simply keeps the laptop's own revisions
        closed = closed.astimezone(dt.UTC).replace(tzinfo=None) if closed.tzinfo else closed
        local = _latest(session, day, point)
        counts = Counts(totals, villages)
        if local is not None and local.revision >= revision:
            item = _item(session, local)
            if (local.revision == revision and item is not None and item.sent_at is None
                    and Counts.from_json(local.totals_json).to_json() == counts.to_json()):
                item.sent_at, item.confirmed_via, item.last_error = now, PREDECESSOR, ""  # it did arrive
            continue
        row = DayReport(point_code=point, day=day, revision=revision, totals_json=counts.to_json(),
                        closed_at=closed, closed_by=None)
        session.add(row)
        session.flush()
        session.add(OutboxItem(report_id=row.id, content_hash=report_of(row, commune_code).content_hash(),
                               enqueued_at=now, sent_at=now, attempts=0, last_error="",
                               confirmed_via=PREDECESSOR))
        n += 1
    session.flush()
    return n


def _set_aside_before(session: Session, when: dt.datetime) -> int:
    """Waiting reports closed before the restore are the old laptop's: never sent by this new device."""
    rows = session.execute(select(OutboxItem).join(DayReport, DayReport.id == OutboxItem.report_id)
                           .where(OutboxItem.sent_at.is_(None), DayReport.closed_at <= when)).scalars().all()
    now = _now()
    for item in rows:
        item.sent_at, item.confirmed_via, item.last_error = now, SET_ASIDE, ""
    session.flush()
    return len(rows)


def counting_origins(session: Session) -> tuple[str, ...]:
    """Whose events this laptop's day close counts: its own group identity and, for a successor, the identity
    of the laptop it replaced (its events recorded before and after the backup, the latter caught up from the
    other laptops of the group). Each event is counted by exactly one hub device: the others count only theirs."""
    from desktop.services.peer.ids import device_id

    own = device_id(session)
    more = [x for x in config.get(session, KEY_SUCCEEDED_PEERS).split(",") if x and x != own]
    return (own, *more)


def re_closable(session: Session, last: DayReport) -> bool:
    """False for a day closed before the restore when this laptop was enrolled as a new device afterwards."""
    if not config.get(session, KEY_NEW_AFTER_RESTORE):
        return True
    when = restored.restored_at(session)
    return when is None or last.closed_at > when


def check_close(session: Session, last: DayReport | None, counts: Counts, *, confirm_lower: bool) -> None:
    """Called by the day close before a new revision of a restored database: refuse what would double or
    silently lower the province's figures (module doc). A database never restored is not concerned."""
    if last is None:
        return
    when = restored.restored_at(session)
    if when is None:
        return
    item = _item(session, last)
    inherited = (item is not None and item.confirmed_via == PREDECESSOR) or last.closed_at <= when
    if not inherited:
        return
    where = "không theo điểm" if last.point_code == "_XA" else f"điểm {last.point_code}"
    where_en = "not by point" if last.point_code == "_XA" else f"point {last.point_code}"
    if not re_closable(session, last):
        raise ValidationError("day", last.day.isoformat(), MSG_NOT_OWN.format(day=last.day.isoformat(), point=where),
                              en=MSG_NOT_OWN_EN.format(day=last.day.isoformat(), point=where_en))
    before = Counts.from_json(last.totals_json).totals
    lower = [f"{LABELS[k]} {before.get(k, 0)} → {counts.totals.get(k, 0)}" for k in INDICATORS
             if counts.totals.get(k, 0) < before.get(k, 0)]
    lower_en = [f"{LABELS_EN[k]} {before.get(k, 0)} → {counts.totals.get(k, 0)}" for k in INDICATORS
                if counts.totals.get(k, 0) < before.get(k, 0)]
    if lower and not confirm_lower:  # field CONFIRM_LOWER: the UI asks and closes again with the confirmation
        raise ValidationError(CONFIRM_LOWER, last.day.isoformat(), MSG_LOWER.format(
            point=where, day=last.day.isoformat(), revision=last.revision, lower=", ".join(lower)),
        en=MSG_LOWER_EN.format(point=where_en, day=last.day.isoformat(), revision=last.revision,
                               lower=", ".join(lower_en)))

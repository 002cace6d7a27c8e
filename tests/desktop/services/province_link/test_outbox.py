"""Outbox on a real SQLite file: supersede, mark sent only from the hub's summary, conflicts, batch ids."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop import config
from desktop.models import OutboxItem, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import outbox
from sync.outbox_port import SyncResult
from sync.protocol import CONFLICT, IMPORTED, ImportSummary, ReportOutcome

DAY = dt.date(2025, 8, 4)
NOW = dt.datetime(2025, 8, 20, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def closed(db):
    """Three closed zero days at P1."""
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        s.add(Point(code="P1", name="Điểm 1"))
        s.flush()
        for i in range(3):
            dayclose.close_day(s, DAY + dt.timedelta(days=i), "P1", now=NOW)
    return db


def _summary(batch_id, reports, outcome=IMPORTED, reason=""):
    return ImportSummary(batch_id, [ReportOutcome(r.point_code, r.day, r.revision, outcome, reason) for r in reports])


def test_mark_sent_only_from_summary_of_that_report(closed):
    with closed.session() as s:
        [b] = outbox.take_batches(s, "22736", 500)
        assert len(b.item_ids) == 3
        # a summary for another batch id confirms nothing
        r = outbox.mark_sent(s, list(b.item_ids), b.batch_id, _summary("other", b.reports), b.hashes)
        assert r.sent == [] and outbox.waiting_count(s) == 3
        # a summary that only mentions the first report confirms only that one
        r = outbox.mark_sent(s, list(b.item_ids), b.batch_id, _summary(b.batch_id, b.reports[:1]), b.hashes)
        assert r.sent == [b.item_ids[0]] and len(r.unconfirmed) == 2
        assert outbox.waiting_count(s) == 2


def test_not_marked_if_changed_in_flight(closed):
    with closed.session() as s:
        [b] = outbox.take_batches(s, "22736", 500)
        changed = dict(b.hashes)
        changed[b.item_ids[1]] = "0" * 64  # what was sent is not what the outbox holds now
        r = outbox.mark_sent(s, list(b.item_ids), b.batch_id, _summary(b.batch_id, b.reports), changed)
        assert b.item_ids[1] in r.unconfirmed and len(r.sent) == 2
        assert outbox.waiting_count(s) == 1


def test_conflict_recorded_visible_and_reissued_on_reclose(closed):
    with closed.session() as s:
        [b] = outbox.take_batches(s, "22736", 500)
        summ = ImportSummary(b.batch_id, [
            ReportOutcome(b.reports[0].point_code, b.reports[0].day, 1, CONFLICT, "revision 1 already stored"),
            *[ReportOutcome(r.point_code, r.day, r.revision, IMPORTED) for r in b.reports[1:]],
        ])
        r = outbox.mark_sent(s, list(b.item_ids), b.batch_id, summ, b.hashes)
        assert len(r.conflicts) == 1 and len(r.sent) == 2
        assert outbox.waiting_count(s) == 0
        [c] = outbox.conflicts(s)
        assert c["reason"] == "revision 1 already stored" and c["day"] == DAY.isoformat()
        assert outbox.status(s).conflicts == 1
        # closing the day again issues revision 2 even though the counts are unchanged
        [rep] = dayclose.close_day(s, DAY, "P1", now=NOW)
        assert rep.revision == 2
        assert outbox.conflicts(s) == [] and outbox.waiting_count(s) == 1


def test_batch_id_kept_while_membership_unchanged_and_renewed_otherwise(closed):
    with closed.session() as s:
        [b1] = outbox.take_batches(s, "22736", 500)
        [b2] = outbox.take_batches(s, "22736", 500)
        assert b2.batch_id == b1.batch_id and b2.kept and not b1.kept
        # a split limit changes the membership → new ids
        parts = outbox.take_batches(s, "22736", 2)
        assert [len(p.item_ids) for p in parts] == [2, 1]
        assert b1.batch_id not in {p.batch_id for p in parts}


def test_status_records_last_success_and_error(closed):
    with closed.session() as s:
        outbox.record_run(s, SyncResult(error="Không kết nối được máy chủ tỉnh"))
        st = outbox.status(s)
        assert st.last_error.startswith("Không kết nối") and st.last_success_at == "" and st.waiting == 3
        outbox.record_run(s, SyncResult(sent=3))
        st = outbox.status(s)
        assert st.last_error == "" and st.last_success_at


def test_outbox_item_has_content_hash_of_the_report(closed):
    from desktop.services.figures.dayclose import report_of

    with closed.session() as s:
        for item, rep in outbox.pending(s):
            assert item.content_hash == report_of(rep, "22736").content_hash()
        assert s.scalar(select(OutboxItem).limit(1)).sent_at is None

"""After 24 h (simulated) of refused connections, a link that comes back for 90 s carries every waiting day.

A real hub process on 127.0.0.1; the laptop's watch loop (`enrollpoint sync --watch`'s, link_watch.run_watch)
with the default policy, its sleeps simulated on a clock: every probe really goes to the closed port (refused)
for a simulated day, then the hub starts, and 90 s later (simulated sleeps plus the real time the sending
took) it stops again. Every closed day must be on the hub, once, before the window closes."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from desktop.models import DayReport, Point
from desktop.services.figures import dayclose
from desktop.services.province_link import hub_link, link_watch
from sync.link_policy import Turn
from tests.support.hub_process import COMMUNE, HubProcess

DAY = 24 * 3600.0
WINDOW = 90.0
D0 = dt.date(2025, 6, 1)


def _laptop_latest(db) -> dict[tuple[str, str], tuple[int, str]]:
    with db.session() as s:
        return {(r.point_code, r.day.isoformat()): (r.revision, dayclose.report_of(r, COMMUNE).content_hash())
                for r in s.scalars(select(DayReport).order_by(DayReport.revision))}


@pytest.mark.slow
def test_a_day_of_refusals_then_a_90_s_window_carries_every_day(tmp_path, db) -> None:
    hub = HubProcess(tmp_path).start()
    try:
        hub_link.connect(db, hub.url, hub.enrol_code(), "may-dao")
        with db.session() as s:
            s.add_all([Point(code=f"P{i}", name=f"Điểm {i}") for i in (1, 2, 3)])
            s.flush()
            for i in range(7):  # a week of days waiting
                dayclose.close_day(s, D0 + dt.timedelta(days=i), now=dt.datetime(2025, 9, 1, tzinfo=dt.UTC))
        hub.stop()  # the link goes away: the port is closed, every connection refused

        clock = {"now": 0.0, "up_at": -1.0, "up_real": 0.0}
        turns: list[tuple[float, Turn]] = []
        sent_after: list[float] = []  # window time used when each send finished

        def report(turn: Turn) -> None:
            turns.append((clock["now"], turn))
            if turn.sent:
                sent_after.append(window_used())

        def window_used() -> float:
            return clock["now"] - clock["up_at"] + (time.monotonic() - clock["up_real"])

        def sleep(seconds: float) -> None:
            clock["now"] += seconds
            if clock["up_at"] < 0 and clock["now"] >= DAY:
                hub.start()  # the link comes back
                clock["up_at"], clock["up_real"] = clock["now"], time.monotonic()
            elif clock["up_at"] >= 0 and hub.proc is not None and window_used() > WINDOW:
                hub.stop()  # and goes away again

        started = time.monotonic()
        link_watch.run_watch(db, report, sleep=sleep, max_turns=20_000,
                             stop=lambda: clock["up_at"] >= 0 and link_watch.waiting(db) == 0)
        assert link_watch.waiting(db) == 0, turns[-5:]
        assert hub.proc is not None, "the window closed before everything was sent"
        assert hub.rows() == _laptop_latest(db) and len(hub.rows()) == 21

        silent = [t for at, t in turns if at < DAY]
        assert len(silent) > 24 * 3600 / 30 and all(t.outcome == "silent" for t in silent)  # probed all day
        assert all(15.0 <= t.wait < 30.0 for t in silent)
        assert len(sent_after) == 1 and sent_after[0] <= 30.0 + 20.0  # caught at the next probe (≤ 30 s), then sent
        assert sum(t.sent for _, t in turns) == 21
        assert time.monotonic() - started < 240
    finally:
        hub.stop()

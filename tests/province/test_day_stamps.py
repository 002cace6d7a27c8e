"""The province table kept in the process (province/dashboard/stamped.py, `day_counters`), on a real hub
(SQLite and PostgreSQL): a past day's rows are kept while reports of later days arrive and rebuilt when a
report of a day up to it, or an audited change, arrives; a delivery rebuilds only the rows of its commune's
counter shard, then ranks again without changing a row an earlier request holds. After every step each day's
kept rows equal rows computed afresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from province import admin
from province.dashboard import data, stamped
from province.db import HubDB
from province.intake_rollups import shard
from tests.support.hub import enrol_http, post, setup_commune

DAY0 = dt.date(2025, 6, 29)  # the days cross a month's end
DAYS = [DAY0 + dt.timedelta(days=i) for i in range(-1, 4)]


def _figures(db: HubDB, on: dt.date) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [(r.code, r.cumul, r.today, r.last_day, r.targets, r.met, r.rank,
                 [(lap.device_id, lap.last_day, lap.silent) for lap in r.laptops])
                for r in data.province_rows(s, on)]


def _fresh(db: HubDB, on: dt.date, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    with monkeypatch.context() as m:
        m.setattr(stamped, "KEEP", False)
        return _figures(db, on)


def _rows(db: HubDB, on: dt.date) -> list[data.Row]:
    with db.session() as s:
        return data.province_rows(s, on)


def _cards(db: HubDB, on: dt.date) -> dict[str, int]:
    """commune → its cumulative cards as of `on` (communes that have reported)."""
    return {r.code: r.cumul["card_captured"] for r in _rows(db, on) if r.cumul is not None}


def _all_equal_fresh(db: HubDB, monkeypatch: pytest.MonkeyPatch) -> None:
    for on in DAYS:
        assert _figures(db, on) == _fresh(db, on, monkeypatch), on


def test_a_past_day_is_kept_through_later_reports_and_follows_its_own(hub_db: HubDB, client: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert stamped.KEEP
    lap = enrol_http(client, setup_commune(hub_db))
    other = enrol_http(client, setup_commune(hub_db, "4", "Xã Bốn", "56"))
    assert post(client, lap, lap.batch(lap.report(DAY0, 1, card_captured=5))).status_code == 200
    assert post(client, other, other.batch(other.report(DAY0, 1, card_captured=2))).status_code == 200
    _all_equal_fresh(db=hub_db, monkeypatch=monkeypatch)
    before = _rows(hub_db, DAY0)

    # Reports of later days: the day's table is the very same kept rows; the later days see them.
    for i in (1, 2):
        day = DAY0 + dt.timedelta(days=i)
        assert post(client, lap, lap.batch(lap.report(day, 1, card_captured=4))).status_code == 200
        assert [id(r) for r in _rows(hub_db, DAY0)] == [id(r) for r in before]
        _all_equal_fresh(hub_db, monkeypatch)
    assert _cards(hub_db, DAY0 + dt.timedelta(days=2)) == {
        "22736": 13, "4": 2}

    # A late revision of the day itself, then a report of an earlier day: recomputed each time.
    assert post(client, lap, lap.batch(lap.report(DAY0, 2, card_captured=8))).status_code == 200
    assert _cards(hub_db, DAY0) == {"22736": 8, "4": 2}
    _all_equal_fresh(hub_db, monkeypatch)
    assert post(client, other, other.batch(other.report(DAY0 - dt.timedelta(days=1), 1, card_captured=3))
                ).status_code == 200
    assert _cards(hub_db, DAY0) == {"22736": 8, "4": 5}
    _all_equal_fresh(hub_db, monkeypatch)

    # An audited change (a target) reaches every day, past ones included.
    kept = _rows(hub_db, DAY0)
    with hub_db.session(write=True) as s:
        admin.set_target(s, "4", "card_captured", 10, DAY0 + dt.timedelta(days=30))
    after = {r.code: (r.targets.get("card_captured"), r.rank) for r in _rows(hub_db, DAY0)}
    assert after["4"] == ((10, DAY0 + dt.timedelta(days=30)), 1)
    assert [id(r) for r in _rows(hub_db, DAY0)] != [id(r) for r in kept]
    _all_equal_fresh(hub_db, monkeypatch)


def test_a_resend_that_changes_nothing_leaves_every_day_kept_correct(hub_db: HubDB, client: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch sent twice (the answer was lost): no day's figures change; every view still equals a fresh one."""
    lap = enrol_http(client, setup_commune(hub_db))
    batch = lap.batch(lap.report(DAY0, 1, card_captured=5), lap.report(DAY0 + dt.timedelta(days=1), 1,
                                                                        card_captured=1))
    assert post(client, lap, batch).status_code == 200
    _all_equal_fresh(hub_db, monkeypatch)
    assert post(client, lap, batch).status_code == 200
    _all_equal_fresh(hub_db, monkeypatch)
    assert _cards(hub_db, DAY0 + dt.timedelta(days=1)) == {"22736": 6}


def test_a_delivery_rebuilds_only_its_communes_shard_and_ranks_again(hub_db: HubDB, client: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Six communes in different counter shards, each with a target: a new report of one of them rebuilds the
    rows of its shard only; the others are the very rows kept before (or copies, when their rank moved); a list
    handed out earlier keeps its ranks; the figures always equal a fresh build."""
    codes = []
    for n in range(1, 200):
        code = str(10_000 + n)
        if shard(code) not in {shard(c) for c in codes}:
            codes.append(code)
        if len(codes) == 6:
            break
    laps = {}
    for i, code in enumerate(codes):
        laps[code] = enrol_http(client, setup_commune(hub_db, code, f"Xã {i}", "56"))
        with hub_db.session(write=True) as s:
            admin.set_target(s, code, "card_captured", 100, DAY0 + dt.timedelta(days=30))
        lap = laps[code]
        assert post(client, lap, lap.batch(lap.report(DAY0, 1, card_captured=10 * (i + 1)))).status_code == 200
    _all_equal_fresh(hub_db, monkeypatch)
    first = _rows(hub_db, DAY0)
    ranks_then = {r.code: r.rank for r in first}
    assert ranks_then == {c: 6 - i for i, c in enumerate(codes)}  # more cards, better rank

    moved = codes[0]  # the last one climbs to the top
    lap = laps[moved]
    assert post(client, lap, lap.batch(lap.report(DAY0, 2, card_captured=90))).status_code == 200
    second = {r.code: r for r in _rows(hub_db, DAY0)}
    assert {c: r.rank for c, r in second.items()} == {moved: 1, **{c: 7 - i for i, c in enumerate(codes) if i}}
    by_code = {r.code: r for r in first}
    assert second[moved] is not by_code[moved] and second[moved].cumul["card_captured"] == 90  # type: ignore[index]
    for c in codes[1:]:  # untouched shards: the kept rows, copied only because every rank moved down one
        assert second[c] is not by_code[c] and second[c].laptops is by_code[c].laptops
    assert {r.code: r.rank for r in first} == ranks_then  # what an earlier request holds is unchanged
    _all_equal_fresh(hub_db, monkeypatch)

    # A report that moves no rank: the other communes' rows are the same objects.
    top = codes[-1]
    lap = laps[top]
    assert post(client, lap, lap.batch(lap.report(DAY0, 2, card_captured=61))).status_code == 200
    third = {r.code: r for r in _rows(hub_db, DAY0)}
    assert all(third[c] is second[c] for c in codes if c != top) and third[top] is not second[top]
    _all_equal_fresh(hub_db, monkeypatch)


def _shard_codes(n: int) -> list[str]:
    codes: list[str] = []
    for k in range(1, 400):
        code = str(20_000 + k)
        if shard(code) not in {shard(c) for c in codes}:
            codes.append(code)
        if len(codes) == n:
            return codes
    raise AssertionError("not enough shards")


def test_checks_target_sets_and_trend_follow_each_delivery(hub_db: HubDB, client: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`/checks`, the target sets and the trend, kept per commune shard: after each delivery (a flag appearing,
    cleared by a revision, a spike, a target reached) each equals a fresh build, for every day."""
    from province.dashboard import checks, target_figures, trend
    from province.target_sets_write import store
    from province.targets_read import TargetRecord

    codes = _shard_codes(5)
    laps = {code: enrol_http(client, setup_commune(hub_db, code, f"Xã {i}", "56")) for i, code in enumerate(codes)}
    with hub_db.session(write=True) as s:
        store(s, "Thẻ", [TargetRecord(i + 2, code, "card_captured", 50, DAY0 + dt.timedelta(days=20),
                                      {"set": "Thẻ", "denominator": "80", "basis": "eligible"})
                         for i, code in enumerate(codes)])
    for lap in laps.values():
        days = [lap.report(d, 1, card_captured=10, vneid_l2_captured=5, vneid_activated=3) for d in DAYS[:3]]
        assert post(client, lap, lap.batch(*days)).status_code == 200

    def views(on: dt.date) -> tuple[Any, Any, Any]:
        with hub_db.session() as s:
            return checks.checks(s, on), target_figures.communes(s, on), trend.charts(s, on)

    def same_as_fresh() -> None:
        for on in DAYS:
            kept = views(on)
            with monkeypatch.context() as m:
                m.setattr(stamped, "KEEP", False)
                assert kept == views(on), on

    same_as_fresh()
    a, b, c = codes[0], codes[1], codes[2]
    on = DAYS[2]
    steps = [
        (a, laps[a].report(DAYS[1], 2, card_captured=10, vneid_l2_captured=5, vneid_activated=20)),  # activated > registered
        (a, laps[a].report(DAYS[1], 3, card_captured=10, vneid_l2_captured=5, vneid_activated=3)),  # cleared
        (b, laps[b].report(DAYS[2], 2, card_captured=500)),  # a spike, and the target reached
        (c, laps[c].report(DAYS[3], 1, card_captured=1)),  # a later day: nothing of `on` moves
    ]
    flagged = []
    for code, report in steps:
        assert post(client, laps[code], laps[code].batch(report)).status_code == 200
        same_as_fresh()
        flags, sets, charts = views(on)
        assert charts[0].values[-1] == sum(cs.figures[0].have for cs in sets)  # cards, the province's sum
        flagged.append({f.code: sorted({x.kind for x in f.flags}) for f in flags})
        if code == b:
            reached = {cs.code: cs.figures[0].met_today for cs in sets}
            assert reached[b] and not reached[a]
    assert flagged[0].get(a) == ["activated"] and a not in flagged[1]
    assert "spike" in flagged[2].get(b, []) and flagged[3] == flagged[2]

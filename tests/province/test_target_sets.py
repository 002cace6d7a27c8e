"""Target sets on a real hub (SQLite and PostgreSQL): imported from a CSV with denominators (audited, all or
nothing), reports over days, then the /targets pages read back against a seeded truth — "x/y — z%", met or not
at each deadline and today, run rate, projected date, "dự kiến trễ hạn", stall, the date a target was reached;
and the laptops' one-target-per-indicator contract (nearest open deadline)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from province import admin, offline, target_sets
from province.dashboard.target_figures import move, ranks
from province.db import HubDB
from province.intake import Sender, intake
from province.models import AuditEntry, TargetSet, TargetSetValue
from sync import protocol
from tests.support.clis import hub

D = dt.date(2026, 6, 1)  # a Monday


def _day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def _deliver(db: HubDB, commune: str, days: dict[int, int]) -> None:
    reports = [protocol.Report(commune, "P1", _day(n), 1, protocol.utc_now(), {"card_captured": v})
               for n, v in days.items()]
    batch = protocol.Batch.new(f"dev{commune}", commune, reports)
    intake(db, batch, protocol.body_hash(protocol.encode_batch(batch)), Sender(f"dev{commune}", commune))


SETS_CSV = ("Mã xã;Chỉ tiêu;Giá trị;Hạn;Bộ chỉ tiêu;Mẫu số;Loại mẫu số\n"
            "22736;card_captured;57543;30/06/2026;Đợt 1;57.543;đủ điều kiện\n"
            "22736;card_captured;60000;30/09/2026;Đợt 2;60000;đủ điều kiện\n"
            "4;card_captured;100;30/06/2026;Đợt 1;120;\n"
            "70;card_captured;1000;30/06/2026;Đợt 1;;\n")


@pytest.fixture
def seeded(hub_url: str, hub_db: HubDB, tmp_path: Path, capsys) -> HubDB:  # type: ignore[no-untyped-def]
    """Trường Sa: 8.000 a day 1–7/6 and 873 on 8/6, then nothing. Ba Đình: 30 on 1/6, 40 on 10/6, 40 on 21/6.
    Hoàn Kiếm: 10 a day 15–18/6, 700 on 20/6."""
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "22736", "Đặc khu Trường Sa", "56")
        admin.add_commune(s, "4", "Phường Ba Đình", "56")
        admin.add_commune(s, "70", "Phường Hoàn Kiếm", "56")
    f = tmp_path / "bo-chi-tieu.csv"
    f.write_text(SETS_CSV, encoding="utf-8-sig")
    data = hub(hub_url, capsys, "targets", "import", "--sets", str(f))
    assert (data["sets"], data["targets"], data["communes"]) == (2, 4, 3)
    _deliver(hub_db, "22736", {**{n: 8000 for n in range(7)}, 7: 873})
    _deliver(hub_db, "4", {0: 30, 9: 40, 20: 40})
    _deliver(hub_db, "70", {**{n: 10 for n in range(14, 18)}, 19: 700})
    return hub_db


def _cells(page: str, table: str) -> dict[tuple[str, str], list[str]]:
    """(data-code or '', data-set) → the row's cell texts."""
    body = page.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    out = {}
    for attrs, row in re.findall(r"<tr ((?:data-[a-z]+=\"[^\"]*\" ?)+)>(.*?)</tr>", body, re.S):
        a = dict(re.findall(r'data-([a-z]+)="([^"]*)"', attrs))
        cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        out[(a.get("code", ""), a.get("set", a.get("point", "")))] = cells
    return out


def _set_ids(db: HubDB) -> dict[str, int]:
    with db.session() as s:
        return {t.name: t.id for t in s.scalars(select(TargetSet))}


def test_pages_show_fraction_met_projection_stall_and_reached(seeded: HubDB, admin_client) -> None:  # type: ignore[no-untyped-def]
    ids = _set_ids(seeded)
    one, two = str(ids["Đợt 1"]), str(ids["Đợt 2"])
    page = admin_client.get("/targets", params={"on": "2026-06-18"}).text
    rows = _cells(page, "communes")
    # cells: commune, set, indicator, deadline, x/y — z%, target, at deadline, today, pace, projected, notes
    ts = rows[("22736", one)]
    assert ts[4:8] == ["56.873/57.543 — 98,83%", "57.543", "Chưa đến hạn", "Chưa đạt"]
    # last 7 active days 2–8/6: (6 × 8.000 + 873) / 7 = 6.981,857 a day; 670 left → 1 working day after Thu 18/6
    assert ts[8:11] == ["6981,86", "19/06/2026", "dự kiến đạt 19/06/2026; không tiến triển 10 ngày"]
    assert rows[("22736", two)][4] == "56.873/60.000 — 94,78%"
    bd = rows[("4", one)]
    assert bd[4:8] == ["70/120 — 58,33%", "100", "Chưa đến hạn", "Chưa đạt"]
    hk = rows[("70", one)]  # no denominator: y is the target; 960 left at 10 a day → far after 30/6
    assert hk[4] == "40/1.000 — 4,00%" and hk[9] == "30/10/2026" and "dự kiến trễ hạn" in hk[10]
    totals = _cells(page, "sets")
    assert totals[("", one)][4:] == ["56.983/58.663 — 97,13%", "0/3", "Chưa đến hạn"]

    later = _cells(admin_client.get("/targets", params={"on": "2026-07-01"}).text, "communes")
    assert later[("22736", one)][6:8] == ["Không đạt", "Chưa đạt"]  # deadline passed, not reached
    assert later[("4", one)][4:8] == ["110/120 — 91,66%", "100", "Đạt", "Đạt"]
    assert later[("4", one)][10] == "đạt ngày 21/6" and later[("4", one)][9] == ""
    assert later[("22736", two)][6] == "Chưa đến hạn"
    totals = _cells(admin_client.get("/targets", params={"on": "2026-07-01"}).text, "sets")
    assert totals[("", one)][5:] == ["1/3", "1/3"]

    only = admin_client.get("/targets", params={"on": "2026-07-01", "set": two}).text
    assert set(_cells(only, "communes")) == {("22736", two)}
    again = _cells(admin_client.get("/targets", params={"on": "2026-07-01"}).text, "communes")
    assert again == later  # a view of one set leaves every set's kept figures as they were (they are shared)

    commune = admin_client.get("/targets/commune/4", params={"on": "2026-07-01"}).text
    mine = _cells(commune, "sets")
    assert mine[("", one)][4] == "110/120 — 91,66%" and mine[("", one)][-1] == "đạt ngày 21/6"
    points = _cells(commune, "points")
    assert points[("", "P1")][:2] == ["P1", "110"] and not any("%" in c for c in points[("", "P1")])
    assert 'href="/targets?on=' in admin_client.get("/").text  # linked from the province page
    assert admin_client.get("/targets/commune/nope").status_code == 404
    assert admin_client.get("/targets", params={"set": "0"}).status_code == 422


def test_laptops_get_one_target_per_indicator_the_nearest_open_deadline(hub_db: HubDB, client, laptop,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    today = target_sets.vn_today()
    with hub_db.session(write=True) as s:
        admin.set_target(s, laptop.commune_code, "vneid_l2_captured", 77, None)  # the single target, no sets
        for name, days, value in (("Đã qua", -1, 10), ("Gần", 0, 20), ("Xa", 90, 30)):
            ts = TargetSet(name=name, indicator="card_captured", deadline=today + dt.timedelta(days=days), basis="")
            s.add(ts)
            s.flush()
            s.add(TargetSetValue(set_id=ts.id, commune_code=laptop.commune_code, value=value, denominator=None))
    r = client.get("/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"})
    assert r.status_code == 200
    got = {t["indicator"]: (t["value"], t["deadline"]) for t in r.json()["targets"]}
    assert got == {"card_captured": (20, today.isoformat()), "vneid_l2_captured": (77, None)}
    with hub_db.session(write=True) as s:
        doc = offline.targets_file(s, laptop.commune_code)
    assert {t["indicator"]: t["value"] for t in doc["payload"]["targets"]} == {"card_captured": 20,
                                                                               "vneid_l2_captured": 77}
    with hub_db.session(write=True) as s:  # every set passed: the one whose deadline passed last
        for ts in s.scalars(select(TargetSet)):
            ts.deadline = today - dt.timedelta(days={"Đã qua": 9, "Gần": 5, "Xa": 7}[ts.name])
    got = {t["indicator"]: t["value"] for t in client.get(
        "/api/v1/targets", headers={"Authorization": f"Bearer {laptop.token}"}).json()["targets"]}
    assert got == {"card_captured": 20, "vneid_l2_captured": 77}


def test_a_bad_sets_file_is_refused_whole_and_a_good_one_audited(hub_url: str, hub_db: HubDB, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 capsys) -> None:
    with hub_db.session(write=True) as s:
        admin.add_commune(s, "22736", "Đặc khu Trường Sa", "56")
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                   "22736,card_captured,5,,Đợt 1,,\n"
                   "22736,card_captured,5,2026-06-30,,x,\n"
                   "22736,vneid_activated,5,2026-06-30,Đợt 1,10,households\n"
                   "22736,card_captured,5,2026-07-30,Đợt 2,10,\n"
                   "22736,card_captured,6,2026-08-30,Đợt 2,10,\n", encoding="utf-8")
    err = hub(hub_url, capsys, "--lang", "en", "targets", "import", "--sets", str(bad), ok=False)
    assert "row 2, column deadline: a target set needs a deadline" in err
    assert "row 3, column set: set name missing" in err and "row 3, column denominator: denominator 'x'" in err
    assert "row 4, column basis: basis is 'eligible' or 'population'" in err
    assert "row 6, column deadline: deadline differs from row 5" in err
    assert "row 6, column card_captured: the same target as row 5" in err
    with hub_db.session() as s:
        assert s.scalars(select(TargetSet)).all() == [] and s.scalars(select(TargetSetValue)).all() == []
    good = tmp_path / "good.csv"
    good.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                    "22736,card_captured,5,2026-06-30,Đợt 1,10,population\n", encoding="utf-8")
    assert hub(hub_url, capsys, "targets", "import", "--sets", "--dry-run", str(good))["dry_run"] is True
    with hub_db.session() as s:
        assert s.scalars(select(TargetSet)).all() == []
    hub(hub_url, capsys, "targets", "import", "--sets", str(good))
    good.write_text("commune_code,indicator,value,deadline,set,denominator,basis\n"
                    "22736,card_captured,7,2026-07-15,Đợt 1,12,population\n", encoding="utf-8")
    hub(hub_url, capsys, "targets", "import", "--sets", str(good))  # the same set again: updated, not doubled
    with hub_db.session() as s:
        (ts,) = s.scalars(select(TargetSet)).all()
        (v,) = s.scalars(select(TargetSetValue)).all()
        assert (ts.deadline, ts.basis, v.value, v.denominator) == (dt.date(2026, 7, 15), "population", 7, 12)
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "target_set.import")).all()
    assert len(audits) == 2


def test_ranking_by_share_ties_by_count_with_moves(seeded: HubDB, admin_client) -> None:  # type: ignore[no-untyped-def]
    one = str(_set_ids(seeded)["Đợt 1"])
    # 20/6: Trường Sa 98,83%, Hoàn Kiếm 740/1.000 = 74%, Ba Đình 70/120 = 58,33%; 21/6 Ba Đình reaches 110/120
    rank = _cells(admin_client.get("/targets", params={"on": "2026-06-21", "set": one}).text, "ranking")
    assert [rank[(c, "")][:2] for c in ("22736", "4", "70")] == [["1", "Đặc khu Trường Sa"], ["2", "Phường Ba Đình"],
                                                                   ["3", "Phường Hoàn Kiếm"]]
    assert [rank[(c, "")][3:5] for c in ("22736", "4", "70")] == [["=", "="], ["↑1", "="], ["↓1", "="]]
    assert rank[("4", "")][2] == "110/120 — 91,66%" and rank[("4", "")][5] == "Đạt"
    assert '<table id="ranking">' not in admin_client.get("/targets", params={"on": "2026-06-21"}).text


def test_rank_order_exact_share_then_count_then_code() -> None:
    # 1/3 and 2/6 tie on share: the larger count first; 333/1000 is below 1/3 although both show 33,3x%
    assert ranks([("9", 1, 3), ("10", 2, 6), ("11", 333, 1000), ("12", 0, 0), ("8", 1, 3)]) == \
        {"10": 1, "8": 2, "9": 3, "11": 4, "12": 5}
    assert (move(None, 1), move(4, 1), move(1, 3), move(2, 2)) == ("", "↑3", "↓2", "=")

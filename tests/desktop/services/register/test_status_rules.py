"""Status rules on real SQLite files and real CLI runs: one VNeID registration per person, a
registration done elsewhere, card issues tracked into later renewals (a life across 2040 and 2060), births
known only as a year.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main
from desktop.errors import ValidationError
from desktop.services.due.rules import DueKind, card_renewal, due_filter_sql, due_kinds_for, due_list
from desktop.services.figures import indicators
from desktop.services.register import statuses
from desktop.services.register.statuses import State, allowed_events, record_event
from desktop.services.scheduling import checkin
from desktop.storage.connect import driver_connection
from tests.support.register import add_citizen

D = dt.date


def _at(d: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour))


# --- item 3: a second level-2 registration --------------------------------------------------------------


def test_second_level2_registration_is_refused_and_never_offered(db) -> None:
    with db.session() as s:
        c = add_citizen(s, "Lê Thị Một Lần", id_number="056190000001", birth_date=D(1990, 1, 1),
                        card_issued_on=D(2021, 5, 1))
        record_event(s, c, "vneid_l2_captured", at=_at(D(2026, 3, 2)))
        with pytest.raises(ValidationError, match="chờ duyệt"):  # a second dossier while the first waits
            record_event(s, c, "vneid_l2_captured", at=_at(D(2026, 3, 3)))
        record_event(s, c, "vneid_approved", at=_at(D(2026, 3, 4)))
        record_event(s, c, "vneid_activated", at=_at(D(2026, 3, 5)))
        with pytest.raises(ValidationError) as e:
            record_event(s, c, "vneid_l2_captured", at=_at(D(2026, 3, 6)))
        assert "Đã kích hoạt tài khoản VNeID" in str(e.value) and "lần nữa" in str(e.value)
        assert c.vneid_stage == 3 and len(statuses.history(s, c.id)) == 3
        assert indicators.count_until(s, D(2026, 12, 31))["vneid_l2_captured"] == 1
        assert "vneid_l2_captured" not in allowed_events(statuses.state_of(c, s))
        assert "vneid_l2_captured" not in checkin._allowed_actions(c)
    for stage in (1, 2, 3):
        assert "vneid_l2_captured" not in allowed_events(State("new", True, stage))
        assert "vneid_l2_elsewhere" not in allowed_events(State("new", True, stage))
    # a rejected dossier may be captured again
    assert "vneid_l2_captured" in allowed_events(State("rejected", True, 1))
    assert "vneid_l2_captured" in allowed_events(State("attended", True, 0))


def test_activation_after_registration_elsewhere_counts_only_the_activation(db) -> None:
    with db.session() as s:
        c = add_citizen(s, "Trần Văn Nơi Khác", id_number="056190000002", birth_date=D(1990, 1, 1))
        assert "vneid_activated" not in allowed_events(statuses.state_of(c, s))
        record_event(s, c, "vneid_l2_elsewhere", at=_at(D(2026, 3, 2)))
        assert c.vneid_stage == 1 and c.has_card
        assert due_kinds_for(c, D(2026, 3, 2)) == {DueKind.VNEID_ACTIVATE}
        record_event(s, c, "vneid_activated", at=_at(D(2026, 3, 2), 20))
        counts = indicators.count_day(s, D(2026, 3, 2)).totals
        assert counts["vneid_activated"] == 1 and counts["vneid_l2_captured"] == 0


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_dir(tmp_path: Path, capsys) -> str:
    d = str(tmp_path / "cli")
    assert _cli(capsys, "init", "--data-dir", d, "--commune-code", "22366")[0] == 0
    from desktop.storage.db import open_database

    db = open_database(Path(d) / "enrollpoint.db")
    try:
        with db.session() as s:
            add_citizen(s, "Phạm Văn Kích Hoạt", id_number="056101000003", birth_date=D(2001, 5, 10),
                        card_issued_on=D(2015, 6, 1))
            add_citizen(s, "Hoàng Thị Năm Sinh", id_number="056212000004", birth_year=2012)
    finally:
        db.close()
    return d


def test_cli_refuses_a_second_registration(cli_dir: str, capsys) -> None:
    d, who = cli_dir, "056101000003"
    for ev in ("vneid_l2_captured", "vneid_approved", "vneid_activated"):
        assert _cli(capsys, "event", "--data-dir", d, who, ev, "--at", "2026-03-05T09:30")[0] == 0
    code, _out, err = _cli(capsys, "event", "--data-dir", d, who, "vneid_l2_captured")
    assert code == 2 and "không thu nhận đăng ký VNeID mức 2 lần nữa" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _cli(capsys, "status", "--data-dir", d, who, "--json")
    got = json.loads(out)
    assert "vneid_l2_captured" not in got["allowed_events"]
    assert got["vneid_step"] == "Đã kích hoạt tài khoản VNeID"
    code, out, _ = _cli(capsys, "status", "--data-dir", d, who)
    assert "VNeID: Đã kích hoạt tài khoản VNeID" in out and "mức 3/3" not in out and "/3" not in out


# --- item 4: renewals tracked across a life ----------------------------------------------------------


def _renew_due(s, c, on: dt.date) -> bool:
    """Due for renewal on `on`, by the SQL list and by the Python rule (they must agree)."""
    sql = c.id in {i.citizen.id for i in due_list(s, on, DueKind.RENEW)}
    py = DueKind.RENEW in due_kinds_for(c, on)
    assert sql == py, on
    return sql


def test_a_life_across_2040_and_2060(db) -> None:
    """Born 10/05/2001, first card at 14 (2015): renewed at 25 in 2026, due at 40 in 2041 and 60 in 2061."""
    with db.session() as s:
        c = add_citizen(s, "Nguyễn Văn Cả Đời", id_number="056101000001", birth_date=D(2001, 5, 10),
                        card_issued_on=D(2015, 6, 1))
        record_event(s, c, "vneid_l2_captured", at=_at(D(2020, 1, 1)))
        assert not _renew_due(s, c, D(2026, 5, 9))
        assert _renew_due(s, c, D(2026, 5, 10))  # 25
        item = next(i for i in due_list(s, D(2026, 5, 10), DueKind.RENEW) if i.citizen.id == c.id)
        assert item.deadline == D(2026, 5, 10) and "cấp đổi" in item.reason_vi
        record_event(s, c, "card_captured", at=_at(D(2026, 6, 1)))  # captured again at 25
        assert not _renew_due(s, c, D(2026, 6, 2))
        assert not _renew_due(s, c, D(2040, 12, 31))
        assert not _renew_due(s, c, D(2041, 5, 9))
        assert _renew_due(s, c, D(2041, 5, 10))  # 40: counted from the 2026 capture
        assert card_renewal(c) == (D(2026, 6, 1), D(2041, 5, 10))
        record_event(s, c, "card_captured", at=_at(D(2041, 5, 20)))
        record_event(s, c, "card_delivered", at=_at(D(2041, 5, 28)))  # handed over: the card's issue date
        assert card_renewal(c) == (D(2041, 5, 28), D(2061, 5, 10))
        assert not _renew_due(s, c, D(2060, 6, 1))
        assert _renew_due(s, c, D(2061, 5, 10))  # 60
        item = next(i for i in due_list(s, D(2061, 5, 10), DueKind.RENEW) if i.citizen.id == c.id)
        assert "28/05/2041" in item.reason_vi and item.deadline == D(2061, 5, 10)
        record_event(s, c, "card_captured", at=_at(D(2061, 6, 1)))  # issued at 60: never expires again
        assert card_renewal(c) == (D(2061, 6, 1), None)
        assert not _renew_due(s, c, D(2099, 12, 31))


def test_first_card_made_in_the_app_is_renewed_at_25(db) -> None:
    with db.session() as s:
        c = add_citizen(s, "Võ Thị Mười Bốn", id_number="056312000001", birth_date=D(2012, 3, 1))
        record_event(s, c, "card_captured", at=_at(D(2026, 3, 1)))  # no issue date typed in anywhere
        assert c.card_issued_on is None and c.has_card
        assert not _renew_due(s, c, D(2037, 2, 28))
        assert _renew_due(s, c, D(2037, 3, 1))


def test_window_before_a_renewal_age(db) -> None:
    """Law 26/2023 Art. 21(1)–(2): a card issued within 2 years before 25 lasts to 40; one issued earlier
    (even if captured again before that window) must still be renewed at 25."""
    with db.session() as s:
        early = add_citizen(s, "Đỗ Văn Sớm", id_number="056101000011", birth_date=D(2001, 5, 10),
                            card_issued_on=D(2015, 6, 1))
        record_event(s, early, "card_captured", at=_at(D(2024, 5, 9)))  # 22y364d: before the window
        assert _renew_due(s, early, D(2026, 5, 10))
        within = add_citizen(s, "Đỗ Văn Vừa", id_number="056101000012", birth_date=D(2001, 5, 10),
                             card_issued_on=D(2015, 6, 1))
        record_event(s, within, "card_captured", at=_at(D(2024, 5, 10)))  # exactly 23: lasts to 40
        assert not _renew_due(s, within, D(2026, 5, 10))
        assert _renew_due(s, within, D(2041, 5, 10))


def test_cli_card_delivered_with_its_date(cli_dir: str, capsys) -> None:
    d, who = cli_dir, "056101000003"
    assert _cli(capsys, "event", "--data-dir", d, who, "card_captured", "--at", "2026-06-01T09:00")[0] == 0
    assert _cli(capsys, "event", "--data-dir", d, who, "card_delivered", "--at", "2026-06-12T10:00")[0] == 0
    code, out, _ = _cli(capsys, "status", "--data-dir", d, who, "--json")
    got = json.loads(out)
    assert code == 0 and got["card_counted_from"] == "2026-06-12" and got["card_renew_on"] == "2041-05-10"
    assert got["status"] == "card_issued"
    code, out, _ = _cli(capsys, "status", "--data-dir", d, who)
    assert "tính hạn từ ngày 12/06/2026, cấp đổi ngày 10/05/2041" in out


# --- item 10: births known only as a year ------------------------------------------------------------


def test_year_only_is_not_fourteen_on_2_january(db) -> None:
    with db.session() as s:
        c = add_citizen(s, "Hoàng Thị Năm Sinh", id_number="056212000004", birth_year=2012)
        full = add_citizen(s, "Hoàng Văn Đủ Ngày", id_number="056212000005", birth_date=D(2012, 1, 1))
        ids = {i.citizen.id for i in due_list(s, D(2026, 1, 2))}
        assert c.id not in ids and full.id in ids
        item = next(i for i in due_list(s, D(2026, 12, 31)) if i.citizen.id == c.id)
        assert item.kinds == {DueKind.FIRST_CARD}
        assert item.reason_vi == "Đủ 14 tuổi (chỉ có năm sinh), chưa có thẻ căn cước"


def test_cli_status_and_due_say_year_only(cli_dir: str, capsys) -> None:
    d = cli_dir
    code, out, _ = _cli(capsys, "status", "--data-dir", d, "056212000004")
    assert code == 0 and "sinh 2012 (chỉ có năm sinh)" in out
    assert json.loads(_cli(capsys, "status", "--data-dir", d, "056212000004", "--json")[1])["birth_year_only"]
    code, out, _ = _cli(capsys, "due", "--data-dir", d, "--on", "2026-01-02", "--json")
    assert "056212000004" not in {r["id_number"] for r in json.loads(out)["rows"]}
    code, out, _ = _cli(capsys, "due", "--data-dir", d, "--on", "2026-12-31")
    line = next(x for x in out.splitlines() if "056212000004" in x)
    assert "2012 (chỉ có năm sinh)" in line and "Đủ 14 tuổi (chỉ có năm sinh)" in line


# --- the SQL form of the renewal rule equals the Python form -----------------------------------------

_lives = st.lists(st.tuples(
    st.one_of(st.dates(D(1940, 1, 1), D(2015, 12, 31)), st.integers(1940, 2015)),  # a date, or a year only
    st.one_of(st.none(), st.dates(D(1990, 1, 1), D(2030, 12, 31))),  # card_issued_on
    st.lists(st.tuples(st.sampled_from(["card_captured", "card_delivered", "card_issued"]),
                       st.dates(D(2000, 1, 1), D(2060, 12, 31))), max_size=3),
), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lives=_lives, on=st.dates(D(2020, 1, 1), D(2080, 12, 31)), within=st.sampled_from([0, 30, 400]))
def test_renewal_sql_equals_python(db, lives, on, within) -> None:
    with db.session() as s:
        made = []
        for birth, issued, events in lives:
            kw = {"birth_date": birth} if isinstance(birth, dt.date) else {"birth_year": birth}
            c = add_citizen(s, "Lý Văn Thử", card_issued_on=issued, **kw)
            for ev, day in sorted(events, key=lambda x: x[1]):
                record_event(s, c, ev, at=_at(day))
            made.append(c)
        ids = {c.id for c in made}
        where, params = due_filter_sql(DueKind.RENEW, on, within_days=within)
        sql = {r[0] for r in driver_connection(s).execute(f"SELECT c.id FROM citizens c WHERE {where}", params)}
        py = {c.id for c in made if DueKind.RENEW in due_kinds_for(c, on, within_days=within)}
        assert sql & ids == py
        s.rollback()

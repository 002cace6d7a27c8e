"""Status transitions: what statuses.apply() allows and refuses, and the cache derived from events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.errors import ValidationError
from desktop.models import Citizen, Point
from desktop.services.register import statuses
from desktop.services.register.statuses import State, allowed_events, apply, derive_state, record_event


def _state(events: list[str], card: bool = False) -> State:
    return derive_state(events, card_known=card)


@pytest.mark.parametrize("events,status,card,stage", [
    (["scheduled", "attended", "card_captured"], "card_captured", True, 0),
    (["scheduled", "no_show", "rescheduled", "attended", "card_captured", "vneid_l2_captured"],
     "vneid_l2_captured", True, 1),
    (["card_captured", "vneid_l2_captured", "vneid_approved", "vneid_activated"], "vneid_activated", True, 3),
    (["deferred", "reinstated", "scheduled"], "scheduled", False, 0),
    (["moved_away", "reinstated"], "new", False, 0),
    (["card_captured", "scheduled"], "card_captured", True, 0),  # bookkeeping does not undo progress
])
def test_allowed(events: list[str], status: str, card: bool, stage: int) -> None:
    s = _state(events)
    assert (s.status, s.has_card, s.vneid_stage) == (status, card, stage)


@pytest.mark.parametrize("events,card,words", [
    (["vneid_activated"], True, "chưa thể kích hoạt"),  # activated before registered
    (["vneid_l2_captured"], False, "Chưa có thẻ"),  # VNeID before a card
    (["vneid_approved"], True, "chưa thể duyệt"),
    (["deceased", "scheduled"], False, "đã mất"),  # nothing after death
    (["deceased", "reinstated"], False, "đã mất"),
    (["no_show"], False, "lịch hẹn"),  # no-show without a schedule
    (["rescheduled"], False, "lịch hẹn"),
    (["moved_away", "card_captured"], False, "khôi phục"),
    (["reinstated"], False, "Chỉ khôi phục"),
    (["card_captured", "vneid_l2_captured", "vneid_activated", "vneid_activated"], False, "đã được kích hoạt"),
    (["flew_to_moon"], False, "không tồn tại"),
])
def test_refused(events: list[str], card: bool, words: str) -> None:
    with pytest.raises(ValidationError) as ei:
        _state(events, card)
    assert words.lower() in ei.value.reason.lower()


def test_vneid_with_known_card() -> None:
    s = _state(["vneid_l2_captured", "vneid_activated"], card=True)
    assert s.status == "vneid_activated" and s.vneid_stage == 3


def test_allowed_events_lists_next_actions() -> None:
    new = statuses.initial_state()
    nxt = allowed_events(new)
    assert "scheduled" in nxt and "card_captured" in nxt
    assert "no_show" not in nxt and "vneid_l2_captured" not in nxt and "reinstated" not in nxt
    assert allowed_events(apply(new, "deceased")) == []


def _citizen(session, id_number: str = "056190001234", issued: dt.date | None = None) -> Citizen:
    now = dt.datetime(2026, 3, 1, 8, 0)
    c = Citizen(id_number=id_number, full_name="Nguyễn Thị Thuý", name_key="nguyen thi thuy", given_key="thuy",
                sort_given="x", sort_family="x", birth_year=1990, card_issued_on=issued,
                has_card=issued is not None, created_at=now, updated_at=now)
    session.add(c)
    session.flush()
    return c


def test_record_event_and_rebuild_equal_cache(db) -> None:
    with db.session() as s:
        p = Point(code="P1", name="Trụ sở")
        s.add(p)
        s.flush()
        c = _citizen(s)
        for e in ["scheduled", "attended", "card_captured", "vneid_l2_captured", "vneid_approved"]:
            record_event(s, c, e, at=dt.datetime(2026, 3, 2, 9), point=p)
        with pytest.raises(ValidationError):
            record_event(s, c, "no_show")
        cached = statuses.state_of(c)
    with db.session() as s:
        c = s.scalar(select(Citizen))
        assert (c.status, c.has_card, c.vneid_stage) == ("vneid_approved", True, 2)
        # Scramble the cache, then rebuild it from the events.
        c.status, c.has_card, c.vneid_stage = "new", False, 0
        rebuilt = statuses.rebuild_state(s, c)
        assert rebuilt == cached
        assert [e.event_type for e in statuses.history(s, c.id)][-1] == "vneid_approved"
        assert all(e.point_id == p.id for e in statuses.history(s, c.id))


def test_refused_event_leaves_no_row(db) -> None:
    with db.session() as s:
        c = _citizen(s)
        with pytest.raises(ValidationError):
            record_event(s, c, "vneid_activated")
        assert statuses.history(s, c.id) == []
        with pytest.raises(ValidationError):
            record_event(s, c, "scheduled", point=999)
        assert c.status == "new"


def test_card_known_from_issue_date(db) -> None:
    with db.session() as s:
        c = _citizen(s, issued=dt.date(2021, 5, 1))
        record_event(s, c, "vneid_l2_captured")
        assert statuses.rebuild_state(s, c) == State("vneid_l2_captured", True, 1)


def test_no_show_allowed_for_someone_further_along_who_was_booked_again() -> None:
    """A citizen with a card dossier booked again for VNeID can miss that appointment."""
    from desktop.services.register.statuses import derive_state

    state = derive_state(["card_captured", "scheduled", "no_show"])
    assert state.status == "card_captured"  # progress is not undone by the missed appointment
    assert state.has_card and not state.booked
    with pytest.raises(ValidationError):
        derive_state(["card_captured", "no_show"])  # never booked again: refused

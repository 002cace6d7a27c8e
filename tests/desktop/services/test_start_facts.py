"""The start's facts read over the bare driver answer exactly as their ORM twins, state by state."""

from __future__ import annotations

from desktop import config
from desktop.models import Operator
from desktop.services import auth, start_facts
from desktop.settings_keys import KEY_COMMUNE_CODE, KEY_LANGUAGE


def _both(db) -> tuple[tuple, tuple]:
    """(bare driver, ORM) answers to: stored language, commune set, needs a supervisor, officers' names."""
    raw = (db.read_raw(start_facts.setting, KEY_LANGUAGE), db.read_raw(start_facts.commune_set),
           db.read_raw(start_facts.needs_first_operator), db.read_raw(start_facts.operator_names))
    orm = (db.read_call(config.get, KEY_LANGUAGE), db.read_call(config.commune) is not None,
           db.read_call(auth.needs_first_operator), db.read_call(auth.operator_names))
    facts = db.read_raw(start_facts.read)
    assert (facts.language, facts.commune_set, facts.needs_first_operator) == raw[:3]
    return raw, orm


def test_facts_match_the_orm_from_empty_to_staffed(db) -> None:
    raw, orm = _both(db)
    assert raw == orm == ("", False, True, [])  # first run: nothing stored yet
    with db.session() as s:
        config.put(s, KEY_COMMUNE_CODE, "")  # an empty code is no commune
        config.put(s, KEY_LANGUAGE, "en")
        boss = auth.create_operator(s, "Nguyễn Văn Trưởng", "123456", "supervisor")
        for name in ("Đỗ Thị Én", "An Văn Ba", "Ánh Thị Cúc", "an thị nhỏ"):
            auth.create_operator(s, name, "4321", "operator", created_by=boss)
    raw, orm = _both(db)
    assert raw == orm
    assert raw[:3] == ("en", False, False) and len(raw[3]) == 5
    with db.session() as s:
        config.put(s, KEY_COMMUNE_CODE, "26734")
        boss = s.get(Operator, boss.id)
        boss.active = False  # the only supervisor left: the first-operator dialog comes back
    raw, orm = _both(db)
    assert raw == orm
    assert raw[1:3] == (True, True) and "Nguyễn Văn Trưởng" not in raw[3]

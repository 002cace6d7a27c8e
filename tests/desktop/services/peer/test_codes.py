"""Appointment codes unique across laptops without coordination: a per-device prefix + random part."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop import config
from desktop.services import scheduling
from desktop.services.scheduling import checkin
from desktop.services.scheduling.booking import code_prefix, new_appointment_codes
from desktop.services.scheduling.codes import (
    ALPHABET,
    CODE_LENGTH,
    PREFIX_LENGTH,
    code_candidates,
    device_prefix,
    is_code,
    new_code,
    normalise_code,
)
from desktop.settings_keys import KEY_PEER_DEVICE_ID
from tests.support.peers import laptop
from tests.support.schedule import add_citizen, add_point

# Two device ids whose prefixes differ (checked below), as two laptops of one commune would have.
DEV_A, DEV_B = "0" * 32, "f" * 32


def test_prefix_is_stable_short_and_in_the_alphabet() -> None:
    for dev in (DEV_A, DEV_B, "0123456789abcdef0123456789abcdef"):
        p = device_prefix(dev)
        assert len(p) == PREFIX_LENGTH and all(ch in ALPHABET for ch in p)
        assert device_prefix(dev) == p
    assert device_prefix(DEV_A) != device_prefix(DEV_B)
    # Spread: 400 random device ids give many different prefixes (10 bits), not a handful.
    import uuid

    assert len({device_prefix(uuid.uuid4().hex) for _ in range(400)}) > 250


def test_prefixed_codes_keep_shape_and_reading_rules() -> None:
    p = device_prefix(DEV_A)
    for _ in range(2000):
        code = new_code(p)
        assert code.startswith(p) and len(code) == CODE_LENGTH and is_code(code) and not code.isdigit()
    code = new_code(p)
    typed = code.lower()[:5] + "-" + code.lower()[5:]
    assert normalise_code(typed) == code and code in code_candidates(typed)


def _device(tmp_path: Path, name: str, dev: str):
    db = laptop(tmp_path, name)
    with db.session() as s:
        config.put(s, KEY_PEER_DEVICE_ID, dev)
    return db


def test_two_laptops_draw_many_codes_without_a_clash(tmp_path: Path) -> None:
    a, b = _device(tmp_path, "a", DEV_A), _device(tmp_path, "b", DEV_B)
    try:
        drawn = []
        for db in (a, b):
            with db.session() as s:
                prefix = code_prefix(s)
                codes = new_appointment_codes(s, 20_000)
            assert len(set(codes)) == 20_000 and all(c.startswith(prefix) for c in codes)
            drawn.append(set(codes))
        assert not drawn[0] & drawn[1]
        assert {next(iter(d))[:PREFIX_LENGTH] for d in drawn} == {device_prefix(DEV_A), device_prefix(DEV_B)}
    finally:
        a.close()
        b.close()


def test_checkin_finds_new_and_old_codes(db) -> None:
    today = dt.date.today()
    with db.session() as s:
        config.put(s, KEY_PEER_DEVICE_ID, DEV_B)
        p = add_point(s)
        obj = scheduling.create_enrollment_session(
            s, point_id=p.id, day=today, start="08:00", end="09:00", slot_minutes=10, kits=1, minutes_per_person=5
        )
        an = add_citizen(s, "Nguyễn Thị Ân", id_number="001190012345")
        binh = add_citizen(s, "Trần Văn Bình", id_number="001090054321")
        new = scheduling.book(s, an.id, obj.id, dt.time(8, 10))
        old = scheduling.book(s, binh.id, obj.id, dt.time(8, 20))
        assert new.code.startswith(device_prefix(DEV_B))
        legacy = "K7Q2M9XD4A"  # a code printed before prefixes: 10 random symbols
        assert not legacy.startswith(device_prefix(DEV_B))
        old.code = legacy
        s.flush()
        for code, who in ((new.code, an.id), (legacy, binh.id)):
            typed = code.lower()[:5] + "-" + code.lower()[5:] + "\n"
            hits = checkin.lookup(s, typed, enrollment_session_id=obj.id)
            assert [(h.citizen_id, h.match) for h in hits] == [(who, "code")]

"""A small commune with two points and village targets, for the report and progress tests."""

from __future__ import annotations

import datetime as dt

from desktop import config
from desktop.models import Point, Target
from desktop.services.figures import village_targets
from desktop.services.register import statuses
from desktop.services.register.citizens import add_citizen
from desktop.storage.db import Database

REPORT_DAY = dt.date(2026, 1, 5)


def seed_two_points(db: Database) -> int:
    """Two villages, two points; 3 card dossiers in Tổ dân phố 2 (point P1), 1 in Thôn Đông (point P2)."""
    with db.session() as s:
        config.set_commune(s, config.Commune("22366", "Phường Nha Trang", "56", "Khánh Hòa"))
        p1 = Point(code="P1", name="Nhà văn hóa tổ dân phố 2", address="", kind="mobile", active=True)
        p2 = Point(code="P2", name="Trụ sở Công an phường", address="", kind="office", active=True)
        s.add_all([p1, p2])
        s.flush()
        at = dt.datetime(2026, 1, 5, 9)
        for i, (name, village, point) in enumerate([
            ("Nguyễn Văn An", "Tổ dân phố 2", p1), ("Trần Thị Bình", "Tổ dân phố 2", p1),
            ("Lê Văn Cường", "Tổ dân phố 2", p1), ("Phạm Thị Dung", "Thôn Đông", p2),
            ("Võ Văn Em", "Tổ dân phố 10", None),
        ]):
            c = add_citizen(s, {"full_name": name, "birth_year": 1980 + i, "village": village})
            if point is not None:
                statuses.record_event(s, c, "card_captured", at=at, point=point)
        s.add(Target(indicator="card_captured", value=40, updated_at=at))
        village_targets.set_village_target(s, "to dan pho 2", "card_captured", 3)
        village_targets.set_village_target(s, "Thôn Đông", "card_captured", 4)
        village_targets.set_village_target(s, "Tổ dân phố 10", "card_captured", 2)
        return p1.id

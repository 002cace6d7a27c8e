"""Run with `python -m tests.support.new_indicator DIR`: adds a fictitious sixth indicator to the registry
(sync/indicators.py) and nothing else, then drives a laptop's day close, the wire report, the hub's intake,
dashboard and exports, and prints (as JSON) where the indicator was found. A subprocess, because the
registry is read when modules are imported (tests/sync/test_new_indicator.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

from sync import indicators as registry

KEY = "card_handed_over"
HANDED_OVER = registry.Indicator(
    KEY, vi="Thẻ căn cước đã trao cho công dân", en="ID cards handed over", vi_heading="Thẻ đã trao",
    vi_short="Đã trao", vi_inline="thẻ đã trao", en_short="handed over", events=("card_delivered",), main=True)
DAY = dt.date(2025, 8, 4)


def laptop(root: Path) -> tuple[dict[str, Any], Any, bytes]:
    """A laptop database, two citizens handed their card at P1 on DAY, the day closed; (found, report, xlsx)."""
    from common.vietnamese import fold
    from desktop import config
    from desktop.models import Citizen, Point
    from desktop.services.documents import export_xlsx, printouts
    from desktop.services.figures import dayclose
    from desktop.services.province_link.day_reports import report_of
    from desktop.services.register.statuses import record_event
    from desktop.storage.db import open_database

    db = open_database(root / "laptop.db")
    with db.session() as s:
        config.set_commune(s, config.Commune("22736", "Đặc khu Trường Sa", "56"))
        p1 = Point(code="P1", name="Nhà văn hoá thôn 1")
        s.add(p1)
        s.flush()
        for n in (1, 2):
            now = dt.datetime(2025, 1, 1)
            c = Citizen(id_number=f"0561950{n:05d}", full_name=f"Nguyễn Văn {n}", name_key=f"nguyen van {n}",
                        given_key=str(n), sort_given=str(n), sort_family=str(n), village="Thôn Đông",
                        village_key=fold("Thôn Đông"), created_at=now, updated_at=now)
            s.add(c)
            s.flush()
            record_event(s, c, "card_captured", at=dt.datetime.combine(DAY, dt.time(9)), point=p1)
            record_event(s, c, "card_delivered", at=dt.datetime.combine(DAY, dt.time(10 + n)), point=p1)
        row = dayclose.close_day(s, DAY, "P1", now=dt.datetime(2025, 8, 4, 17, 0, tzinfo=dt.UTC))[0]
        closed = dayclose.report_dict(row)
        report = report_of(row, "22736")
        xlsx = export_xlsx.report_xlsx(printouts.daily_report(s, DAY))
    db.close()
    return {"day_close": closed["totals"].get(KEY), "day_close_village": closed["by_village"]["Thôn Đông"].get(KEY),
            "report": report.totals.get(KEY)}, report, xlsx


def hub(root: Path, report: Any) -> dict[str, Any]:
    """The hub's intake over HTTP, its storage, the province table, the commune page and both exports."""
    from fastapi.testclient import TestClient
    from openpyxl import load_workbook
    from sqlalchemy import text

    from province import indicator_storage
    from province.app import create_app
    from province.db import open_hub
    from sync import protocol
    from tests.support.hub import add_user, enrol_http, login, post, setup_commune

    db = open_hub(f"sqlite:///{root / 'hub.db'}")
    found: dict[str, Any] = {}
    with db.engine.begin() as conn:
        found["missing_before_migration"] = list(indicator_storage.missing(conn))
        for key in indicator_storage.missing(conn):  # the documented migration, applied as its SQL
            for ddl in indicator_storage.add_column_sql(key):
                conn.execute(text(ddl))
    with TestClient(create_app(db=db)) as client:
        lap = enrol_http(client, setup_commune(db))
        r = post(client, lap, protocol.Batch.new(lap.device_id, lap.commune_code, [report]))
        found["intake_status"] = r.status_code
        with db.engine.connect() as conn:
            found["stored"] = conn.execute(text(f"SELECT {KEY} FROM report_villages")).scalar()
            found["commune_total"] = conn.execute(
                text("SELECT value FROM commune_totals WHERE indicator = :k"), {"k": KEY}).scalar()
        add_user(db, "quan.tri", "admin")
        assert login(client, "quan.tri").status_code == 303
        page = client.get(f"/?on={DAY.isoformat()}").text
        found["dashboard_heading"] = HANDED_OVER.vi_heading in page
        found["commune_page"] = HANDED_OVER.vi_heading in client.get("/commune/22736").text
        csv_text = client.get(f"/export.csv?on={DAY.isoformat()}").content.decode("utf-8-sig")
        head, first = csv_text.splitlines()[:2]
        cols = head.split(",")
        found["csv"] = first.split(",")[cols.index(f"{HANDED_OVER.vi_heading} - trong ngày")]
        wb = load_workbook(io.BytesIO(client.get(f"/export.xlsx?on={DAY.isoformat()}").content))
        rows = list(wb.active.iter_rows(values_only=True))
        found["xlsx"] = rows[1][list(rows[0]).index(f"{HANDED_OVER.vi_heading} - lũy kế")]
    db.close()
    return found


def main() -> None:
    registry.install((*registry.REGISTRY, HANDED_OVER))  # the one change: nothing else knows the indicator
    root = Path(sys.argv[1])
    found, report, xlsx = laptop(root)
    from openpyxl import load_workbook

    cells = [c for ws in load_workbook(io.BytesIO(xlsx)).worksheets for r in ws.iter_rows(values_only=True)
             for c in r if isinstance(c, str)]
    found["laptop_xlsx"] = HANDED_OVER.vi in cells
    found.update(hub(root, report))
    print(json.dumps(found))


if __name__ == "__main__":
    main()

"""Laptops of one commune for the peer-sync tests: real SQLite files, each its own device id and keyring entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from desktop import config
from desktop.services.register import points
from desktop.services.register.citizens import add_citizen
from desktop.storage.connect import driver_connection
from desktop.storage.db import Database, open_database

COMMUNE = config.Commune(code="22736", name="Đặc khu Trường Sa", province_code="56")


def laptop(tmp_path: Path, name: str, commune: config.Commune = COMMUNE) -> Database:
    db = open_database(tmp_path / f"{name}.db", encrypted=False)
    with db.session() as s:
        config.set_commune(s, commune)
        points.add_point(s, "TRUSO", "Trụ sở công an xã", kind="office")
    return db


def add_person(db: Database, name: str, id_number: str | None, village: str = "Thôn 1") -> int:
    with db.session() as s:
        c = add_citizen(s, {"full_name": name, "id_number": id_number, "birth_year": 1990, "village": village})
        return c.id


def register(db: Database) -> dict[str, object]:
    """Everything two laptops must agree on after a sync, keyed by global id (local row ids differ)."""
    from desktop.services.peer.stamp import stamp

    with db.session() as s:
        stamp(s)
        conn = driver_connection(s)
        out: dict[str, object] = {}
        out["citizens"] = sorted(conn.execute(
            "SELECT gid, id_number, full_name, village, phone, note, status, has_card, vneid_stage FROM citizens"
        ).fetchall())
        out["events"] = sorted(conn.execute(
            "SELECT e.gid, c.gid, e.event_type, e.occurred_at, e.origin FROM status_events e"
            " JOIN citizens c ON c.id = e.citizen_id").fetchall())
        out["sessions"] = sorted(conn.execute(
            "SELECT s.gid, p.code, s.day, s.start_time, s.state FROM enrollment_sessions s"
            " JOIN points p ON p.id = s.point_id").fetchall())
        out["appointments"] = sorted(conn.execute(
            "SELECT a.gid, a.code, c.gid, s.gid, a.slot_start, a.state FROM appointments a"
            " JOIN citizens c ON c.id = a.citizen_id JOIN enrollment_sessions s ON s.id = a.session_id").fetchall())
        out["points"] = sorted(conn.execute("SELECT gid, code, name FROM points").fetchall())
        return out


def today() -> dt.date:
    return dt.date.today()


def swap(tmp_path: Path, src: Database, dst: Database, name: str, *, everything: bool = True) -> Any:
    """src's USB file (all entries by default) imported on dst: the ImportResult."""
    from desktop.services.peer import usbfile

    f = tmp_path / f"{name}.epp"
    usbfile.export_file(src, f, everything=everything)
    return usbfile.import_file(dst, f)


def capture(db: Database, id_number: str) -> None:
    """The citizen checked in ("attended") at point 1 on this laptop."""
    from desktop.services.register import statuses

    with db.session() as s:
        cid = driver_connection(s).execute("SELECT id FROM citizens WHERE id_number = ?", (id_number,)).fetchone()[0]
        statuses.record_event(s, cid, "attended", point=1)


def attended(db: Database) -> list[str]:
    """ID numbers of every "attended" event this laptop holds, sorted (one per event)."""
    with db.session() as s:
        return sorted(n for (n,) in driver_connection(s).execute(
            "SELECT c.id_number FROM status_events e JOIN citizens c ON c.id = e.citizen_id"
            " WHERE e.event_type = 'attended'"))


def lan_sync(server_db: Database, client_db: Database) -> Any:
    """client syncs with a LAN peer server of server_db on 127.0.0.1: the SyncResult."""
    from desktop.services.peer import lan

    server = lan.PeerServer(server_db).start()
    try:
        return lan.sync_with(client_db, f"127.0.0.1:{server.port}")
    finally:
        server.stop()

"""The engine's connection pool: many threads must never close a connection another thread is using.

SQLAlchemy picks SingletonThreadPool for a "sqlite://" URL; once 5 threads had used it, it closed other
threads' connections (the UI tests segfaulted now and then during a language switch).
"""

from __future__ import annotations

import threading

from sqlalchemy import text
from sqlalchemy.pool import QueuePool


def test_file_database_uses_a_queue_pool(db):
    assert isinstance(db.engine.pool, QueuePool)


def test_many_threads_leave_the_main_threads_connection_open(db):
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with db.read_session() as s:  # reads: a write session would wait for the main thread's
                s.execute(text("SELECT count(*) FROM citizens")).scalar_one()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with db.read_session() as s:
        s.execute(text("SELECT 1")).scalar_one()  # this thread's connection is checked out
        for _ in range(20):  # one after the other: each thread is new to the pool
            t = threading.Thread(target=work)
            t.start()
            t.join(timeout=30)
        assert s.execute(text("SELECT count(*) FROM citizens")).scalar_one() == 0
    assert errors == []

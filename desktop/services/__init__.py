"""The domain layer, Qt-free: register, statuses and due rules, search, scheduling, check-in, indicators,
progress, day close and sync outbox, import, printouts, operators. Plain functions over a SQLAlchemy Session;
the read paths of `enrollpoint search` and `status` also over a bare DB-API connection (`search_rows`,
`citizen_status`), so those commands start without SQLAlchemy.
"""

"""The domain layer, Qt-free: register, statuses and due rules, search, scheduling, check-in, indicators,
progress, day close and sync outbox, import, printouts, operators. Plain functions over a SQLAlchemy Session.
"""

"""Login rate limits and lockouts in the hub's database, so every worker process (and every machine on one
PostgreSQL) counts the same attempts: 5 wrong passwords lock that address out of that account whichever
worker answered, and the per-address limit answers 429 at the same count with 1 worker or 4.

Each operation is one short write transaction on one row: an upsert (INSERT … ON CONFLICT DO NOTHING), then
the row read FOR UPDATE (PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already serialises writers), changed
and committed. Three kinds of rows (province.models.throttle):

- `a:<address>`: a token bucket, `capacity` attempts at once and `rate` more per second.
- `p:<address>|<account>`: wrong passwords in a row from one address for one account; at `max_failures` that
  pair is refused for `lock_for` seconds. A stranger locks nobody but themselves.
- `u:<account>`: wrong passwords for one account from anywhere within `account_window`. Past
  `account_slow_after` every login for that account waits `account_delay` seconds first: many addresses
  guessing together are slowed, but the account is never locked, so its owner still gets in.

Rows past their `expires` are pruned now and then by whichever process writes.

On SQLite the counters are written through a connection of their own with `synchronous=NORMAL`: still
atomic (the write lock), but no fsync per wrong password — a flood of logins must not queue the device API's
durable commits behind hundreds of flushes. A power cut may forget the last few counts; nothing else.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from province.db import HubDB, create_hub_engine
from province.models import LoginThrottle
from province.settings import HubSettings

PRUNE_EVERY = 200  # writes of this process between two prunes


@dataclass
class ThrottlePolicy:
    capacity: float = 10
    rate: float = 1 / 6
    max_failures: int = 5
    lock_for: float = 300.0
    account_slow_after: int = 20
    account_window: float = 900.0
    account_delay: float = 2.0


class SharedThrottle:
    """The login's shared counters; `clock` gives Unix seconds (all processes must share it)."""

    def __init__(self, db: HubDB, policy: ThrottlePolicy, clock: Callable[[], float],
                 settings: HubSettings | None = None) -> None:
        self.policy, self.clock = policy, clock
        self._writes = itertools.count(1)
        self._own = db.is_sqlite and settings is not None
        if self._own and settings is not None:
            engine = create_hub_engine(db.url, settings.model_copy(update={"sqlite_sync": "NORMAL"}))
            db = HubDB(db.url, engine, sessionmaker(engine, expire_on_commit=False),
                       sessionmaker(engine.execution_options(ep_write=True), expire_on_commit=False))
        self.db = db

    def close(self) -> None:
        if self._own:
            self.db.close()

    def _row(self, s: Session, key: str, now: float) -> LoginThrottle:
        insert = postgresql.insert if self.db.engine.dialect.name == "postgresql" else sqlite.insert
        s.execute(insert(LoginThrottle).values(key=key, count=0, tokens=self.policy.capacity, at=now, until=0.0,
                                               expires=now).on_conflict_do_nothing(index_elements=["key"]))
        row = s.scalars(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
                        .execution_options(populate_existing=True)).one()
        if next(self._writes) % PRUNE_EVERY == 0:
            s.execute(delete(LoginThrottle).where(LoginThrottle.expires < now, LoginThrottle.key != key))
        return row

    def take(self, address: str) -> float:
        """0.0 if an attempt from this address is allowed now (and counted), else the seconds to wait."""
        p, now = self.policy, self.clock()
        with self.db.session(write=True) as s:
            row = self._row(s, f"a:{address}", now)
            tokens = row.tokens if row.expires > now else p.capacity
            tokens = min(p.capacity, tokens + max(0.0, now - row.at) * p.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / p.rate if p.rate > 0 else 3600.0
            row.tokens, row.at = tokens, now
            row.expires = now + ((p.capacity - tokens) / p.rate if p.rate > 0 else 3600.0)
        return wait

    def locked(self, address: str, account: str) -> bool:
        with self.db.session() as s:
            until = s.scalar(select(LoginThrottle.until).where(LoginThrottle.key == f"p:{address}|{account}"))
        return until is not None and until > self.clock()

    def failure(self, address: str, account: str) -> bool:
        """Count a wrong password (for the pair and the account); True when this one locks the pair."""
        p, now = self.policy, self.clock()
        with self.db.session(write=True) as s:
            acct = self._row(s, f"u:{account}", now)
            acct.count = (acct.count if acct.expires > now else 0) + 1
            acct.expires = now + p.account_window
            row = self._row(s, f"p:{address}|{account}", now)
            failures = row.count if row.expires > now and row.until <= now else 0  # a lock that ended: afresh
            failures += 1
            if failures >= p.max_failures:
                row.count, row.until, row.expires = 0, now + p.lock_for, now + p.lock_for
                return True
            row.count, row.expires = failures, now + p.lock_for
            return False

    def success(self, address: str, account: str) -> None:
        with self.db.session(write=True) as s:
            s.execute(delete(LoginThrottle).where(LoginThrottle.key == f"p:{address}|{account}"))

    def account_delay(self, account: str) -> float:
        """Seconds every login for this account waits first (many addresses guessing it); 0.0 normally."""
        with self.db.session() as s:
            row = s.execute(select(LoginThrottle.count, LoginThrottle.expires)
                            .where(LoginThrottle.key == f"u:{account}")).first()
        if row is None or row[1] <= self.clock() or row[0] < self.policy.account_slow_after:
            return 0.0
        return self.policy.account_delay

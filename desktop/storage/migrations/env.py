"""Alembic environment: always run with the live connection handed over by desktop.storage.migrations."""

from __future__ import annotations

from alembic import context

from desktop.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only by hand: alembic needs the app's engine factory
    raise RuntimeError("Run migrations through desktop.storage.migrations.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()

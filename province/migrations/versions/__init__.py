"""Alembic versions of the hub database, one file per schema change (a single head)."""

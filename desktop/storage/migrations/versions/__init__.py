"""Alembic versions of the commune database, one file per schema change, in `KNOWN_REVISIONS` order."""

"""The province hub: FastAPI app (`app`, `api`), report intake, bundle import, dashboard, admin CLI, its own
models and migrations (SQLite by default, PostgreSQL in production). Imports `sync` and `common`, never `desktop`.
"""

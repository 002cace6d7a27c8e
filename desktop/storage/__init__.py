"""Where the commune database lives: connections (`connect`), the OS-keyring key (`keys`), open and migrate
(`db`), backups and restore (`backup`), and the Alembic versions (`migrations`). Below the services: it
imports models and errors, never services, printing or UI.
"""

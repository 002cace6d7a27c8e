"""Where the commune database lives: connections (`connect`), the OS-keyring key (`keys`) and the peer
group's secret (`peer_keys`), open and migrate (`db`), backups and restore (`backup`, written through
`safe_copy`), known environment failures (`failures`) and their words (`failure_words`), and the Alembic
versions (`migrations`). Below the services: it imports models and errors, never services, printing or UI.
"""

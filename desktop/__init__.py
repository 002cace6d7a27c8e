"""The commune app: `__main__` (GUI or CLI), `app` (start-up), `ui/` (Qt), `cli/` (headless commands),
`services/` (the domain), `printing/`, `storage/` (the database), `models/`; `errors`, `paths`, `logs` below all.
"""

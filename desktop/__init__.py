"""The commune app: `__main__` (GUI or CLI), `app` (start-up), `ui/` (Qt), `cli/` (headless commands),
`services/` (the domain), `printing/`, `storage/` (the database), `models/`, `config` (the commune's settings);
`settings_keys` (every key of the settings table) and `messages` (words as message ids, no Qt); `errors`,
`paths`, `logs` below all.
"""

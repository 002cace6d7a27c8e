"""The commune app: `__main__` (GUI or CLI), `app` (start-up), `ui/` (Qt), `cli/` (headless commands),
`services/` (the domain), `printing/`, `storage/` (the database), `models/`, `config` (the commune's settings);
`settings_keys` (every key of the settings table), `messages` (words as message ids, no Qt) and `changes`
(what a write service changed, for the screens to refresh); `errors`,
`paths`, `logs` below all.
"""

"""The province hub: FastAPI `app` and `api` (`schemas`, hardening in `security`), report `intake` (signed revisions that lower an earlier one noted by `revisions_lowered`; SQL in
`intake_writer`, the roll-ups' share in `intake_rollups`, PostgreSQL's monthly report `partitions`) and `bundle_import`, files for communes with no link (`offline`), a dead laptop's successor
(`replacement`, `device_keys`) and laptops `held` for the admin, which indicator columns storage lacks
(`indicator_storage`), `admin` functions and dashboard `auth`
with each account's `account_scope` (a province, or a leader's communes), the admin's `commune_groups`
(`throttle` on logins, `inflight` bounding concurrent batches), the `dashboard/`, the admin `cli` (`cli_files` for work on files, `cli_steering` for the calendar and leaders, `cli_rankings` (rankings publish, groups), `cli_words` its lines
in two languages), the reporting rules `workdays` (cut-off, working days, leaders), one `settings` object, the refusal root `errors` with its one handler `refusals`, route guards
in `deps`, trusted `proxy` addresses, no plain HTTP off this computer (`transport`), the province's TLS CA carried in enrolment
response files (`province_ca`), login counters shared by workers (`throttle_store`), a database that went
away answered with 503 (`db_watch`), `cli_ops` (backup, restore, audit, reinstate, targets import), `cli_report` (report-setup) with
`backup` (the logical dump) sealed by `backup_crypt`, `audit_read`, `targets_read` (a targets file into typed
records) and `targets_write`, `target_sets_write` (target sets with denominators) and `target_sets` (the one
target per indicator the laptops get), the audit's `actor` (the OS user on the command line), timestamped `logs`, its own `db`,
the `national/` level (a province hub's roll-up to the national hub, and the national hub's side), `models/` and `migrations/` (SQLite by default, PostgreSQL in production). Imports `sync` and `common`,
never `desktop`.
"""

"""The national level: province hubs roll their communes' daily figures up to one national hub.

A hub runs in one role (`ENROLLPOINT_HUB_ROLE`, province.settings): `province` (laptops report to it; the
default) or `national` (province hubs report to it). The laptop → province rules are re-used one level up:
a one-time code binds the national hub's key, the province hub's own Ed25519 key is pinned, batches are
idempotent by id, and a revision per (commune, day) replaces the earlier one, never adds.

Modules:
- `models`: the national tables (migrations 0012_national, 0013_national_totals, 0017_national_v2) on both sides.
- `role`: which hub takes which requests (a national hub refuses laptops, a province hub roll-ups).
- `rollup`: the signed roll-up document, its shape and its checks (pure).
- `outbox`: the province side: figures per (commune, day), revisions, the pending batch.
- `forward`: the province side of format 2: completeness by channel per commune-day, and the targets.
- `intake`: the national side: enrolment codes, enrolment, batch intake with receipts.
- `store`: the intake's bulk writes (highest revision kept in the statement) and the per-commune totals.
- `files`: the same batches by file (`send --out`, `import --receipt`, `receipt`) for a long outage, and enrolment by file.
- `client`: the province hub's HTTP link to the national hub (bounded retries).
- `api`: the national hub's routes under /api/v1/national.
- `page`: the national page (/national) and a province's drill-down.
- `coverage`: the page's completeness of one day, per province and per commune.
- `paper`: the monthly A4 summary (PDF) in the Decree 30/2020 layout, at /national/report/YYYY-MM.
- `cli`: `enrollpoint-hub national enrol-code | enrol-file | connect | send | import | receipt | status`.
- `words`: the CLI lines of these commands, Vietnamese and English.
"""

"""Server-rendered dashboard pages of the hub: `login`, the province table and commune pages (`routes`),
`export` (CSV/XLSX), `completeness` (who reported a day, on time or late, by which channel), `offline_pages` (no link) `device_pages` (a commune's laptops) and `target_pages` (target sets, figures from
`target_figures`, which reads only the window and the monthly roll-up through `target_window`). Reads through `data`
(running totals; a past day from the roll-ups through `asof`), renders with `render` through the Jinja2 environment of `pages`; routes only wire them.
The committee's papers and the phone page: `brief` (the summary built from the table's rows), `paper_report`
(PDF, Decree 30/2020 layout), `paper_xlsx` (the same as XLSX), `report_setup` (unit, signer, place, in
hub_settings) and `report_routes` (`/report/…`, `/phone`).
Drill-down, trends and checks: `drill` (routes: points and villages, a point, a laptop, `/trend`, `/checks`),
`drill_data` (their figures), `trend` (the inline SVG chart's series and target lines), `checks` ("Cần kiểm tra"); `stamped` keeps
the province-wide checks and trend until new data arrives. Accounts bound to a province or to a leader's
communes: `scope` (what a page may show, what an admin may act on) and `mine` ("Địa bàn của tôi"); rankings
kept as published at the cut-off: `published` and `ranking_pages` (`/rankings`). Vietnamese first, English on
request: `lang` (the request's language, the templates' `_()` and the hook that prints every other line in
English) with its one catalogue `lang_catalogue`."""

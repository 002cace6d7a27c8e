"""Server-rendered dashboard pages of the hub: `login`, the province table and commune pages (`routes`),
`export` (CSV/XLSX), `offline_pages` (no link) and `device_pages` (a commune's laptops), `target_pages` (target sets, figures from
`target_figures`). Reads through `data`
(running totals), renders with `render` through the Jinja2 environment of `pages`; routes only wire them."""

"""Server-rendered dashboard pages of the hub: login, the province table, commune pages and exports.
Reads through `data` (running totals), renders with `render`; routes only wire them."""

"""The main window's screens — `queue` (with `queue_model` and `citizen_panel`), `schedule`, `checkin` (with `checkin_hits` and `checkin_layout`: the card under the hits when narrow),
`progress` — and the panels `audit`, `sync_panel` and `peers`, on the shared behaviour of `base`.
Views read through `app.read(service_fn, ...)` and write through operations; they never open sessions."""

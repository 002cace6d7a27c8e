"""The laptop's link to the province hub: network, USB files and phone codes.

- `hub_link`: connect (enrol), send now, bundles, targets; the keyring entries of the hub identity;
- `hub_offline`: enrolment, receipts and targets by file, day codes for the phone;
- `hub_pin`: the hub's signing key: what may be pinned, when it may change; `hub_ca`: the province's own TLS
  certificate authority, pinned per hub (`connect --ca-file`);
- `link_watch`: probe the hub and the watch loop of `sync --watch` (the one link policy); `sender_lock`: one
  watch per database; `autostart`: the XDG autostart entry that runs the watch at login;
- `outbox`: closed days waiting to go, sent, exported or confirmed (exactly once);
- `day_reports`: a stored day report as the protocol's `Report`;
- `restored`, `succession`: a database restored from a backup, and a dead laptop's successor.
"""

"""The laptop's link to the province hub: network, USB files and phone codes.

- `hub_link`: connect (enrol), send now, bundles, targets; the keyring entries of the hub identity;
- `hub_offline`: enrolment, receipts and targets by file, day codes for the phone;
- `outbox`: closed days waiting to go, sent, exported or confirmed (exactly once);
- `day_reports`: a stored day report as the protocol's `Report`.
"""

"""Every key of the laptop's `settings` table, in one place: what each one holds and who writes it.

Modules import their keys from here (tests/test_architecture.py checks that no other module defines a
`KEY_*` string), so one name never means two settings and one setting never has two names.
"""

# -- the commune and how the app shows it (config.py; first run, `enrollpoint init`) --------------------------
KEY_COMMUNE_CODE = "commune.code"  # the commune's 5-digit code (2025 list)
KEY_COMMUNE_NAME = "commune.name"
KEY_PROVINCE_CODE = "commune.province_code"
KEY_PROVINCE_NAME = "commune.province_name"
KEY_DEMO = "commune.demo"  # "1" on the demo commune (its figures never go to a real hub)
KEY_NAME_ORDER = "ui.name_order"  # "given" or "family": how lists sort names
KEY_LANGUAGE = "ui.language"  # "vi" (default) or "en"
KEY_WINDOW_PLACEMENT = "ui.window.placement"  # main window: JSON {x, y, w, h, max} (ui/support/fit.py)
KEY_WINDOW_DOCKS = "ui.window.docks"  # main window: which side panels are open, and where (Qt saveState, base64)
KEY_REPORT_TO = "report.to"  # the daily report's "Kính gửi" lines (JSON list)
KEY_REPORT_CC = "report.cc"  # its "Nơi nhận" lines (JSON list)

# -- the commune's group of laptops (services/peer) ------------------------------------------------------------
KEY_PEER_DEVICE_ID = "peer.device_id"  # this laptop's id in the group (not the hub's device id)
KEY_DEVICE_NAME = "peer.device_name"  # the name other laptops show for this one
KEY_HLC = "peer.hlc"  # the change log's hybrid logical clock, last stamp given
KEY_GROUP_ID = "peer.group_id"  # the group this laptop joined (its secret is in the keyring)
KEY_CLONE_FROM = "peer.clone_from"  # a peer id this database was copied from (clone detected, not resolved)
KEY_FORMER_IDS = "peer.former_device_ids"  # peer ids this laptop used before `peer reidentify` (JSON list)
KEY_UNSIGNED_TOP = "peer.unsigned_top"  # "<device id>:<seq>": this laptop's last entry made before it signed (0009)
KEY_RETRACTED = "peer.retracted"  # forks taken back by `peer reidentify` here or elsewhere: JSON {origin: [[seq, hlc], …]}

# -- the province hub (services/province_link) ----------------------------------------------------------------
KEY_HUB_URL = "hub.url"  # empty for a laptop enrolled by file until a targets file names the hub
KEY_HUB_DEVICE_ID = "hub.device_id"  # the device id the hub gave this database (token and key in the keyring)
KEY_HUB_COMMUNE = "hub.commune_code"  # the commune the hub enrolled this laptop for
KEY_CONNECTED_AT = "hub.connected_at"
KEY_TOKEN_EXPIRES = "hub.token_expires_at"
KEY_TARGETS_AT = "hub.targets_fetched_at"
KEY_TARGETS_FILE_ISSUED = "hub.targets_file_issued_at"  # the newest targets file taken (older ones refused)
KEY_HUB_PUBLIC_KEY = "hub.public_key"  # the hub's Ed25519 key, pinned at enrolment (checks receipts, files)
KEY_HUB_CA_PEM = "hub.ca_pem"  # the province's CA certificate(s), PEM (public), trusted for TLS to the hub
KEY_HUB_CA_FOR = "hub.ca_for"  # the hub origin (https://host:port) that CA is for; "": the hub given later

# -- sending (services/province_link/outbox, ui/support/autosend) -------------------------------------------
KEY_LAST_SUCCESS = "sync.last_success_at"
KEY_LAST_ERROR = "sync.last_error"  # the last failed send's words (cleared by a success or a new connect)
KEY_LAST_ERROR_AT = "sync.last_error_at"
KEY_LAST_RUN = "sync.last_run_at"
KEY_AUTO_SEND = "sync.auto_send"  # "0": off; anything else (default): on

# -- a laptop restored from a backup, and a dead laptop's successor (services/province_link/restored, succession)
KEY_RESTORED_FROM = "restore.from_device"  # the hub device id in the backup ("" when it was never connected)
KEY_RESTORED_AT = "restore.at"  # naive UTC ISO: reports closed at or before it are the backup's laptop's work
KEY_RESTORED_PEER = "restore.from_peer"  # the group identity (peer id) the backup's laptop wrote under
KEY_SUCCEEDED_PEERS = "peer.succeeded_ids"  # group identities whose events this laptop's day close counts too
KEY_SUCCESSOR_OF = "hub.successor_of"  # the hub device this laptop succeeds (a replacement code)
KEY_NEW_AFTER_RESTORE = "hub.new_after_restore"  # "1": enrolled as a new device after a restore
